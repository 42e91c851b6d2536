"""Accounts: users with argon2 password hashes, zone-bound roles, tokens and sessions.

Passwords are hashed with argon2id (argon2-cffi, its recommended parameters) and never
stored or logged. An API token or a page session is a random secret shown once; only its
SHA-256 is kept, so a stolen database does not yield usable credentials, and either can be
revoked. Repeated failed sign-ins are throttled by name and by address
(:data:`MAX_FAILURES_NAME` / :data:`MAX_FAILURES_REMOTE` in :data:`WINDOW`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from meili.db.audit import append, utc
from meili.db.models import Credential, LoginAttempt, RoleGrant, User, Zone
from meili.errors import NotFoundError
from meili.workflow.errors import Conflict, Invalid, Throttled, Unauthenticated
from meili.workflow.roles import ROLES, Actor, Grant, check_role

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
MIN_PASSWORD = 10
WINDOW = timedelta(minutes=15)
MAX_FAILURES_NAME = 5
MAX_FAILURES_REMOTE = 50
TOKEN_TTL = timedelta(days=90)
SESSION_TTL = timedelta(hours=12)
_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so the time taken does not tell.
_DUMMY = _hasher.hash("meili-dummy-password")


def now() -> datetime:
    return datetime.now(UTC)


def hash_password(password: str) -> str:
    """The argon2id hash of a password (which must be at least :data:`MIN_PASSWORD` long)."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"the password must be at least {MIN_PASSWORD} characters long")
    return _hasher.hash(password)


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}; see `meili users list`")
    return user


def _zone_tier(session: Session, zone: str | None) -> str | None:
    if zone is None:
        return None
    row = session.get(Zone, zone)
    if row is None:
        raise NotFoundError(f"no zone with code {zone!r}; see `meili zones list`")
    return row.tier


def add_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: str | None = None,
    zone: str | None = None,
    display_name: str = "",
    by: str = "cli",
) -> User:
    """Create a user (and grant a first role); the username must be new."""
    if not USERNAME_RE.match(username):
        raise Invalid(f"invalid username {username!r} (2–64 letters, digits, '.', '_', '@' or '-')")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} exists already")
    if role is not None:
        check_role(role, _zone_tier(session, zone))
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        active=True,
        created_at=now(),
    )
    session.add(user)
    session.flush()
    append(session, by, "add", "user", username, after={"display_name": display_name})
    if role is not None:
        grant(session, username, role, zone, by=by)
    return user


def set_password(session: Session, username: str, password: str, by: str = "cli") -> None:
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    _revoke_all(session, user)
    append(session, by, "set_password", "user", username)


def grant(
    session: Session, username: str, role: str, zone: str | None = None, by: str = "cli"
) -> RoleGrant:
    """Give a user a role (bound to ``zone`` for a zone role)."""
    user = get_user(session, username)
    check_role(role, _zone_tier(session, zone))
    if any(g.role == role and g.zone_code == zone and g.revoked_at is None for g in user.grants):
        raise Conflict(f"{username} holds {role}{'@' + zone if zone else ''} already")
    row = RoleGrant(user=user, role=role, zone_code=zone, granted_by=by, granted_at=now())
    session.add(row)
    session.flush()
    append(session, by, "grant", "user", username, after={"role": role, "zone": zone})
    return row


def revoke(
    session: Session, username: str, role: str, zone: str | None = None, by: str = "cli"
) -> RoleGrant:
    """Take a role away (kept for the record with the time it was revoked)."""
    user = get_user(session, username)
    for g in user.grants:
        if g.role == role and g.zone_code == zone and g.revoked_at is None:
            g.revoked_at = now()
            append(session, by, "revoke", "user", username, before={"role": role, "zone": zone})
            return g
    raise NotFoundError(f"{username} holds no {role}{'@' + zone if zone else ''}")


