"""The case library (典型案例): reform achievements written by editors, shown once reviewed.

A case is one YAML file in the store's ``cases`` folder: ``id``, ``zone``, ``title_zh``,
``title_en``, ``summary_zh``, ``summary_en``, ``body_zh``, ``body_en``, ``area`` (a target
area), ``year``, ``author``, ``state`` (``draft`` → ``submitted`` → ``published``) and, for a
published case, ``reviewed_by`` — a reviewer other than its author. The portal shows only
published cases with a distinct reviewer; a file that does not parse is named and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from meili.config import settings

STATES = ("draft", "submitted", "published")


@dataclass(frozen=True)
class Case:
    id: str
    zone: str
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    body_zh: str
    body_en: str
    area: str
    year: int | None
    author: str
    state: str
    reviewed_by: str

    @property
    def public(self) -> bool:
        """Published and reviewed by someone other than its author."""
        return (
            self.state == "published" and bool(self.reviewed_by) and self.reviewed_by != self.author
        )


def cases_dir() -> Path:
    return settings().cases_dir


def _case(path: Path, data: dict[str, Any]) -> Case:
    text = {k: str(data.get(k) or "") for k in ("title_zh", "title_en", "summary_zh")}
    year = data.get("year")
    return Case(
        id=str(data.get("id") or path.stem),
        zone=str(data.get("zone") or ""),
        title_zh=text["title_zh"],
        title_en=text["title_en"] or text["title_zh"],
        summary_zh=text["summary_zh"],
        summary_en=str(data.get("summary_en") or ""),
        body_zh=str(data.get("body_zh") or ""),
        body_en=str(data.get("body_en") or ""),
        area=str(data.get("area") or ""),
        year=int(year) if isinstance(year, int) else None,
        author=str(data.get("author") or ""),
        state=str(data.get("state") or "draft"),
        reviewed_by=str(data.get("reviewed_by") or ""),
    )


def load_cases() -> tuple[list[Case], list[str]]:
    """Every case file (by id) and the problems of files that could not be read."""
    folder = cases_dir()
    if not folder.is_dir():
        return [], []
    out, problems = [], []
    yaml = YAML(typ="safe")
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, YAMLError) as exc:
            problems.append(f"{path.name}: {exc.__class__.__name__}")
            continue
        if not isinstance(data, dict) or not data.get("title_zh") or not data.get("zone"):
            problems.append(f"{path.name}: a case needs zone and title_zh")
            continue
        out.append(_case(path, data))
    return out, problems


def public_cases(zone: str | None = None) -> list[Case]:
    """The published, reviewed cases (of one zone), newest year first."""
    found = [c for c in load_cases()[0] if c.public and (zone is None or c.zone == zone)]
    return sorted(found, key=lambda c: (-(c.year or 0), c.id))
