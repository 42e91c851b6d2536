"""Open data under ``/api/v1/data``, in the conventions of Datasette.

Every public table — ``zones``, ``indicators``, ``methods``, ``rounds`` and each table of a
published round (``rounds/{round}/{values|verdicts|progress|comparison}``, only the zones
it is public for) — as ``.json`` (rows as objects by default; ``?_shape=arrays`` for lists,
``?_shape=array`` for a bare list of objects), ``.csv`` (UTF-8 with BOM, so spreadsheet
programs read the Chinese), ``.xlsx`` and ``.parquet``. Filters ``column=value`` and
``column__op=value`` with op ``exact``, ``not``, ``gt``, ``gte``, ``lt``, ``lte``,
``contains``, ``in`` (comma-separated), ``isnull`` (1/0); ``_sort`` / ``_sort_desc``;
``_facet=column`` (repeatable) counts values. JSON pages hold ``_size`` rows (default 100,
at most 1000) and ``next``, an opaque token for ``?_next=``; the other formats hold every
matching row. ``/api/v1/data/rounds/{round}.zip`` bundles a round: each table as CSV and
Parquet, ``data-dictionary.csv`` (column, type, zh, en) and the licence. Boundary geometry
is never in open data (see :mod:`meili.web.geo`).
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import zipfile
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from meili import __version__, i18n
from meili.assess.rounds import TABLES
from meili.db.session import session
from meili.errors import UserError
from meili.framework.rules import describe
from meili.framework.store import get_framework
from meili.methods import methods
from meili.output import records
from meili.registry.zones import list_zones, member_names, zone_record
from meili.web.api import ERRORS, PREFIX, RoundName
from meili.web.published import public_table, published

router = APIRouter(prefix=PREFIX + "/data", responses=ERRORS, tags=["open data 开放数据"])
FORMATS = ("json", "csv", "xlsx", "parquet")
DEFAULT_SIZE = 100
MAX_SIZE = 1000
OPS = ("exact", "not", "gt", "gte", "lt", "lte", "contains", "in", "isnull")
LICENCE = {
    "id": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "zh": "知识共享署名 4.0 国际许可协议：可自由使用、转载与改编，须注明来源。",
    "en": "Free to use, share and adapt, with attribution of the source.",
    "attribution": "美丽中国先行区平台 Meili (published assessment rounds)",
    "excludes": "administrative boundary geometry (AMap-derived; shown on maps only)",
}
SIMPLE = ("zones", "indicators", "methods", "rounds")
TableName = Annotated[
    str, Path(pattern=r"^(zones|indicators|methods|rounds)\.(json|csv|xlsx|parquet)$")
]
RoundFile = Annotated[
    str, Path(pattern=r"^(values|verdicts|progress|comparison)\.(json|csv|xlsx|parquet)$")
]


def _flat(value: Any) -> Any:
    """A cell as a scalar: lists and dicts become JSON text."""
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False)
    return value


def simple_table(name: str) -> pd.DataFrame:
    """One of the registry's public tables as a frame."""
    if name == "zones":
        with session() as s:
            zones = list_zones(s)
            names = member_names(s, zones)
            rows = [zone_record(z, names) for z in zones]
    elif name == "indicators":
        with session() as s:
            fw = get_framework(s)
        rows = []
        for i in fw.indicators:
            zh, en = describe(i.target)
            rec = i.model_dump(mode="json", exclude={"target"})
            rows.append({**rec, "scope": i.scope.code, "target_zh": zh, "target_en": en})
    elif name == "methods":
        rows = [
            {
                "id": m.id,
                "name_zh": m.name_zh,
                "name_en": m.name_en,
                "kind": m.kind,
                "unit": m.unit,
                "inputs": list(m.inputs),
                "standard": m.standard,
                "citations": list(m.citations),
            }
            for m in methods()
        ]
    else:
        rows = [
            {
                "round": m["round"],
                "year": m["year"],
                "framework": m["framework"],
                "created": m["created"],
                "code_version": m.get("code_version"),
                "lake_version": m.get("lake_version"),
                "public_zones": sorted(m["public"]),
            }
            for m in published().rounds
        ]
    frame = pd.DataFrame(rows)
    return frame.apply(lambda col: col.map(_flat)) if len(frame) else frame


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        offset = int(json.loads(raw)["o"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise UserError("_next: not a token this API gave") from None
    if offset < 0:
        raise UserError("_next: not a token this API gave")
    return offset


def _compare(column: pd.Series, value: str) -> Any:
    """``value`` as the column's type (numbers for numeric columns)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        try:
            return float(value)
        except ValueError:
            raise UserError(f"{column.name}: {value!r} is not a number") from None
    return value


def apply_filters(frame: pd.DataFrame, params: list[tuple[str, str]]) -> pd.DataFrame:
    """Rows matching every ``column[__op]=value`` parameter (names starting ``_`` skipped)."""
    mask = pd.Series(True, index=frame.index)
    for key, value in params:
        if key.startswith("_") or key in ("lang",):
            continue
        column, _, op = key.partition("__")
        op = op or "exact"
        if column not in frame.columns:
            raise UserError(f"no column {column!r}; columns: {', '.join(frame.columns)}")
        if op not in OPS:
            raise UserError(f"unknown filter {op!r}; use one of {', '.join(OPS)}")
        col = frame[column]
        if op == "isnull":
            cond = col.isna() if value not in ("0", "false") else col.notna()
        elif op == "in":
            wanted = [_compare(col, v) for v in value.split(",")]
            cond = col.isin(wanted) | col.astype(str).isin(value.split(","))
        elif op == "contains":
            cond = col.astype(str).str.contains(value, regex=False, na=False)
        else:
            v = _compare(col, value)
            text = col if not isinstance(v, str) else col.astype(str)
            cond = {
                "exact": text == v,
                "not": text != v,
                "gt": text > v,
                "gte": text >= v,
                "lt": text < v,
                "lte": text <= v,
            }[op]
        mask &= cond.fillna(False).astype(bool)
    return frame[mask]


def _sorted(frame: pd.DataFrame, request: Request) -> pd.DataFrame:
    for key, ascending in (("_sort", True), ("_sort_desc", False)):
        column = request.query_params.get(key)
        if column:
            if column not in frame.columns:
                raise UserError(f"{key}: no column {column!r}")
            return frame.sort_values(column, ascending=ascending, kind="stable")
    return frame


def _facets(frame: pd.DataFrame, columns: list[str]) -> dict[str, Any]:
    out = {}
    for column in columns:
        if column not in frame.columns:
            raise UserError(f"_facet: no column {column!r}")
        counts = frame[column].astype(object).where(frame[column].notna(), None)
        counts = counts.map(_flat).value_counts(dropna=False).head(30)
        out[column] = {
            "results": [{"value": k, "count": int(v)} for k, v in counts.items()],
            "truncated": bool(frame[column].nunique(dropna=False) > 30),
        }
    return out


def _size(request: Request) -> int:
    raw = request.query_params.get("_size")
    if raw in (None, ""):
        return DEFAULT_SIZE
    if raw == "max":
        return MAX_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SIZE:
        raise UserError(f"_size must be 1–{MAX_SIZE} or max")
    return int(raw)


def answer(frame: pd.DataFrame, fmt: str, name: str, request: Request) -> Response:
    """The frame filtered, sorted and shaped as the request asks, in ``fmt``."""
    frame = apply_filters(frame, list(request.query_params.multi_items()))
    frame = _sorted(frame, request)
    base = name.replace("/", "-")
    if fmt == "csv":
        text = frame.to_csv(index=False, quoting=csv.QUOTE_MINIMAL)
        return Response(
            "\ufeff" + text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{base}.csv"'},
        )
    if fmt == "xlsx":
        buf = io.BytesIO()
        frame.to_excel(buf, index=False, sheet_name=base[-31:])
        return Response(
            buf.getvalue(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{base}.xlsx"'},
        )
    if fmt == "parquet":
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        return Response(
            buf.getvalue(),
            media_type="application/vnd.apache.parquet",
            headers={"Content-Disposition": f'attachment; filename="{base}.parquet"'},
        )
    offset, size = _offset(request.query_params.get("_next")), _size(request)
    page = frame.iloc[offset : offset + size]
    rows = records(page)
    nxt = _token(offset + size) if offset + size < len(frame) else None
    shape = request.query_params.get("_shape", "objects")
    if shape == "array":
        return Response(
            json.dumps(rows, ensure_ascii=False, default=str), media_type="application/json"
        )
    if shape not in ("objects", "arrays"):
        raise UserError("_shape must be objects, arrays or array")
    columns = [str(c) for c in frame.columns]
    body: dict[str, Any] = {
        "table": name,
        "columns": columns,
        "rows": rows if shape == "objects" else [[r[c] for c in columns] for r in rows],
        "filtered_table_rows_count": len(frame),
        "next": nxt,
        "next_url": (str(request.url.include_query_params(_next=nxt)) if nxt is not None else None),
        "licence": LICENCE["id"],
    }
    facets = request.query_params.getlist("_facet")
    if facets:
        body["facet_results"] = _facets(frame, facets)
    return Response(
        json.dumps(body, ensure_ascii=False, default=str), media_type="application/json"
    )


def catalogue_of_tables() -> dict[str, Any]:
    """Every public table with its addresses."""
    tables = [
        {"name": n, "formats": {f: f"{PREFIX}/data/{n}.{f}" for f in FORMATS}} for n in SIMPLE
    ]
    rounds = []
    for meta in published().rounds:
        name = meta["round"]
        rounds.append(
            {
                "round": name,
                "year": meta["year"],
                "archive": f"{PREFIX}/data/rounds/{name}.zip",
                "tables": [
                    {
                        "name": f"rounds/{name}/{t}",
                        "formats": {f: f"{PREFIX}/data/rounds/{name}/{t}.{f}" for f in FORMATS},
                    }
                    for t in TABLES
                ],
            }
        )
    return {"tables": tables, "rounds": rounds, "licence": LICENCE, "version": __version__}


@router.get("", summary="Public tables 开放数据目录")
def data_index() -> dict[str, Any]:
    return catalogue_of_tables()


@router.get("/{file}", summary="A public table 公开数据表")
def simple(file: TableName, request: Request) -> Response:
    name, _, fmt = file.rpartition(".")
    return answer(simple_table(name), fmt, name, request)


@router.get("/rounds/{name}/{file}", summary="A table of a published round 评估结果表")
def round_file(name: RoundName, file: RoundFile, request: Request) -> Response:
    table, _, fmt = file.rpartition(".")
    meta = published().get(name)
    frame = public_table(meta, table)
    frame = frame.apply(lambda col: col.map(_flat)) if len(frame) else frame
    return answer(frame, fmt, f"rounds/{name}/{table}", request)


def dictionary(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """table, column, type, zh, en of every column (words from the catalogue)."""
    rows = []
    for table, frame in frames.items():
        for column in frame.columns:
            words = i18n.lookup("columns", str(column)) or {}
            rows.append(
                {
                    "table": table,
                    "column": column,
                    "type": str(frame[column].dtype),
                    "zh": words.get("zh", ""),
                    "en": words.get("en", ""),
                }
            )
    return pd.DataFrame(rows, columns=["table", "column", "type", "zh", "en"])


@router.get("/rounds/{file}", summary="A published round as one archive 评估轮次打包下载")
def round_archive(
    file: Annotated[str, Path(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}\.zip$")],
) -> Response:
    name = file.removesuffix(".zip")
    meta = published().get(name)
    frames = {}
    for table in TABLES:
        frame = public_table(meta, table)
        frames[table] = frame.apply(lambda col: col.map(_flat)) if len(frame) else frame
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for table, frame in frames.items():
            zf.writestr(f"{name}/{table}.csv", "\ufeff" + frame.to_csv(index=False))
            pq = io.BytesIO()
            frame.to_parquet(pq, index=False)
            zf.writestr(f"{name}/{table}.parquet", pq.getvalue())
        zf.writestr(
            f"{name}/data-dictionary.csv", "\ufeff" + dictionary(frames).to_csv(index=False)
        )
        info = {k: v for k, v in meta.items() if k != "public"}
        info["public_zones"] = sorted(meta["public"])
        zf.writestr(
            f"{name}/round.json", json.dumps(info, ensure_ascii=False, indent=2, default=str)
        )
        zf.writestr(
            f"{name}/LICENCE.txt",
            "\n".join(f"{k}: {v}" for k, v in LICENCE.items()) + "\n",
        )
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
    )


__all__ = ["catalogue_of_tables", "dictionary", "router"]
