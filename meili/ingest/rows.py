"""A file's records of one kind, read and checked as ingest reads them but not landed
(for commands that compute on a file the user gives, e.g. ``meili carbon --file``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from meili.errors import Location, UserError
from meili.ingest.adapters.tabular import extract_table
from meili.ingest.kinds import get_kind
from meili.ingest.loaded import Loaded
from meili.ingest.readers import open_source


def read_rows(path: Path, kind: str) -> pd.DataFrame:
    """Records of ``kind`` in a CSV/XLSX file, with their source ``line``; the first bad cell
    is a one-line :class:`UserError` naming file, row and column."""
    name = str(path)
    loaded = Loaded(open_source(path))
    ext = extract_table(loaded.table, get_kind(kind), name)
    if ext.errors:
        err = pd.concat(ext.errors, ignore_index=True).sort_values("rec").iloc[0]
        lines, cols = ext.locate(np.array([err["rec"]]), np.array([err["column"]], dtype=object))
        raise UserError(
            f"{err['reason']} ({err['value']!r})" if err["value"] != "" else str(err["reason"]),
            Location(name, row=int(lines[0]), column=str(cols[0]) or None),
        )
    return ext.frame.assign(line=ext.lines)
