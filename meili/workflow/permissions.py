"""Permissions, decided in one place: actor × action × resource, the most specific rule wins.

The rules are the bundled ``permissions.yaml`` plus the rules an administrator stored
(:class:`~meili.db.models.PermissionRule`). :func:`decide` returns a :class:`Decision` that
says which rule won and why each other matching rule lost — the text ``meili permissions
explain`` and the admin page show.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ruamel.yaml import YAML
from sqlalchemy import select
from sqlalchemy.orm import Session

from meili.db.models import PermissionRule
from meili.workflow.errors import Forbidden, Invalid
from meili.workflow.hierarchy import ZoneTree, zone_tree
from meili.workflow.roles import ROLES, Actor, Grant

SCOPES = ("self", "below", "subtree", "all", "public")
GROUPS = {
    "zone_member": {r for r, (_, _, tier) in ROLES.items() if tier is not None},
    "zone_editor": {r for r, (_, _, tier) in ROLES.items() if tier and r.endswith("_editor")},
}
#: action → (zh, en): every action a rule may name
ACTIONS: dict[str, tuple[str, str]] = {
    **{
        f"{kind}.{verb}": (f"{kzh}：{vzh}", f"{ken}: {ven}")
        for kind, kzh, ken in (
            ("plan", "实施方案", "plan"),
            ("selfassess", "自评估", "self-assessment"),
        )
        for verb, vzh, ven in (
            ("read", "查阅已提交版本", "read submitted versions"),
            ("read_draft", "查阅草稿", "read the draft"),
            ("create", "新建", "create"),
            ("edit", "编辑草稿", "edit the draft"),
            ("submit", "提交", "submit"),
            ("withdraw", "撤回", "withdraw"),
            ("attach", "上传附件", "attach files"),
            ("review", "审核（通过/退回）", "review (approve/return)"),
            ("reopen", "重新打开下级审核", "re-open a lower level's approval"),
            ("comment", "分节意见", "comment per section"),
        )
    },
    "evidence.read": ("佐证材料：查阅", "evidence: read"),
    "evidence.submit": ("佐证材料：上传", "evidence: submit"),
    "evidence.review": ("佐证材料：审核", "evidence: accept or reject"),
    "data.read": ("数据报送：查阅", "data submission: read"),
    "data.submit": ("数据报送：上传", "data submission: upload"),
    "ledger.read": ("任务台账：查阅", "ledger: read"),
    "ledger.edit": ("任务台账：编辑", "ledger: edit items"),
    "ledger.report": ("任务台账：报告进展", "ledger: report progress"),
    "round.read": ("评估轮次：查阅", "assessment round: read"),
    "round.publish": ("评估轮次：发布", "assessment round: publish"),
    "targets.import": ("目标：导入", "targets: import"),
    "users.manage": ("用户与权限：管理", "users and permissions: manage"),
    "audit.read": ("审计日志：查阅", "audit log: read"),
}
WHO_RANK = {"user": 4, "role": 3, "group": 2, "signed_in": 1, "anyone": 0}
SCOPE_RANK = {"self": 3, "below": 2, "subtree": 2, "public": 1, "all": 0}


@dataclass(frozen=True)
class Resource:
    """What an action is on: a zone's thing; ``public`` when it is published."""

    kind: str
    zone: str | None = None
    public: bool = False
    label: str = ""

    def __str__(self) -> str:
        return self.label or f"{self.kind} of {self.zone or 'no zone'}"


ACCOUNTS = Resource("users", label="accounts")
AUDIT = Resource("audit", label="audit log")


@dataclass(frozen=True)
class Rule:
    """One rule: ``effect`` for ``who`` doing ``action`` within ``scope`` (of ``zone``)."""

    who: str
    action: str
    scope: str
    effect: str
    zone: str | None = None
    origin: str = "bundled"
    reason: str = ""

    def who_kind(self) -> str:
        if self.who.startswith("user:"):
            return "user"
        if self.who in GROUPS:
            return "group"
        if self.who in ("signed_in", "anyone"):
            return self.who
        return "role"

    def action_rank(self) -> int:
        return 2 if "*" not in self.action else (1 if self.action != "*" else 0)

    def __str__(self) -> str:
        where = f" in {self.zone}" if self.zone else ""
        return f"{self.effect} {self.who} {self.action} scope={self.scope}{where} ({self.origin})"


@dataclass(frozen=True)
class Match:
    """A rule that matched, through which grant, and its specificity."""

    rule: Rule
    grant: Grant | None
    rank: tuple[int, int, int]


@dataclass(frozen=True)
class Decision:
    """Allowed or not, the rule that decided, and every rule considered."""

    allowed: bool
    actor: str
    action: str
    resource: str
    winner: Match | None
    matches: tuple[Match, ...]
    missed: tuple[str, ...]

    def explain(self) -> list[str]:
        """Why, line by line (first line: the verdict)."""
        verdict = "allowed" if self.allowed else "denied"
        head = f"{self.actor} {self.action} {self.resource}: {verdict}"
        if self.winner is None:
            lines = [head + " — no rule allows it (default: deny)"]
        else:
            via = f" via {self.winner.grant.role}" if self.winner.grant else ""
            if self.winner.grant and self.winner.grant.zone:
                via += f"@{self.winner.grant.zone}"
            lines = [head + f" — by rule: {self.winner.rule}{via}"]
        for m in self.matches:
            if m is not self.winner:
                lines.append(f"  also matched, less specific or outweighed: {m.rule}")
        lines += [f"  not applicable: {why}" for why in self.missed]
        return lines


