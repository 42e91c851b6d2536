"""``meili selfassess``: self-assessments (自评估) — the commands of ``meili plans``."""

from __future__ import annotations

from meili.cli.plans import selfassess as app

__all__ = ["app"]
