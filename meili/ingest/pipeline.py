"""Ingest files into the lake: one batch per file, each committed atomically.

One fact, one row. Each dataset has a natural key (``kinds.yaml``: site × hour for air,
section × time for water, area × year × indicator for statistics) and the lake holds each
key once among its live records:

- a file whose bytes, or whose normalised rows (whatever the container, encoding or row
  order: ``.csv`` and ``.csv.gz`` of the same day are the same content), equal a live
  batch's is ``unchanged``: nothing is written;
- a record restating a live key with the same values is not written again (counted as
  ``rows_unchanged``);
- a record restating a live key with other values follows the ``on_conflict`` policy:
  ``refuse`` (default) quarantines it with a reason naming the batch and file it would
  contradict; ``replace`` lands it and replaces the old record as a recorded revision (the
  old value stays readable in ``<dataset>_revisions`` with who and when, and as of earlier
  lake versions). Never both kept, never summed;
- a file whose name was ingested before with other content is a new version of that source:
  its records replace the old version's as a whole (the old version stays readable with
  ``connect(as_of=…)`` and ``meili data show BATCH``).

A file-level problem fails that file only (status ``failed`` with one line).
"""

from __future__ import annotations

import getpass
import glob as globmod
import hashlib
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from meili import __version__
from meili.errors import Location, MeiliError, StoreDamaged, UserError
from meili.ingest.adapters import choose
from meili.ingest.checks import run_checks
from meili.ingest.extract import errors_frame
from meili.ingest.kinds import Kind, get_kind
from meili.ingest.loaded import Loaded, Reading
from meili.ingest.quarantine import build
from meili.ingest.readers import DATA_SUFFIXES
from meili.ingest.reference import known_codes
from meili.ingest.source import Source, open_source
from meili.ingest.validate import Context, beijing_now, validate
from meili.lake import manifest as mf
from meili.lake.keys import Restated, find_restated
from meili.lake.schema import DatasetSchema
from meili.lake.store import lake_root
from meili.lake.writer import Replacing, to_arrow, write_batch
from meili.textfile import likely_encoding

Progress = Callable[[str, int, int], None]
KIND_NAMES = ("air-hourly", "air-sites", "water-samples", "water-sections", "noise", "stats")
POLICIES = ("refuse", "replace")
_TEXT_TYPES = ("code", "text", "enum")


