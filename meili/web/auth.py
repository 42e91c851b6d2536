"""Who is asking: a bearer token (API), a session cookie with CSRF (pages), or the public.

API writes carry ``Authorization: Bearer <token>`` (from ``POST /api/v1/auth/token``);
the API never reads the session cookie, so a page's cookie cannot be used against it
(no CSRF on the API). Pages read the ``meili_session`` cookie (HttpOnly, SameSite=Lax) and
every form they post carries the session's CSRF token.
"""

from __future__ import annotations

import hmac
import re

from fastapi import Request
from sqlalchemy.orm import Session

from meili.workflow.accounts import actor_of, credential
from meili.workflow.errors import (
    Forbidden,
    Invalid,
    PreconditionRequired,
    Unauthenticated,
)
from meili.workflow.roles import ANONYMOUS, Actor

SESSION_COOKIE = "meili_session"
LOGIN_CSRF_COOKIE = "meili_login_csrf"
_ETAG = re.compile(r'^\s*(?:W/)?"?([0-9]+)"?\s*$')


def remote(request: Request) -> str:
    return request.client.host if request.client else ""


def api_actor(s: Session, request: Request, *, required: bool = False) -> Actor:
    """The bearer token's user, else the public (``required``: 401 without a token)."""
    header = request.headers.get("authorization", "")
    if not header:
        if required:
            raise Unauthenticated("sign in: send Authorization: Bearer <token>")
        return ANONYMOUS
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthenticated("the Authorization header must be: Bearer <token>")
    _, user = credential(s, secret.strip(), "token")
    return actor_of(user)


def page_actor(s: Session, request: Request) -> tuple[Actor, str | None]:
    """The signed-in user of a page and the session's CSRF token (public: None)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return ANONYMOUS, None
    try:
        cred, user = credential(s, secret, "session")
    except Unauthenticated:
        return ANONYMOUS, None
    return actor_of(user), cred.csrf


def check_csrf(expected: str | None, given: str | None) -> None:
    """A posted form's CSRF token must equal the session's."""
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise Forbidden("the form's security token is missing or stale; reload the page (CSRF)")


def expected_lock(request: Request, version: int | None) -> tuple[int, str]:
    """The lock a write names: ``If-Match`` (→ 412 when stale) or the body's ``version``
    (→ 409); one of them is required (428)."""
    header = request.headers.get("if-match")
    if header is not None:
        match = _ETAG.match(header)
        if match is None:
            raise Invalid(f'If-Match must be an ETag of this API (e.g. "3"), not {header[:40]!r}')
        return int(match.group(1)), "if-match"
    if version is not None:
        return version, "version"
    raise PreconditionRequired(
        "send If-Match with the ETag you read, or the version in the body (optimistic locking)"
    )


def etag(lock: int) -> str:
    return f'"{lock}"'
