"""API: evidence and its review, data submission, the task and project ledger, targets."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile

from meili.db.assessment_inputs import assigned_targets
from meili.db.session import session
from meili.web.api import PREFIX, ZoneCode
from meili.web.api_accounts import WRITE_ERRORS
from meili.web.api_models import (
    ActionIn,
    EvidenceList,
    EvidenceOut,
    Imported,
    LedgerItemOut,
    LedgerList,
    ProgressIn,
    RollupList,
    RollupRow,
    StatusList,
    SubmissionOut,
    SubmissionStatus,
    TargetList,
    TargetOut,
)
from meili.web.api_plans import read_upload
from meili.web.auth import api_actor, etag, expected_lock
from meili.workflow import attachments, evidence, ledger, submissions, uploads
from meili.workflow.documents import iso
from meili.workflow.errors import Invalid
from meili.workflow.roles import Actor
from meili.workflow.targets import import_targets

router = APIRouter(prefix=PREFIX, responses=WRITE_ERRORS)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Year = Annotated[int, Query(ge=1990, le=2100)]
XLSX = attachments.TYPES["xlsx"]


def _ev(s, ev, actor: Actor) -> EvidenceOut:  # type: ignore[no-untyped-def]
    """Evidence; for the public without the names of people (personal data)."""
    rec = evidence.record(ev, uploads.files_of(s, "evidence", ev.id))
    if actor.public:
        rec["submitted_by"], rec["reviewer"] = "", None
    return EvidenceOut(**rec)


@router.get("/evidence", summary="Evidence (the inbox) 佐证材料", response_model=EvidenceList)
def evidence_list(
    request: Request,
    status: Annotated[str | None, Query(pattern="^(pending|accepted|rejected)$")] = None,
    zone: Annotated[str | None, Query(max_length=64)] = None,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EvidenceList:
    """Evidence the caller may see (the public: accepted evidence only)."""
    with session() as s:
        actor = api_actor(s, request)
        rows = [
            _ev(s, e, actor)
            for e in evidence.inbox(s, actor, status=status, zone=zone, after=after, limit=limit)
        ]
    return EvidenceList(
        count=len(rows), next_after=rows[-1].id if len(rows) == limit else None, records=rows
    )


@router.post(
    "/evidence", summary="Submit evidence 提交佐证材料", response_model=EvidenceOut, status_code=201
)
def evidence_submit(
    request: Request,
    zone: Annotated[str, Form(max_length=64)],
    title: Annotated[str, Form(min_length=1, max_length=300)],
    year: Annotated[int, Form(ge=1990, le=2100)],
    indicator: Annotated[str | None, Form(max_length=64)] = None,
    state: Annotated[str | None, Form(max_length=64)] = None,
    ledger_item: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
    description: Annotated[str, Form(max_length=20_000)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> EvidenceOut:
    """Multipart form: the fields and any number of PDF/DOCX/XLSX files."""
    data = [(f.filename or "file", read_upload(f)) for f in files or []]
    with session(write=True) as s:
        actor = api_actor(s, request, required=True)
        ev = evidence.submit(
            s,
            actor,
            zone,
            title=title,
            year=year,
            indicator=indicator or None,
            state=state or None,
            ledger_item=ledger_item,
            description=description,
            files=data,
        )
        return _ev(s, ev, actor)


@router.get("/evidence/{evidence_id}", summary="One piece of evidence", response_model=EvidenceOut)
def evidence_one(request: Request, response: Response, evidence_id: Id) -> EvidenceOut:
    with session() as s:
        actor = api_actor(s, request)
        ev = evidence.get_evidence(s, evidence_id)
        evidence.require_read(s, actor, ev)
        response.headers["ETag"] = etag(ev.lock)
        return _ev(s, ev, actor)


def _decide(
    request: Request, response: Response, evidence_id: int, body: ActionIn, decision: str
) -> EvidenceOut:
    with session(write=True) as s:
        actor = api_actor(s, request, required=True)
        ev = evidence.get_evidence(s, evidence_id)
        evidence.require_read(s, actor, ev)
        lock, how = expected_lock(request, body.version)
        evidence.review(s, actor, ev, decision, body.reason, expected=lock, how=how)
        response.headers["ETag"] = etag(ev.lock)
        return _ev(s, ev, actor)


@router.post(
    "/evidence/{evidence_id}/accept", summary="Accept evidence 确认", response_model=EvidenceOut
)
def evidence_accept(
    request: Request, response: Response, evidence_id: Id, body: ActionIn
) -> EvidenceOut:
    return _decide(request, response, evidence_id, body, "accept")


@router.post(
    "/evidence/{evidence_id}/reject",
    summary="Reject evidence with a reason 不予确认",
    response_model=EvidenceOut,
)
def evidence_reject(
    request: Request, response: Response, evidence_id: Id, body: ActionIn
) -> EvidenceOut:
    return _decide(request, response, evidence_id, body, "reject")


@router.get(
    "/zones/{code}/submission-template",
    summary="The zone's Excel data-submission template 报送模板",
    responses={200: {"content": {XLSX: {}}}},
)
def submission_template(request: Request, code: ZoneCode, year: Year) -> Response:
    with session() as s:
        data = submissions.template(s, api_actor(s, request, required=True), code, year)
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{code}-{year}-template.xlsx"'},
    )


@router.post(
    "/zones/{code}/submissions",
    summary="Upload a filled template 上传报送数据",
    response_model=SubmissionOut,
    status_code=201,
)
def submission_upload(
    request: Request,
    code: ZoneCode,
    year: Annotated[int, Form(ge=1990, le=2100)],
    file: Annotated[UploadFile, File()],
) -> SubmissionOut:
    """The validation report comes back in ``problems`` (sheet, row, column, reason)."""
    data = read_upload(file)
    with session(write=True) as s:
        actor = api_actor(s, request, required=True)
        sub = submissions.upload(s, actor, code, year, data, file.filename or "upload.xlsx")
        return SubmissionOut(**submissions.record(sub))


@router.get(
    "/zones/{code}/submissions",
    summary="Completeness and timeliness 报送情况",
    response_model=StatusList,
)
def submission_status(request: Request, code: ZoneCode, year: Year) -> StatusList:
    """The zone and every zone within it the caller may read."""
    with session() as s:
        rows = submissions.status(s, api_actor(s, request, required=True), code, year)
    return StatusList(count=len(rows), records=[SubmissionStatus(**r) for r in rows])


@router.get(
    "/zones/{code}/ledger", summary="Tasks and projects 任务台账", response_model=LedgerList
)
def ledger_items(
    request: Request,
    code: ZoneCode,
    within: bool = False,
    kind: Annotated[str | None, Query(pattern="^(task|project)$")] = None,
) -> LedgerList:
    with session() as s:
        found = ledger.items(s, api_actor(s, request), code, within=within, kind=kind)
        rows = [LedgerItemOut(**ledger.record(i)) for i in found]
    return LedgerList(count=len(rows), records=rows)


@router.get(
    "/zones/{code}/ledger/rollup", summary="Ledger roll-up 台账汇总", response_model=RollupList
)
def ledger_rollup(request: Request, code: ZoneCode) -> RollupList:
    with session() as s:
        rows = ledger.rollup(ledger.items(s, api_actor(s, request), code, within=True))
    return RollupList(count=len(rows), records=[RollupRow(**r) for r in rows])


@router.post(
    "/ledger/{item_id}/progress", summary="Report progress 报告进展", response_model=LedgerItemOut
)
def ledger_progress(
    request: Request, response: Response, item_id: Id, body: ProgressIn
) -> LedgerItemOut:
    with session(write=True) as s:
        actor = api_actor(s, request, required=True)
        item = ledger.get_item(s, item_id)
        lock, how = expected_lock(request, body.version)
        ledger.report(
            s,
            actor,
            item,
            percent=body.percent_complete,
            money_spent=body.money_spent,
            note=body.note,
            evidence_id=body.evidence_id,
            expected=lock,
            how=how,
        )
        response.headers["ETag"] = etag(item.lock)
        return LedgerItemOut(**ledger.record(item))


@router.get(
    "/zones/{code}/targets",
    summary="Assigned targets in force 现行目标值",
    response_model=TargetList,
)
def zone_targets(code: ZoneCode) -> TargetList:
    """Public: targets come from approved plans or the Ministry's imports."""
    with session() as s:
        frame = assigned_targets(s, [code])
    rows = [
        TargetOut(
            **{
                **r,
                "approved_at": iso(r["approved_at"]),
                "baseline_year": _int(r["baseline_year"]),
                "baseline_value": _num(r["baseline_value"]),
                "target_value": _num(r["target_value"]),
            }
        )
        for r in frame.drop(columns=["superseded_at"]).to_dict("records")
    ]
    return TargetList(count=len(rows), records=rows)


def _num(v: object) -> float | None:
    return None if v is None or v != v else float(v)  # type: ignore[arg-type]


def _int(v: object) -> int | None:
    return None if v is None or v != v else int(v)  # type: ignore[call-overload]


@router.post(
    "/targets/import",
    summary="Import assigned targets (CSV/XLSX) 导入目标值",
    response_model=Imported,
    status_code=201,
)
def targets_import(request: Request, file: Annotated[UploadFile, File()]) -> Imported:
    data = read_upload(file)
    name = attachments.sanitise(file.filename or "targets.csv")
    if not name.lower().endswith((".csv", ".xlsx")):
        raise Invalid(f"{name}: upload a .csv or .xlsx file of targets")
    with tempfile.TemporaryDirectory() as tmp, session(write=True) as s:
        actor = api_actor(s, request, required=True)
        path = FilePath(tmp) / name
        path.write_bytes(data)
        rows = import_targets(s, actor, path, by=actor.username)
    return Imported(count=len(rows))
