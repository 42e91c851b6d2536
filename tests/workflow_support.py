"""Helpers for workflow tests: people with roles, publishing a round, API tokens."""

from __future__ import annotations

from meili.db.session import session
from meili.workflow import accounts
from meili.workflow.publication import publish_round
from meili.workflow.roles import Actor, Grant

PASSWORD = "correct horse battery staple"
#: username → (role, zone) of the people the workflow tests use (sample zones of `store`)
PEOPLE = {
    "admin": ("admin", None),
    "mee": ("ministry_reviewer", None),
    "expert": ("expert", None),
    "zj": ("province_editor", "P-330000"),
    "zjview": ("province_viewer", "P-330000"),
    "fj": ("province_editor", "P-350000"),
    "hz": ("city_editor", "C-330100"),
    "hy": ("city_editor", "C-441600"),
    "ca": ("county_editor", "X-330127"),
    "aj": ("county_editor", "X-330523"),
}
MINISTRY = Actor("test-ministry", (Grant("admin"),), user_id=-1)


def add_people(names: list[str] | None = None) -> None:
    with session(write=True) as s:
        for name in names or list(PEOPLE):
            role, zone = PEOPLE[name]
            accounts.add_user(s, name, PASSWORD, role=role, zone=zone, by="test")


def actor(name: str) -> Actor:
    with session() as s:
        return accounts.actor_of(accounts.get_user(s, name))


def publish(name: str) -> None:
    """Publish a round for every zone (as the Ministry would)."""
    with session(write=True) as s:
        publish_round(s, MINISTRY, name)
