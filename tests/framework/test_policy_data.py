"""The policy as data: every clause and requirement quotes the bundled text verbatim."""

from __future__ import annotations

import re
from collections import Counter

from meili.framework.policy import TIERS, normalise, policy, policy_text

REGIONAL = {"R-JJJ", "R-YRD", "R-GBA", "R-CJ", "R-HH"}


def test_every_heading_and_quote_is_in_the_text() -> None:
    text = normalise(policy_text())
    missing = [
        item
        for c in policy().clauses
        for item in [c.heading, *(r.quote for r in c.requirements)]
        if normalise(item) not in text
    ]
    assert missing == []


def test_clauses_follow_the_policy_order() -> None:
    text = normalise(policy_text())
    starts = [text.index(normalise(c.heading)) for c in policy().clauses]
    assert starts == sorted(starts)
    for c in policy().clauses:
        quotes = [
            text.index(normalise(r.quote), text.index(normalise(c.heading))) for r in c.requirements
        ]
        assert quotes == sorted(quotes), c.id


def test_every_numbered_measure_has_a_clause() -> None:
    ids = {c.id for c in policy().clauses}
    numbered = re.findall(r"[（(]([一二三四五六七八九十]+)[）)]", policy_text())
    numbered += re.findall(r"\n([一二三四五六七八九十]+)[）)]", policy_text())  # "十)" misprint
    assert len(set(numbered)) == 15
    for measure in set(numbered):
        assert any(i.endswith("." + measure) for i in ids), measure


def test_audiences_are_known() -> None:
    for c in policy().clauses:
        for r in c.requirements:
            for who in c.audience(r):
                assert who in TIERS or who in REGIONAL or who == "ministry", (r.id, who)
    regional = {
        c.id: c.audience(c.requirements[0]) for c in policy().clauses if c.id.startswith("二.")
    }
    assert sorted(a for aud in regional.values() for a in aud) == sorted(REGIONAL)


def test_counts() -> None:
    reqs = policy().requirements()
    assert len(reqs) == len({r.id for r in reqs})
    kinds = Counter(r.kind for r in reqs)
    assert kinds["measurable"] > 0 and kinds["checkable"] > 0
    # a monitoring basis is only claimed for quantities (never for a checkable state)
    assert all(r.kind == "measurable" for r in reqs if r.basis == "monitoring")
    # every clause's closing aim ("经过努力，实现…") is a requirement
    aims = [r.id for r in reqs if r.aim]
    assert {a.rsplit(".", 1)[0] for a in aims} >= {"三.六", "三.七", "三.八", "三.九", "三.十"}