@cache
def bundled_rules() -> tuple[Rule, ...]:
    raw = YAML(typ="safe").load(
        resources.files(__package__).joinpath("permissions.yaml").read_text("utf-8")
    )
    return tuple(Rule(**r) for r in raw["rules"])


@cache
def _bundled_for(action: str) -> tuple[Rule, ...]:
    """The bundled rules whose action pattern matches ``action``."""
    return tuple(r for r in bundled_rules() if fnmatch.fnmatchcase(action, r.action))


def stored_rules(session: Session) -> tuple[Rule, ...]:
    """The administrators' rules (read once per session)."""
    kept = session.info.get("meili_rules")
    if kept is not None:
        return kept
    rows = session.scalars(select(PermissionRule).order_by(PermissionRule.id))
    kept = session.info["meili_rules"] = tuple(
        Rule(
            who=f"user:{r.username}" if r.username else (r.role or "anyone"),
            action=r.action,
            scope=r.scope,
            effect=r.effect,
            zone=r.zone_code,
            origin=f"stored #{r.id}",
            reason=r.reason,
        )
        for r in rows
    )
    return kept


def check_rule(rule: Rule) -> None:
    """A rule names a known effect, scope, role and action (pattern)."""
    if rule.effect not in ("allow", "deny"):
        raise Invalid(f"effect must be allow or deny, not {rule.effect!r}")
    if rule.scope not in SCOPES:
        raise Invalid(f"scope must be one of {', '.join(SCOPES)}, not {rule.scope!r}")
    kind = rule.who_kind()
    if kind == "role" and rule.who not in ROLES and rule.who != "public":
        raise Invalid(f"unknown role {rule.who!r}")
    if not any(fnmatch.fnmatchcase(a, rule.action) for a in ACTIONS):
        raise Invalid(f"action {rule.action!r} matches no action; actions: {', '.join(ACTIONS)}")


def _in_scope(scope: str, base: str | None, resource: Resource, tree: ZoneTree) -> tuple[bool, str]:
    zone = resource.zone
    if scope == "all":
        return True, ""
    if scope == "public":
        return resource.public, "" if resource.public else "it is not published"
    if base is None or zone is None:
        return False, f"scope {scope} needs a zone"
    if scope == "self":
        return zone == base, "" if zone == base else f"{zone} is not {base}"
    if scope == "below":
        ok = tree.contains(base, zone)
        return ok, "" if ok else f"{zone} is not within {base}"
    ok = tree.within(base, zone)
    return ok, "" if ok else f"{zone} is neither {base} nor within it"


def _bases(rule: Rule, actor: Actor) -> list[tuple[Grant | None, str | None]] | str:
    """The (grant, base zone) pairs a rule applies through for ``actor``, or why none."""
    kind = rule.who_kind()
    if kind == "anyone":
        return [(None, rule.zone)]
    if actor.public:
        return "the public is not signed in"
    if kind == "signed_in":
        return [(None, rule.zone)]
    if kind == "user":
        if rule.who != f"user:{actor.username}":
            return f"the rule is for {rule.who[5:]}"
        return [(None, rule.zone)]
    roles = GROUPS.get(rule.who, {rule.who})
    grants = [g for g in actor.grants if g.role in roles]
    if not grants:
        return f"{actor.username} holds no {rule.who} role"
    return [(g, rule.zone or g.zone) for g in grants]


def decide(session: Session, actor: Actor, action: str, resource: Resource) -> Decision:
    """Whether ``actor`` may do ``action`` on ``resource``, with the reasons."""
    tree = session.info.get("meili_tree") or zone_tree(session)
    session.info["meili_tree"] = tree
    matches: list[Match] = []
    missed: list[str] = []
    stored = tuple(r for r in stored_rules(session) if fnmatch.fnmatchcase(action, r.action))
    for rule in (*_bundled_for(action), *stored):
        bases = _bases(rule, actor)
        if isinstance(bases, str):
            if rule.who_kind() in ("user", "role") and rule.origin != "bundled":
                missed.append(f"{rule}: {bases}")
            continue
        for grant, base in bases:
            ok, why = _in_scope(rule.scope, base, resource, tree)
            if ok and rule.zone and rule.scope in ("all", "public"):
                ok = resource.zone is not None and tree.within(rule.zone, resource.zone)
                why = "" if ok else f"{resource.zone} is not within {rule.zone}"
            if ok:
                scope_rank = SCOPE_RANK[rule.scope] + (1 if rule.zone else 0)
                rank = (WHO_RANK[rule.who_kind()], scope_rank, rule.action_rank())
                matches.append(Match(rule, grant, rank))
            else:
                via = f" via {grant.role}@{grant.zone}" if grant and grant.zone else ""
                missed.append(f"{rule}{via}: {why}")
    winner = None
    if matches:
        best = max(m.rank for m in matches)
        top = [m for m in matches if m.rank == best]
        winner = next((m for m in top if m.rule.effect == "deny"), top[0])
    allowed = winner is not None and winner.rule.effect == "allow"
    matches.sort(key=lambda m: m.rank, reverse=True)
    return Decision(
        allowed, actor.username, action, str(resource), winner, tuple(matches), tuple(missed)
    )


def require(session: Session, actor: Actor, action: str, resource: Resource) -> Decision:
    """:func:`decide`, raising :class:`Forbidden` (with the first line of why) when denied."""
    decision = decide(session, actor, action, resource)
    if not decision.allowed:
        raise Forbidden(decision.explain()[0])
    return decision


def allowed(session: Session, actor: Actor, action: str, resource: Resource) -> bool:
    return decide(session, actor, action, resource).allowed
