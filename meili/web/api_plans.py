"""API: implementation plans and self-assessments, their versions, review and comments.

``/api/v1/plans`` and ``/api/v1/self-assessments`` share one set of routes. Reads answer
with an ``ETag`` (the document's lock); every write names it back (``If-Match``, or
``version`` in the body): a stale one answers 412 (409 for a stale body ``version``), a
missing one 428 — so two reviewers cannot overwrite each other. A document the caller may
not see answers 404 (its existence is not told); the public sees approved ones only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile
from sqlalchemy.orm import Session

from meili.assess.rounds import round_file_hashes, scan_rounds
from meili.db.session import session
from meili.errors import NotFoundError
from meili.web.api import PREFIX, RoundName
from meili.web.api_accounts import WRITE_ERRORS
from meili.web.api_models import (
    ActionIn,
    AttachmentOut,
    ChainLevel,
    CommentIn,
    CommentList,
    CommentOut,
    DiffOut,
    DocEdit,
    DocIn,
    DocList,
    DocOut,
    DocSummary,
    PublishOut,
    ReviewOut,
    SelfAssessmentIn,
    VersionList,
    VersionOut,
)
from meili.web.auth import api_actor, etag, expected_lock
from meili.workflow import attachments, documents, review
from meili.workflow.publication import publish_round
from meili.workflow.roles import Actor

router = APIRouter(prefix=PREFIX, responses=WRITE_ERRORS)
DocId = Annotated[int, Path(ge=1, le=2**31 - 1)]
VersionNo = Annotated[int, Path(ge=1, le=100_000)]
ZoneQ = Annotated[str | None, Query(max_length=64)]


def iso(at: Any) -> str:
    return at if isinstance(at, str) else documents.iso(at)


def read_upload(file: UploadFile) -> bytes:
    """An uploaded file's bytes, refusing it as soon as it passes the size limit."""
    limit = attachments.max_bytes()
    data = file.file.read(limit + 1)
    if len(data) > limit:
        attachments.check(data, file.filename or "upload")  # raises: over the limit
    return data


def _summary(actor: Actor, doc: Any) -> dict[str, Any]:
    """A document's record; for the public without the names of people (personal data)."""
    rec = documents.record(doc)
    if actor.public:
        rec["created_by"] = ""
    return rec


def _doc_out(s: Session, actor: Actor, doc: Any) -> DocOut:
    rec = _summary(actor, doc)
    editable = documents.allowed(
        s, actor, f"{documents.prefix(doc)}.read_draft", documents.resource_of(doc)
    )
    chain = review.chain_status(s, doc) if doc.current_version else []
    history = review.history(s, doc) if doc.current_version else []
    reviews = [
        ReviewOut(**{**r, "at": iso(r["at"]), "reviewer": "" if actor.public else r["reviewer"]})
        for r in history
    ]
    return DocOut(
        **rec,
        draft=doc.draft if editable else None,
        chain=[ChainLevel(**c) for c in chain],
        reviews=reviews,
    )


def _version(actor: Actor, v: Any) -> VersionOut:
    rec = documents.version_record(v)
    if actor.public:
        rec["submitted_by"] = ""
    return VersionOut(**rec)


