"""Small generated inputs shared by the ingest tests (imported by path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

TYPES = ["AQI", "PM2.5", "PM10", "SO2", "NO2", "O3", "CO", "O3_8h"]


def wide_file(
    path: Path, day: str = "20190101", sites: int = 50, seed: int = 0, shift: float = 0.0
) -> Path:
    """A CNEMC-style wide file for ``day`` with ``sites`` real site codes, 24 hours."""
    from meili.ingest.reference import bundled_sites

    codes = list(bundled_sites()["site_code"][:sites])
    rng = np.random.default_rng(seed)
    lines = ["date,hour,type," + ",".join(codes)]
    for h in range(24):
        for t in TYPES:
            scale = 1.0 if t == "CO" else 50.0
            vals = np.round(rng.uniform(0.1, 2.0, len(codes)) * scale + shift, 1)
            lines.append(f"{day},{h},{t}," + ",".join(f"{v:g}" for v in vals))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
