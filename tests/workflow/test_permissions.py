"""Permissions: the zone hierarchy, actor × action × resource, most specific rule wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import run
from workflow_support import actor

from meili.db.session import session
from meili.workflow.errors import Forbidden, Invalid
from meili.workflow.hierarchy import zone_tree
from meili.workflow.permissions import Resource, decide
from meili.workflow.roles import ANONYMOUS
from meili.workflow.rules_admin import add_rule, remove_rule


def test_zone_tree_from_divisions(people: Path) -> None:
    with session() as s:
        tree = zone_tree(s)
    assert tree.contains("C-330100", "X-330127")  # 淳安县 is in 杭州市
    assert tree.contains("P-330000", "X-330523")  # 安吉县 is in 浙江省 (湖州市 is no zone)
    assert not tree.contains("C-330100", "X-330523")
    assert tree.contains("R-YRD", "P-330000") and not tree.contains("P-330000", "R-YRD")
    assert not tree.contains("P-350000", "C-330100")
    assert tree.parent_at("X-330127", "city") == "C-330100"
    assert tree.parent_at("X-330523", "city") is None


@pytest.mark.parametrize(
    ("who", "action", "zone", "allowed"),
    [
        ("ca", "plan.edit", "X-330127", True),
        ("ca", "plan.edit", "X-330523", False),  # another county
        ("ca", "plan.read", "X-330523", False),
        ("ca", "plan.read_draft", "C-330100", False),  # its city's draft
        ("hz", "plan.read", "X-330127", True),  # a city sees its counties
        ("hz", "plan.read_draft", "X-330127", False),  # … but not their drafts
        ("hz", "plan.review", "X-330127", True),
        ("hz", "plan.review", "C-330100", False),  # not its own plan
        ("zj", "plan.review", "X-330127", True),
        ("zjview", "plan.read", "X-330127", True),
        ("zjview", "plan.edit", "P-330000", False),
        ("fj", "plan.read", "X-330127", False),  # another province
        ("mee", "plan.review", "X-330127", True),
        ("mee", "plan.edit", "X-330127", False),
        ("mee", "plan.read_draft", "X-330127", False),
        ("expert", "plan.comment", "P-330000", True),
        ("expert", "plan.review", "P-330000", False),
        ("admin", "users.manage", None, True),
        ("zj", "users.manage", None, False),
    ],
)
def test_decisions(people: Path, who: str, action: str, zone: str | None, allowed: bool) -> None:
    with session() as s:
        decision = decide(s, actor(who), action, Resource(action.split(".")[0], zone))
    assert decision.allowed is allowed, decision.explain()


def test_public_sees_only_what_is_published(people: Path) -> None:
    with session() as s:
        assert not decide(s, ANONYMOUS, "plan.read", Resource("plan", "P-330000")).allowed
        assert decide(s, ANONYMOUS, "plan.read", Resource("plan", "P-330000", True)).allowed
        assert not decide(
            s, ANONYMOUS, "plan.read_draft", Resource("plan", "P-330000", True)
        ).allowed


def test_most_specific_rule_wins_and_is_explained(people: Path) -> None:
    with session(write=True) as s:
        row = add_rule(
            s,
            "deny",
            "plan.read",
            user="hz",
            zone="X-330127",
            scope="subtree",
            reason="conflict of interest",
            by="admin",
        )
    with session() as s:
        d = decide(s, actor("hz"), "plan.read", Resource("plan", "X-330127"))
        assert not d.allowed
        lines = d.explain()
        assert "denied" in lines[0] and f"stored #{row.id}" in lines[0]
        assert any("zone_member *.read" in line for line in lines[1:])  # the rule it beat
        # the user-specific deny does not reach the city's own zone
        assert decide(s, actor("hz"), "plan.read", Resource("plan", "C-330100")).allowed
    with session(write=True) as s:
        # a role-wide allow for every zone is less specific than the user's deny
        add_rule(s, "allow", "plan.read", role="city_editor", scope="all", reason="x", by="admin")
    with session() as s:
        assert not decide(s, actor("hz"), "plan.read", Resource("plan", "X-330127")).allowed
        assert decide(s, actor("hy"), "plan.read", Resource("plan", "X-330127")).allowed
    with session(write=True) as s:
        remove_rule(s, row.id, by="admin")
    with session() as s:
        assert decide(s, actor("hz"), "plan.read", Resource("plan", "X-330127")).allowed


def test_deny_wins_between_equals(people: Path) -> None:
    with session(write=True) as s:
        add_rule(
            s,
            "allow",
            "evidence.review",
            user="ca",
            zone="X-330523",
            scope="self",
            reason="help",
            by="admin",
        )
        add_rule(
            s,
            "deny",
            "evidence.review",
            user="ca",
            zone="X-330523",
            scope="self",
            reason="no",
            by="admin",
        )
    with session() as s:
        assert not decide(
            s, actor("ca"), "evidence.review", Resource("evidence", "X-330523")
        ).allowed


def test_rules_are_checked(people: Path) -> None:
    with session(write=True) as s, pytest.raises(Invalid, match="matches no action"):
        add_rule(s, "allow", "plan.fly", role="city_editor", reason="x", by="admin")
    with session(write=True) as s, pytest.raises(Invalid, match="reason"):
        add_rule(s, "allow", "plan.read", role="city_editor", by="admin")


def test_explain_command(people: Path, capsys) -> None:
    code, out, _ = run(
        ["permissions", "explain", "ca", "plan.submit", "--zone", "X-330127"], capsys
    )
    assert code == 0 and "allowed" in out.splitlines()[0] and "county_editor@X-330127" in out
    code, out, _ = run(
        ["permissions", "explain", "ca", "plan.submit", "--zone", "X-330523"], capsys
    )
    assert code == 1 and "denied" in out.splitlines()[0]
    assert "X-330523 is not X-330127" in out
    code, out, _ = run(
        ["permissions", "explain", "anonymous", "plan.read", "--zone", "P-330000", "--public"],
        capsys,
    )
    assert code == 0 and "anyone" in out
    code, _, err = run(
        [
            "permissions",
            "add",
            "allow",
            "plan.read",
            "--role",
            "city_editor",
            "--reason",
            "x",
            "--as",
            "zj",
        ],
        capsys,
    )
    assert code == 2 and "denied" in err  # only administrators add rules
    assert Forbidden.http_status == 403
