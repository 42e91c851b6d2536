"""Administrators' permission rules: add and remove (each change audited)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from meili.db.audit import append
from meili.db.models import PermissionRule, Zone
from meili.errors import NotFoundError
from meili.workflow.accounts import get_user, now
from meili.workflow.errors import Invalid
from meili.workflow.permissions import Rule, check_rule


def add_rule(
    session: Session,
    effect: str,
    action: str,
    *,
    user: str | None = None,
    role: str | None = None,
    zone: str | None = None,
    scope: str = "subtree",
    reason: str = "",
    by: str,
) -> PermissionRule:
    """Store a rule for a user or a role (or anyone), optionally within a zone."""
    if user and role:
        raise Invalid("a rule is for a user or for a role, not both")
    if not reason.strip():
        raise Invalid("say why the rule is added (--reason)")
    if user:
        get_user(session, user)
    if zone and session.get(Zone, zone) is None:
        raise NotFoundError(f"no zone with code {zone!r}")
    who = f"user:{user}" if user else (role or "anyone")
    check_rule(Rule(who=who, action=action, scope=scope, effect=effect, zone=zone))
    row = PermissionRule(
        effect=effect,
        action=action,
        username=user,
        role=role,
        zone_code=zone,
        scope=scope,
        reason=reason.strip(),
        created_by=by,
        created_at=now(),
    )
    session.add(row)
    session.flush()
    session.info.pop("meili_rules", None)
    after = {"effect": effect, "action": action, "who": who, "zone": zone, "scope": scope}
    append(session, by, "add", "permission_rule", row.id, after=after, reason=reason)
    return row


def remove_rule(session: Session, rule_id: int, *, by: str) -> None:
    row = session.get(PermissionRule, rule_id)
    if row is None:
        raise NotFoundError(f"no stored rule #{rule_id}; see `meili permissions list`")
    before = {
        "effect": row.effect,
        "action": row.action,
        "user": row.username,
        "role": row.role,
        "zone": row.zone_code,
        "scope": row.scope,
    }
    session.delete(row)
    session.info.pop("meili_rules", None)
    append(session, by, "remove", "permission_rule", rule_id, before=before)