@dataclass
class BatchResult:
    """What happened to one file."""

    file: str
    path: str
    kind: str | None
    status: str  # landed | replaced | unchanged | failed
    batch_id: str | None = None
    version: int | None = None
    rows_read: int = 0
    rows_landed: int = 0
    rows_quarantined: int = 0
    rows_unchanged: int = 0
    rows_revised: int = 0
    adapter: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def record(self) -> dict:
        """A plain dict of the result (for output)."""
        return asdict(self)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named by paths: files, folders (searched recursively) and glob patterns.

    A path that exists is taken as it is, so ``站点数据[2019].csv`` is a file, not a pattern;
    only a path that does not exist is read as a pattern.
    """
    out: list[Path] = []
    for p in paths:
        text = str(p)
        path = Path(text)
        if path.is_dir():
            found = sorted(
                f for f in path.rglob("*") if f.is_file() and f.name.lower().endswith(DATA_SUFFIXES)
            )
            out.extend(found)
        elif path.exists() or not any(ch in text for ch in "*?["):
            out.append(path)
        else:
            matched = sorted(
                Path(f) for f in globmod.glob(text, recursive=True) if Path(f).is_file()
            )
            out.extend(matched or [path])  # no match: the path itself reports "file not found"
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Options:
    """How to read and land the files of one ingest."""

    reading: Reading = field(default_factory=Reading)
    on_conflict: str = "refuse"
    max_bytes: int | None = None


def ingest_paths(
    kind: str,
    paths: Iterable[str | Path],
    *,
    user: str | None = None,
    progress: Progress | None = None,
    max_bytes: int | None = None,
    decimal: str | None = None,
    date_order: str | None = None,
    on_conflict: str = "refuse",
) -> list[BatchResult]:
    """Ingest every file named by ``paths`` as ``kind`` (or ``auto``); one result per file.

    ``decimal`` (``.`` or ``,``) and ``date_order`` (``dmy``, ``mdy``, ``ymd``) declare how
    numbers and dates are written when the files do not show it; ``on_conflict`` is the
    policy for records restating live keys with other values (``refuse`` or ``replace``).
    A damaged lake raises :class:`StoreDamaged` before any file is read.
    """
    if kind != "auto":
        get_kind(kind)
    if on_conflict not in POLICIES:
        raise UserError(f"--on-conflict must be one of {', '.join(POLICIES)}, not {on_conflict!r}")
    files = expand(paths)
    if not files:
        raise UserError("no files to ingest (check the paths)")
    opts = Options(Reading(decimal, date_order), on_conflict, max_bytes)
    user = user or _user()
    root = lake_root()
    results: list[BatchResult] = []
    known_cache: dict[str, set[str]] = {}
    with mf.locked(root):
        manifest = mf.read(root)
        mf.cleanup(root, manifest)
        for i, path in enumerate(files):
            if progress:
                progress(path.name, i, len(files))
            try:
                res = _ingest_file(root, manifest, kind, path, user, opts, known_cache)
            except StoreDamaged:
                raise
            except MeiliError as exc:
                res = BatchResult(path.name, str(path), None, "failed", error=str(exc))
            except Exception as exc:  # never a traceback: report the file and go on
                res = BatchResult(
                    path.name,
                    str(path),
                    None,
                    "failed",
                    error=f"{path}: internal error ({type(exc).__name__}: {exc})",
                )
            results.append(res)
        if progress:
            progress("", len(files), len(files))
    return results


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers)
        return os.environ.get("USER", "unknown")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_sha256(schema: DatasetSchema, frame: pd.DataFrame, qrows: pd.DataFrame) -> str:
    """A hash of the normalised records and refused rows, independent of their order (and of
    the container, encoding and layout the file came in)."""
    digest = hashlib.sha256(schema.dataset.encode())
    rows = pd.util.hash_pandas_object(frame[schema.names], index=False).to_numpy()
    digest.update(np.sort(rows).tobytes())
    if len(qrows):
        refused = pd.util.hash_pandas_object(qrows["record"], index=False).to_numpy()
        digest.update(b"|" + np.sort(refused).tobytes())
    return digest.hexdigest()


def _encoding_hint(src: Source) -> str | None:
    """A hint when a file read as GB18030 looks like another encoding (Big5…)."""
    if not src.encoding or src.encoding.startswith("utf"):
        return None
    likely = likely_encoding(src.data)
    if likely is None:
        return None
    return (
        f"the file was read as {src.encoding} but looks like {likely}: save it as UTF-8 "
        "or GBK and ingest it again"
    )


def _hinted(exc: UserError, src: Source) -> UserError:
    """The error, with an encoding hint when its header was not understood."""
    header_trouble = "missing required column" in exc.message or "cannot tell" in exc.message
    hint = _encoding_hint(src) if header_trouble and src.format == "csv" else None
    return UserError(f"{exc.message} ({hint})", exc.location) if hint else exc


def _text_failures(kind: Kind, errors: pd.DataFrame, rows: int) -> bool:
    """True when every row failed and each on a text column (the mark of a wrong encoding)."""
    if rows == 0 or errors.empty:
        return False
    text_cols = {c.name for c in kind.columns if c.type in _TEXT_TYPES}
    on_text = errors[errors["column"].isin(text_cols)]["rec"].nunique()
    return on_text == rows


def _ingest_file(
    root: Path,
    manifest: dict,
    kind_name: str,
    path: Path,
    user: str,
    opts: Options,
    known_cache: dict[str, set[str]],
) -> BatchResult:
    started = _now()
    src = open_source(path, opts.max_bytes)
    loaded = Loaded(src, opts.reading)
    if loaded.src.format == "csv":
        _ = loaded.text  # decode first: encoding problems are the first thing to say
    try:
        choice = choose(loaded, kind_name)
    except UserError as exc:
        raise _hinted(exc, src) from None
    kind = choice.kind
    schema = kind.lake_schema()
    source = f"{kind.name}:{path.name}"
    history = manifest["sources"].get(source, [])
    prev = manifest["batches"][history[-1]] if history else None

    def settled(rec: dict) -> bool:  # landed as it would land now (nothing refused to revise)
        return not (opts.on_conflict == "replace" and rec.get("rows_conflicting"))

    if prev and prev.get("superseded") is None and prev["sha256"] == src.sha256 and settled(prev):
        return _unchanged(path, kind.name, prev, "same content already ingested")
    for rec in mf.live(manifest):
        if rec["kind"] == kind.name and rec["sha256"] == src.sha256 and settled(rec):
            return _unchanged(path, kind.name, rec, f"same content as {rec['file']}")
    try:
        ext = choice.extract(loaded, kind)
    except UserError as exc:
        raise _hinted(exc, src) from None
    ext.notes[:0] = loaded.notes

    known = None
    if kind.reference:
        ref = kind.reference
        if ref.kind not in known_cache:
            known_cache[ref.kind] = known_codes(ref.kind, ref.column)
        known = known_cache[ref.kind]
    ctx = Context(known=known, now=beijing_now(), found=run_checks(kind, ext))
    errors = validate(kind, ext, ctx, str(path))
    if _text_failures(kind, errors, ext.rows):
        hint = _encoding_hint(src)
        if hint:
            first = errors.iloc[0]["reason_en"]
            raise UserError(
                f"every row fails on a text column ({first}); {hint}", Location(str(path))
            )
    batch_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{src.sha256[:8]}-{uuid.uuid4().hex[:4]}"
    bad = np.unique(errors["rec"].to_numpy(dtype=np.int64)) if len(errors) else np.array([], int)
    keep = np.ones(ext.rows, dtype=bool)
    keep[bad] = False
    good_pos = np.flatnonzero(keep)
    good = ext.frame.iloc[good_pos].reset_index(drop=True)

    qrows, _ = build(errors, ext, batch_id=batch_id, kind=kind.name, file=path.name)
    content = content_sha256(schema, good, qrows)
    for rec in mf.live(manifest):
        if (
            rec.get("dataset") == kind.dataset
            and rec.get("content_sha256") == content
            and settled(rec)
        ):
            return _unchanged(path, kind.name, rec, f"same rows as {rec['file']}")

    superseded = {history[-1]} if prev and prev.get("superseded") is None else set()
    table = to_arrow(schema, good, batch_id)
    restated = find_restated(root, manifest, schema, table, superseded, ext.stated)
    policy = _policy(opts.on_conflict, restated, manifest, ext.notes)
    refused = restated.different if policy == "refuse" else np.zeros(len(good), bool)
    if refused.any():
        errors = pd.concat(
            [errors, _restated_errors(restated, refused, good_pos, manifest)], ignore_index=True
        )
        qrows, _ = build(errors, ext, batch_id=batch_id, kind=kind.name, file=path.name)
    land = ~restated.same & ~refused
    replacing = None
    if policy == "replace" and restated.different.any():
        good, table = _carry(restated, good, table, schema, batch_id)
    landing = good[land].reset_index(drop=True)
    if replacing is None and policy == "replace" and restated.different.any():
        replacing = Replacing(
            matches=_all_matches_of(restated, land, np.cumsum(land) - 1),
            batches=manifest["batches"],
            user=user,
            time=_now(),
            file=path.name,
        )
    written = write_batch(
        root,
        batch_id,
        schema,
        landing,
        qrows,
        replacing=replacing,
        table=table if land.all() else table.filter(pa.array(land)),
    )

    unchanged_rows = int(restated.same.sum())
    if unchanged_rows:
        ext.notes.append(f"{unchanged_rows} records already in the lake with the same values")
    if written.revisions:
        ext.notes.append(f"{written.revisions} records replaced earlier values (kept as revisions)")
    version = len(history) + 1
    published = int(manifest["version"]) + 1
    record = {
        "batch_id": batch_id,
        "kind": kind.name,
        "dataset": kind.dataset,
        "key": list(schema.key),
        "adapter": choice.adapter,
        "file": path.name,
        "path": str(path.resolve()),
        "source": source,
        "sha256": src.sha256,
        "content_sha256": content,
        "size": src.size,
        "encoding": src.encoding,
        "version": version,
        "rows_read": int(ext.rows),
        "rows_landed": len(landing),
        "rows_quarantined": len(qrows),
        "rows_unchanged": unchanged_rows,
        "rows_revised": written.revisions,
        "rows_conflicting": int(refused.sum()),
        "on_conflict": opts.on_conflict,
        "started": started,
        "finished": _now(),
        "user": user,
        "meili_version": __version__,
        "notes": ext.notes,
        "files": written.files,
        "parts": written.parts,
        "rewrites": written.rewrites,
        "published": published,
        "superseded": None,
        "supersedes": history[-1] if history else None,
    }
    new = {
        **manifest,
        "batches": {**manifest["batches"], batch_id: record},
        "sources": {**manifest["sources"], source: [*history, batch_id]},
        "replaced": dict(manifest.get("replaced", {})),
    }
    for old_part, by in written.rewrites.items():
        mf.replace_entry(new, old_part, by, published)
    if superseded:
        old = dict(new["batches"][history[-1]])
        old["superseded"] = published
        new["batches"][history[-1]] = old
    mf.publish(root, new)
    manifest.clear()
    manifest.update(new)
    return BatchResult(
        file=path.name,
        path=str(path),
        kind=kind.name,
        status="replaced" if superseded else "landed",
        batch_id=batch_id,
        version=version,
        rows_read=record["rows_read"],
        rows_landed=record["rows_landed"],
        rows_quarantined=record["rows_quarantined"],
        rows_unchanged=unchanged_rows,
        rows_revised=written.revisions,
        adapter=choice.adapter,
        notes=list(ext.notes),
    )


def _carry(
    restated: Restated, good: pd.DataFrame, table: pa.Table, schema: DatasetSchema, batch_id: str
) -> tuple[pd.DataFrame, pa.Table]:
    """Replacing records take the columns their source does not have from the records they
    replace (a file with PM2.5 only does not erase the PM10 of the hours it restates)."""
    carried = [c.removeprefix("old:") for c in restated.matches.columns if c.startswith("old:")]
    if not carried:
        return good, table
    m = restated.matches[restated.different[restated.matches["new"].to_numpy(dtype=np.int64)]]
    m = m.drop_duplicates("new")
    pos = m["new"].to_numpy(dtype=np.int64)
    good = good.copy()
    for c in carried:
        col = good[c].copy()
        col.iloc[pos] = m[f"old:{c}"].to_numpy()
        good[c] = col.astype(good[c].dtype) if good[c].dtype != object else col
    return good, to_arrow(schema, good, batch_id)


def _all_matches_of(restated: Restated, land: np.ndarray, new_pos: np.ndarray) -> pd.DataFrame:
    """Matches of the landing records that differ from live ones, with ``new`` positions
    among the landing records."""
    m = restated.matches
    m = m[restated.different[m["new"].to_numpy(dtype=np.int64)]]
    m = m[land[m["new"].to_numpy(dtype=np.int64)]].copy()
    m["new"] = new_pos[m["new"].to_numpy(dtype=np.int64)]
    return m[["path", "row", "new"]].reset_index(drop=True)


#: The recorded user of reference data Meili bundles (the CNEMC site register, landed by
#: ``meili init``): a user's own file that restates it replaces it whatever the policy.
BUNDLED_USER = "meili init"


def _policy(asked: str, restated: Restated, manifest: dict, notes: list[str]) -> str:
    """The conflict policy for one file: ``asked``, except that records restating only
    bundled reference rows replace them (kept as revisions), since the user's own list
    overrides the bundled one."""
    if asked != "refuse" or not restated.different.any():
        return asked
    batches = set(restated.batches_of(np.flatnonzero(restated.different)))
    recs = manifest["batches"]
    if all(recs.get(b, {}).get("user") == BUNDLED_USER for b in batches):
        n = int(restated.different.sum())
        notes.append(
            f"{n} records replace the bundled reference rows they restate (kept as revisions)"
        )
        return "replace"
    return asked


def _restated_errors(
    restated: Restated, refused: np.ndarray, good_pos: np.ndarray, manifest: dict
) -> pd.DataFrame:
    positions = np.flatnonzero(refused)
    batches = restated.batches_of(positions)
    files = [manifest["batches"].get(b, {}).get("file", "?") for b in batches]
    return errors_frame(good_pos[positions], "", "restated_differently", batch=batches, file=files)


def _unchanged(path: Path, kind: str, rec: dict, why: str) -> BatchResult:
    return BatchResult(
        file=path.name,
        path=str(path),
        kind=kind,
        status="unchanged",
        batch_id=rec["batch_id"],
        version=rec["version"],
        rows_read=rec["rows_read"],
        rows_landed=rec["rows_landed"],
        rows_quarantined=rec["rows_quarantined"],
        adapter=rec.get("adapter"),
        notes=[why],
    )


__all__ = ["KIND_NAMES", "POLICIES", "BatchResult", "ingest_paths"]