def _routes(kind: str, path: str, tag: str) -> None:
    what = "plan" if kind == "plan" else "self-assessment"

    def get_doc(s: Session, actor: Actor, doc_id: int) -> Any:
        doc = documents.get_document(s, doc_id, kind)
        documents.require_read(s, actor, doc)
        return doc

    @router.get(f"/{path}", summary=f"List {tag}", response_model=DocList, name=f"list_{kind}")
    def list_docs(
        request: Request,
        zone: ZoneQ = None,
        state: Annotated[str | None, Query(max_length=16)] = None,
        after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> DocList:
        """What the caller may see (the public: approved ones), by id; page with ``after``."""
        with session() as s:
            actor = api_actor(s, request)
            found = documents.listing(
                s, actor, kind=kind, zone=zone, state=state, after=after, limit=limit
            )
            rows = [DocSummary(**_summary(actor, d)) for d in found]
        nxt = rows[-1].id if len(rows) == limit else None
        return DocList(count=len(rows), next_after=nxt, records=rows)

    @router.get(
        f"/{path}/{{doc_id}}", summary=f"One {what}", response_model=DocOut, name=f"get_{kind}"
    )
    def get_one(request: Request, response: Response, doc_id: DocId) -> DocOut:
        with session() as s:
            actor = api_actor(s, request)
            doc = get_doc(s, actor, doc_id)
            response.headers["ETag"] = etag(doc.lock)
            return _doc_out(s, actor, doc)

    @router.put(
        f"/{path}/{{doc_id}}",
        summary=f"Edit the draft of a {what}",
        response_model=DocOut,
        name=f"edit_{kind}",
    )
    def edit(request: Request, response: Response, doc_id: DocId, body: DocEdit) -> DocOut:
        with session(write=True) as s:
            actor = api_actor(s, request, required=True)
            doc = get_doc(s, actor, doc_id)
            lock, how = expected_lock(request, body.version)
            content = body.content
            if kind == "self_assessment":
                content = {
                    **content,
                    "round": doc.round_name,
                    "round_files": doc.draft.get("round_files", {}),
                }
            documents.edit(s, actor, doc, content, title=body.title, expected=lock, how=how)
            response.headers["ETag"] = etag(doc.lock)
            return _doc_out(s, actor, doc)

    def _action(name: str, run: Callable[..., Any], summary: str) -> None:
        @router.post(
            f"/{path}/{{doc_id}}/{name}",
            summary=summary,
            response_model=DocOut,
            name=f"{name}_{kind}",
        )
        def act(request: Request, response: Response, doc_id: DocId, body: ActionIn) -> DocOut:
            with session(write=True) as s:
                actor = api_actor(s, request, required=True)
                doc = get_doc(s, actor, doc_id)
                lock, how = expected_lock(request, body.version)
                run(s, actor, doc, body, lock, how)
                response.headers["ETag"] = etag(doc.lock)
                return _doc_out(s, actor, doc)

    _action(
        "submit",
        lambda s, a, d, b, lk, h: documents.submit(s, a, d, expected=lk, how=h),
        f"Submit the draft as a new version of a {what}",
    )
    _action(
        "withdraw",
        lambda s, a, d, b, lk, h: documents.withdraw(s, a, d, expected=lk, how=h),
        f"Withdraw a {what} in review",
    )
    _action(
        "approve",
        lambda s, a, d, b, lk, h: review.approve(s, a, d, expected=lk, how=h),
        f"Approve a {what} at the caller's review level",
    )
    _action(
        "return",
        lambda s, a, d, b, lk, h: review.return_(s, a, d, b.reason, expected=lk, how=h),
        f"Return a {what} with a reason",
    )
    _action(
        "reopen",
        lambda s, a, d, b, lk, h: review.reopen(
            s, a, d, b.level or "", b.reason, expected=lk, how=h
        ),
        f"Re-open a lower level's approval of a {what} (level, reason)",
    )

    @router.get(
        f"/{path}/{{doc_id}}/versions",
        summary=f"Submitted versions of a {what}",
        response_model=VersionList,
        name=f"versions_{kind}",
    )
    def versions(request: Request, doc_id: DocId) -> VersionList:
        with session() as s:
            actor = api_actor(s, request)
            doc = get_doc(s, actor, doc_id)
            rows = [_version(actor, v) for v in documents.versions(s, doc)]
        return VersionList(count=len(rows), records=rows)

    @router.get(
        f"/{path}/{{doc_id}}/versions/{{number}}",
        summary=f"One version of a {what}",
        response_model=VersionOut,
        name=f"version_{kind}",
    )
    def one_version(request: Request, doc_id: DocId, number: VersionNo) -> VersionOut:
        with session() as s:
            actor = api_actor(s, request)
            doc = get_doc(s, actor, doc_id)
            return _version(actor, documents.version(s, doc, number))

    @router.get(
        f"/{path}/{{doc_id}}/versions/{{number}}/diff",
        summary=f"A version of a {what} against the one before",
        response_model=DiffOut,
        name=f"diff_{kind}",
    )
    def diff(request: Request, doc_id: DocId, number: VersionNo) -> DiffOut:
        with session() as s:
            doc = get_doc(s, api_actor(s, request), doc_id)
            return DiffOut(version=number, changes=documents.version_diff(s, doc, number))

    @router.get(
        f"/{path}/{{doc_id}}/comments",
        summary=f"Comments on a {what}",
        response_model=CommentList,
        name=f"comments_{kind}",
    )
    def comments(request: Request, doc_id: DocId) -> CommentList:
        """Review comments are for those signed in (the public reads approved versions)."""
        with session() as s:
            actor = api_actor(s, request, required=True)
            doc = get_doc(s, actor, doc_id)
            rows = [
                CommentOut(
                    id=c.id,
                    version=c.version,
                    section=c.section,
                    body=c.body,
                    author=c.author,
                    at=iso(c.at),
                )
                for c in review.comments(s, actor, doc)
            ]
        return CommentList(count=len(rows), records=rows)

    @router.post(
        f"/{path}/{{doc_id}}/comments",
        summary=f"Comment on a section of a {what}",
        response_model=CommentOut,
        status_code=201,
        name=f"comment_{kind}",
    )
    def add_comment(request: Request, doc_id: DocId, body: CommentIn) -> CommentOut:
        with session(write=True) as s:
            actor = api_actor(s, request, required=True)
            doc = get_doc(s, actor, doc_id)
            c = review.comment(s, actor, doc, body.section, body.body, body.version)
            return CommentOut(
                id=c.id,
                version=c.version,
                section=c.section,
                body=c.body,
                author=c.author,
                at=iso(c.at),
            )

    @router.post(
        f"/{path}/{{doc_id}}/attachments",
        summary=f"Attach a file to a {what}",
        response_model=AttachmentOut,
        status_code=201,
        name=f"attach_{kind}",
    )
    def attach(
        request: Request, doc_id: DocId, file: Annotated[UploadFile, File()]
    ) -> AttachmentOut:
        data = read_upload(file)
        with session(write=True) as s:
            actor = api_actor(s, request, required=True)
            doc = get_doc(s, actor, doc_id)
            return AttachmentOut(**documents.attach(s, actor, doc, data, file.filename or "file"))


@router.post(
    "/plans", summary="Start a plan draft 新建实施方案", response_model=DocOut, status_code=201
)
def create_plan(request: Request, response: Response, body: DocIn) -> DocOut:
    with session(write=True) as s:
        actor = api_actor(s, request, required=True)
        doc = documents.create(s, actor, "plan", body.zone, body.title, body.content)
        response.headers["ETag"] = etag(doc.lock)
        return _doc_out(s, actor, doc)


@router.post(
    "/self-assessments",
    summary="Start a self-assessment 新建自评估",
    response_model=DocOut,
    status_code=201,
)
def create_self_assessment(request: Request, response: Response, body: SelfAssessmentIn) -> DocOut:
    content = {**body.content, "round": body.round, "round_files": round_file_hashes(body.round)}
    with session(write=True) as s:
        actor = api_actor(s, request, required=True)
        title = body.title or f"{body.zone} 自评估 {body.round}"
        doc = documents.create(s, actor, "self_assessment", body.zone, title, content)
        response.headers["ETag"] = etag(doc.lock)
        return _doc_out(s, actor, doc)


@router.post(
    "/rounds/{name}/publish",
    summary="Publish a round for every zone (Ministry) 发布",
    response_model=PublishOut,
    status_code=201,
)
def publish(request: Request, name: RoundName) -> PublishOut:
    if name not in {m["round"] for m in scan_rounds()[0]}:
        raise NotFoundError(f"no round {name!r}")
    with session(write=True) as s:
        row = publish_round(s, api_actor(s, request, required=True), name)
        return PublishOut(
            round=row.round_name,
            zone=row.zone_code,
            published_by=row.published_by,
            published_at=iso(row.published_at),
        )


_routes("plan", "plans", "implementation plans 实施方案")
_routes("self_assessment", "self-assessments", "self-assessments 自评估")