def _revoke_all(session: Session, user: User) -> int:
    result = session.execute(
        update(Credential)
        .where(Credential.user_id == user.id, Credential.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def disable_user(session: Session, username: str, by: str = "cli") -> User:
    """Disable a user: no sign-in, every token and session revoked (the record stays)."""
    user = get_user(session, username)
    if not user.active:
        raise Conflict(f"user {username!r} is disabled already")
    user.active = False
    user.disabled_at = now()
    revoked = _revoke_all(session, user)
    append(session, by, "disable", "user", username, revoked_credentials=revoked)
    return user


def enable_user(session: Session, username: str, by: str = "cli") -> User:
    user = get_user(session, username)
    user.active = True
    user.disabled_at = None
    append(session, by, "enable", "user", username)
    return user


def actor_of(user: User) -> Actor:
    """The user as an :class:`Actor` with the roles currently held."""
    grants = tuple(Grant(g.role, g.zone_code) for g in user.grants if g.revoked_at is None)
    return Actor(user.username, grants, user.id)


def user_record(user: User) -> dict:
    live = [g for g in user.grants if g.revoked_at is None]
    return {
        "username": user.username,
        "display_name": user.display_name,
        "active": user.active,
        "roles": [f"{g.role}@{g.zone_code}" if g.zone_code else g.role for g in live],
        "created_at": utc(user.created_at).isoformat(timespec="seconds") + "Z",
    }


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


# ---- signing in ----------------------------------------------------------------------------


def _failures(session: Session, column, value: str) -> int:  # type: ignore[no-untyped-def]
    since = now() - WINDOW
    return session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(column == value, LoginAttempt.at >= since, LoginAttempt.ok.is_(False))
    )


SIGN_IN_FAILED = "wrong username or password, or the user is disabled (用户名或密码错误)"


def check_password(session: Session, username: str, password: str, remote: str = "") -> User | None:
    """The user when the password is right, else None; throttled after repeated failures.

    Every attempt is recorded (name, address, time, outcome — never the password), so the
    caller must let the transaction commit and raise :class:`Unauthenticated` after it
    (``SIGN_IN_FAILED``) when None comes back.
    """
    username = username.strip()[:64]
    if (
        _failures(session, LoginAttempt.username, username) >= MAX_FAILURES_NAME
        or _failures(session, LoginAttempt.remote, remote) >= MAX_FAILURES_REMOTE
    ):
        raise Throttled("too many failed sign-ins; try again in 15 minutes (登录失败次数过多)")
    user = session.scalar(select(User).where(User.username == username))
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active
    session.add(LoginAttempt(username=username, remote=remote[:64], at=now(), ok=ok))
    session.flush()
    if not ok or user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def issue(
    session: Session, user: User, kind: str = "token", label: str = "", ttl: timedelta | None = None
) -> tuple[str, Credential]:
    """A new token or session for ``user``: the secret (shown once) and its record."""
    prefix = "mk_" if kind == "token" else "ms_"
    secret = prefix + secrets.token_urlsafe(32)
    cred = Credential(
        user_id=user.id,
        kind=kind,
        secret_hash=_secret_hash(secret),
        csrf=secrets.token_urlsafe(24) if kind == "session" else None,
        label=label[:200],
        created_at=now(),
        expires_at=now() + (ttl or (TOKEN_TTL if kind == "token" else SESSION_TTL)),
    )
    session.add(cred)
    session.flush()
    if kind == "token":
        append(session, user.username, "issue", "token", cred.id, label=label)
    return secret, cred


def credential(session: Session, secret: str, kind: str) -> tuple[Credential, User]:
    """The live credential of ``kind`` with this secret and its (active) user."""
    row = session.execute(
        select(Credential, User)
        .join(User, User.id == Credential.user_id)
        .where(Credential.secret_hash == _secret_hash(secret), Credential.kind == kind)
    ).first()
    if row is None:
        raise Unauthenticated(f"unknown {kind}")
    cred, user = row
    if cred.revoked_at is not None:
        raise Unauthenticated(f"the {kind} was revoked")
    if utc(cred.expires_at) <= utc(now()):
        raise Unauthenticated(f"the {kind} has expired")
    if not user.active:
        raise Unauthenticated("the user is disabled")
    return cred, user


def revoke_credential(session: Session, cred: Credential, by: str) -> None:
    if cred.revoked_at is not None:
        raise Conflict("revoked already")
    cred.revoked_at = now()
    if cred.kind == "token":
        append(session, by, "revoke", "token", cred.id)


def tokens_of(session: Session, user: User) -> list[Credential]:
    return list(
        session.scalars(
            select(Credential)
            .where(Credential.user_id == user.id, Credential.kind == "token")
            .order_by(Credential.id)
        )
    )


def role_names() -> dict[str, tuple[str, str]]:
    return {r: (zh, en) for r, (zh, en, _) in ROLES.items()}
