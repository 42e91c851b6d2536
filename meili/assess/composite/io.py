"""Read ``iData``/``iMeta`` CSV files and pipeline YAML, reporting user mistakes as
:class:`meili.errors.UserError` with the file, row and column (never a traceback)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from meili.assess.composite.coin import Coin, CoinInputError, build_coin
from meili.assess.composite.pipeline import Pipeline, PipelineError, load_pipeline
from meili.errors import Location, UserError


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UserError("file not found", Location(file=str(path)))
    try:
        return pd.read_csv(path, keep_default_na=True, na_values=["", "NA"])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UserError(
            f"cannot read CSV: {str(exc).splitlines()[0]}", Location(file=str(path))
        ) from None


def read_coin(data_path: str | Path, meta_path: str | Path) -> Coin:
    """Load and validate an ``iData``/``iMeta`` pair of CSV files."""
    data_path, meta_path = Path(data_path), Path(meta_path)
    idata, imeta = _read_csv(data_path), _read_csv(meta_path)
    try:
        return build_coin(idata, imeta)
    except CoinInputError as exc:
        file = data_path if exc.source == "data" else meta_path
        raise UserError(
            exc.message, Location(file=str(file), row=exc.row, column=exc.column)
        ) from None


def read_pipeline(path: str | Path) -> Pipeline:
    """Load and validate a pipeline YAML file."""
    path = Path(path)
    if not path.is_file():
        raise UserError("file not found", Location(file=str(path)))
    try:
        return load_pipeline(path)
    except PipelineError as exc:
        raise UserError(exc.message, Location(file=str(path), row=exc.line)) from None
