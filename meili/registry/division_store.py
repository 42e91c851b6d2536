"""The ``divisions`` table: loading the bundled list into it, and the queries on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from meili.db.models import Division, Meta
from meili.errors import NotFoundError, UserError
from meili.registry.divisions import (
    COLUMNS,
    LEVELS,
    bundle_sha256,
    division_rows,
    is_code,
    name_stem,
)

META_KEY = "divisions_sha256"
_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}


def sync_divisions(session: Session) -> int:
    """Replace the ``divisions`` table by the bundled list unless it is already loaded.

    The bundle's content hash is kept in ``meta`` under ``divisions_sha256``; returns the
    number of rows written (0 when the store already holds this bundle).
    """
    digest = bundle_sha256()
    meta = session.get(Meta, META_KEY)
    count = session.scalar(select(func.count()).select_from(Division)) or 0
    if meta is not None and meta.value == digest and count > 0:
        return 0
    rows = division_rows()
    session.execute(delete(Division))
    session.execute(insert(Division), rows)
    if meta is None:
        session.add(Meta(key=META_KEY, value=digest))
    else:
        meta.value = digest
    session.flush()
    return len(rows)


def division_record(d: Division) -> dict[str, Any]:
    """A division as a plain dict with the table's columns (for output and JSON)."""
    return {column: getattr(d, column) for column in COLUMNS}


def check_code(code: str) -> str:
    """``code`` stripped, or a UserError when it is not six digits."""
    code = code.strip()
    if not is_code(code):
        raise UserError(f"not a division code: {code!r} (six digits expected, e.g. 441600)")
    return code


def check_level(level: str | None) -> str | None:
    """``level`` when it is None or one of province, prefecture, county; else a UserError."""
    if level is not None and level not in LEVELS:
        raise UserError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    return level


def year_range(session: Session) -> tuple[int, int]:
    """First and last year the stored list covers."""
    first, last_from, last_to = session.execute(
        select(
            func.min(Division.valid_from),
            func.max(Division.valid_from),
            func.max(Division.valid_to),
        )
    ).one()
    if first is None:
        raise UserError("the division list is not loaded; run `meili init`")
    return int(first), max(int(last_from), int(last_to or last_from))


def check_year(session: Session, year: int | None) -> int | None:
    """``year`` when None or covered by the list; else a UserError naming the range."""
    if year is not None:
        first, last = year_range(session)
        if not first <= year <= last:
            raise UserError(f"year {year} is outside the division list ({first}–{last})")
    return year


def _valid_in(stmt: Select[tuple[Division]], year: int) -> Select[tuple[Division]]:
    return stmt.where(
        Division.valid_from <= year, or_(Division.valid_to.is_(None), Division.valid_to > year)
    )


def _sort_key(d: Division) -> tuple[int, str, int]:
    return (_LEVEL_RANK.get(d.level, len(LEVELS)), d.code, d.valid_from)


def division_history(session: Session, code: str) -> list[Division]:
    """Every version of ``code``, oldest first (empty when the code never existed)."""
    code = check_code(code)
    stmt = select(Division).where(Division.code == code).order_by(Division.valid_from)
    return list(session.scalars(stmt))


def get_division(session: Session, code: str) -> Division:
    """The version of ``code`` in use; NotFoundError when unknown or no longer in use."""
    history = division_history(session, code)
    for d in history:
        if d.current:
            return d
    if not history:
        raise NotFoundError(f"no division with code {code.strip()}")
    last = history[-1]
    successor = f"; successor {last.successor_code}" if last.successor_code else ""
    raise NotFoundError(
        f"division {last.code} ({last.name}) is no longer in use since {last.valid_to}{successor}"
    )


def division_at(session: Session, code: str, year: int | None = None) -> Division | None:
    """The version of ``code`` valid in ``year`` (the current one when ``year`` is None)."""
    stmt = select(Division).where(Division.code == check_code(code))
    stmt = stmt.where(Division.current.is_(True)) if year is None else _valid_in(stmt, year)
    return session.scalars(stmt.limit(1)).first()


def parent_chain(session: Session, d: Division) -> list[Division]:
    """The ancestors of ``d`` as they were while ``d`` was valid, province first."""
    year = None if d.current else (d.valid_to or d.valid_from + 1) - 1
    chain: list[Division] = []
    code = d.parent_code
    while code and len(chain) < len(LEVELS):
        parent = division_at(session, code, year)
        if parent is None:
            break
        chain.insert(0, parent)
        code = parent.parent_code
    return chain


def children(session: Session, code: str) -> list[Division]:
    """The divisions in use whose parent is ``code``, by level then code."""
    code = check_code(code)
    if not division_history(session, code):
        raise NotFoundError(f"no division with code {code}")
    stmt = select(Division).where(Division.parent_code == code, Division.current.is_(True))
    return sorted(session.scalars(stmt), key=_sort_key)


def list_divisions(
    session: Session,
    level: str | None = None,
    parent: str | None = None,
    year: int | None = None,
    province: str | None = None,
) -> list[Division]:
    """Divisions in use (or valid in ``year``), by level, direct parent or province."""
    stmt = select(Division)
    if check_level(level):
        stmt = stmt.where(Division.level == level)
    if parent is not None:
        stmt = stmt.where(Division.parent_code == check_code(parent))
    if province is not None:
        stmt = stmt.where(Division.province_code == check_code(province))
    if check_year(session, year) is None:
        stmt = stmt.where(Division.current.is_(True))
    else:
        stmt = _valid_in(stmt, year)
    return sorted(session.scalars(stmt), key=_sort_key)


def _match_rank(name: str, query: str) -> int:
    if name == query:
        return 0
    if name_stem(name) == query:
        return 1
    return 2


def find_divisions(
    session: Session,
    query: str,
    level: str | None = None,
    limit: int = 50,
    include_history: bool = False,
) -> list[Division]:
    """Divisions whose code starts with ``query`` or whose name matches it, by level.

    A name matches exactly, without its suffix (河源 → 河源市), or in part; a province or
    prefecture matched by its full name or its name without suffix brings its divisions
    (河源 → 河源市 and its counties). Only divisions in use unless ``include_history``.
    """
    query = query.strip()
    if not query:
        raise UserError("empty search: give a code prefix or a Chinese name")
    check_level(level)
    base = select(Division)
    if not include_history:
        base = base.where(Division.current.is_(True))
    if query.isdigit():
        if len(query) > 6:
            raise UserError(f"not a division code or code prefix: {query!r}")
        found = sorted(session.scalars(base.where(Division.code.startswith(query))), key=_sort_key)
    else:
        matches = list(session.scalars(base.where(Division.name.contains(query, autoescape=True))))
        ranks = {d.id: _match_rank(d.name, query) for d in matches}
        anchors = [d for d in matches if d.current and ranks[d.id] <= 1 and d.level != "county"]
        extra: list[Division] = []
        if anchors:
            provinces = [d.code for d in anchors if d.level == "province"]
            stmt = select(Division).where(
                Division.current.is_(True),
                or_(
                    Division.parent_code.in_([d.code for d in anchors]),
                    Division.province_code.in_(provinces),
                ),
            )
            extra = [d for d in session.scalars(stmt) if d.id not in ranks]
        for d in extra:
            ranks[d.id] = 3
        found = sorted(matches + extra, key=lambda d: (_sort_key(d)[0], ranks[d.id], *_sort_key(d)))
    if level:
        found = [d for d in found if d.level == level]
    return found[:limit] if limit and limit > 0 else found
