"""Workflow pages (server-rendered, zh-CN first with an English switch): sign-in, my zones,
plans and self-assessments (viewer, editor, review screen with per-section comments and
diff), evidence inbox, task board, submission status, audit view, administration.

Every page reads its words from the catalogue (section ``ui``); ``?lang=en`` switches the
language (kept in a cookie). Pages sign in with a session cookie (HttpOnly, SameSite=Lax)
and every form posts the session's CSRF token; the rules are the API's — the pages call the
same workflow functions.
"""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from meili import __version__, i18n
from meili.assess.rounds import load_round, scan_rounds
from meili.db import audit
from meili.db.models import Document
from meili.db.session import session
from meili.errors import MeiliError, NotFoundError
from meili.framework.rules import STATES as EVIDENCE_STATES
from meili.framework.schema import AREA_NAMES
from meili.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    check_csrf,
    page_actor,
    remote,
)
from meili.workflow import (
    accounts,
    attachments,
    documents,
    evidence,
    ledger,
    review,
    submissions,
    uploads,
)
from meili.workflow.content import FUNDING, PROJECT_STATUS
from meili.workflow.errors import Invalid, Unauthenticated
from meili.workflow.hierarchy import zone_tree
from meili.workflow.permissions import ACCOUNTS, ACTIONS, AUDIT, Resource, allowed, decide, require
from meili.workflow.roles import ROLES, Actor

HERE = FilePath(__file__).parent
router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(HERE / "templates"))
LANG_COOKIE = "meili_lang"
ZoneCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
DocId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_yaml = YAML(typ="safe")


def lang_of(request: Request) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return wanted if wanted in ("zh", "en") else "zh"


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A page in the caller's language, with the words of the catalogue as ``t``."""
    lang = lang_of(request)

    def t(key: str, section: str = "ui", **values: object) -> str:
        return i18n.text(section, key, lang, **values)  # type: ignore[arg-type]

    page = templates.TemplateResponse(
        request,
        name,
        {"t": t, "lang": lang, "version": __version__, "path": request.url.path, **context},
        status_code=status,
    )
    if request.query_params.get("lang") in ("zh", "en"):
        page.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return page


def _signed_in(s: Session, request: Request) -> tuple[Actor, str]:
    actor, csrf = page_actor(s, request)
    if actor.public or csrf is None:
        raise Unauthenticated("sign in first")
    return actor, csrf


@dataclass(frozen=True)
class Posted:
    """A posted form, read before the handler runs (files as bytes, at most the attachment
    limit plus one byte each, so an oversized one is refused by its check)."""

    fields: dict[str, str]
    files: dict[str, list[tuple[str, bytes]]]

    def get(self, key: str, default: str = "") -> str:
        return self.fields.get(key, default)

    def items(self) -> list[tuple[str, str]]:
        return list(self.fields.items())


async def posted(request: Request) -> Posted:
    """The form of a POST (a dependency: the handlers then run in the thread pool)."""
    form = await request.form()
    fields: dict[str, str] = {}
    files: dict[str, list[tuple[str, bytes]]] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if value.filename:
                data = await value.read(attachments.max_bytes() + 1)
                files.setdefault(key, []).append((value.filename, data))
        else:
            fields[key] = str(value)
    return Posted(fields, files)


Form = Annotated[Posted, Depends(posted)]


def _checked(form: Posted, csrf: str) -> Posted:
    check_csrf(csrf, form.get("csrf"))
    return form


def _back(url: str, message: str | None = None) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(url + (f"{sep}msg={quote(message)}" if message else ""), 303)


def _local(target: str | None) -> str:
    """A redirect target on this site only (no ``//host`` or scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/my"
    return target


# ---- sign-in ---------------------------------------------------------------------------------


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    page = render(
        request,
        "wf_signin.html",
        {
            "csrf": token,
            "next": _local(request.query_params.get("next")),
            "error": None,
            "actor": None,
        },
    )
    page.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    return page


@router.post("/signin", response_class=HTMLResponse)
def signin(request: Request, form: Form) -> Response:
    check_csrf(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf"))
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    target = _local(str(form.get("next") or ""))
    with session(write=True) as s:
        user = accounts.check_password(s, username, password, remote(request))
        secret = accounts.issue(s, user, "session", label="page")[0] if user else None
    if secret is None:
        token = secrets.token_urlsafe(24)
        page = render(
            request,
            "wf_signin.html",
            {"csrf": token, "next": target, "actor": None, "error": accounts.SIGN_IN_FAILED},
            401,
        )
        page.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
        return page
    done = RedirectResponse(target, 303)
    done.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    done.delete_cookie(LOGIN_CSRF_COOKIE)
    return done


@router.post("/signout")
def signout(request: Request, form: Form) -> Response:
    with session(write=True) as s:
        actor, csrf = _signed_in(s, request)
        _checked(form, csrf)
        cred, _ = accounts.credential(s, request.cookies[SESSION_COOKIE], "session")
        accounts.revoke_credential(s, cred, actor.username)
    done = RedirectResponse("/", 303)
    done.delete_cookie(SESSION_COOKIE)
    return done


# ---- my zones --------------------------------------------------------------------------------


def _my_zones(s: Session, actor: Actor) -> list[str]:
    tree = zone_tree(s)
    out: list[str] = []
    for zone in actor.zones():
        out += [zone, *tree.below(zone)]
    if actor.roles & {"admin", "ministry_reviewer", "expert"}:
        out += sorted(tree.tiers)
    return list(dict.fromkeys(z for z in out if z in tree.tiers))


def _waiting_for(s: Session, actor: Actor) -> list[Document]:
    """Documents in review whose current level is the actor's."""
    out = []
    query = select(Document).where(Document.state.in_(documents.IN_REVIEW))
    tree = zone_tree(s)
    for doc in s.scalars(query.order_by(Document.id)):
        levels = review.levels_for(tree, doc.zone_code)
        if doc.review_level in review.actor_levels(actor, levels) and allowed(
            s, actor, f"{documents.prefix(doc)}.review", documents.resource_of(doc)
        ):
            out.append(doc)
    return out


@router.get("/my", response_class=HTMLResponse)
def my_page(request: Request) -> HTMLResponse:
    with session() as s:
        actor, csrf = _signed_in(s, request)
        tree = zone_tree(s)
        zones = [
            {
                "code": z,
                "name": tree.names[z],
                "tier": tree.tiers[z],
                "docs": [
                    documents.record(d) for d in documents.listing(s, actor, zone=z, limit=20)
                ],
            }
            for z in _my_zones(s, actor)
        ]
        waiting = [documents.record(d) for d in _waiting_for(s, actor)]
        pending = len(evidence.inbox(s, actor, status="pending", limit=1000))
    return render(
        request,
        "wf_my.html",
        {
            "actor": actor,
            "csrf": csrf,
            "zones": zones,
            "waiting": waiting,
            "pending": pending,
            "roles": ROLES,
        },
    )


# ---- plans and self-assessments --------------------------------------------------------------


@router.get("/plans", response_class=HTMLResponse)
def plans_page(request: Request) -> HTMLResponse:
    kind = request.query_params.get("kind", "plan")
    kind = kind if kind in documents.KINDS else "plan"
    zone = request.query_params.get("zone") or None
    with session() as s:
        actor, csrf = page_actor(s, request)
        docs = [
            documents.record(d)
            for d in documents.listing(s, actor, kind=kind, zone=zone, limit=500)
        ]
    rounds = [m["round"] for m in scan_rounds()[0]] if kind == "self_assessment" else []
    return render(
        request,
        "wf_plans.html",
        {
            "actor": actor,
            "csrf": csrf,
            "docs": docs,
            "kind": kind,
            "zone": zone,
            "rounds": rounds,
            "msg": request.query_params.get("msg"),
        },
    )


@router.post("/plans/new")
def plan_new(request: Request, form: Form) -> Response:
    with session(write=True) as s:
        actor, csrf = _signed_in(s, request)
        form = _checked(form, csrf)
        kind = str(form.get("kind") or "plan")
        zone, title = str(form.get("zone") or ""), str(form.get("title") or "")
        data: dict[str, Any] = {}
        if kind == "self_assessment":
            name = str(form.get("round") or "")
            meta, _ = load_round(name, "verdicts")
            data = {
                "round": name,
                "round_files": {t: f["sha256"] for t, f in meta["files"].items()},
            }
            title = title or f"{zone} 自评估 {name}"
        doc = documents.create(s, actor, kind, zone, title, data)
    return _back(f"/plans/{doc.id}/edit")


def _doc_context(s: Session, actor: Actor, doc: Document, number: int | None) -> dict[str, Any]:
    versions = documents.versions(s, doc)
    can = {
        verb: allowed(s, actor, f"{documents.prefix(doc)}.{verb}", documents.resource_of(doc))
        for verb in (
            "read_draft",
            "edit",
            "submit",
            "withdraw",
            "review",
            "reopen",
            "comment",
            "attach",
        )
    }
    shown_version = None
    if number is not None:
        shown_version = documents.version(s, doc, number)
    elif versions and not can["read_draft"]:
        shown_version = versions[-1]
    content = shown_version.content if shown_version else doc.draft
    comments = review.comments(s, actor, doc)
    by_section: dict[str, list[Any]] = {}
    for c in comments:
        if shown_version is None or c.version == shown_version.number:
            by_section.setdefault(c.section, []).append(c)
    changes = (
        documents.version_diff(s, doc, shown_version.number) if shown_version is not None else []
    )
    chain = review.chain_status(s, doc) if doc.current_version else []
    return {
        "doc": documents.record(doc),
        "content": content,
        "sections": _sections(content),
        "shown": shown_version.number if shown_version else None,
        "versions": [v.number for v in versions],
        "can": can,
        "chain": chain,
        "history": review.history(s, doc),
        "comments": by_section,
        "changes": changes,
        "files": uploads.files_of(s, "document", doc.id),
        "lower_levels": [c["level"] for c in chain if c["approved"]],
    }


def _sections(content: dict[str, Any]) -> list[tuple[str, Any]]:
    """(section key, value) in reading order, free-text sections and narratives flattened."""
    out: list[tuple[str, Any]] = []
    for key, value in content.items():
        if key in ("sections", "narrative"):
            out += [(f"{key}.{k}", v) for k, v in value.items()]
        elif key not in ("round_files",):
            out.append((key, value))
    return out


@router.get("/plans/{doc_id}", response_class=HTMLResponse)
def plan_page(request: Request, doc_id: DocId) -> HTMLResponse:
    number = request.query_params.get("version")
    with session() as s:
        actor, csrf = page_actor(s, request)
        doc = documents.get_document(s, doc_id)
        documents.require_read(s, actor, doc)
        ctx = _doc_context(s, actor, doc, int(number) if number and number.isdigit() else None)
    return render(
        request,
        "wf_plan.html",
        {
            "actor": actor,
            "csrf": csrf,
            **ctx,
            "review_mode": request.query_params.get("review") == "1",
            "funding": FUNDING,
            "project_status": PROJECT_STATUS,
            "msg": request.query_params.get("msg"),
        },
    )


def _dump(value: Any) -> str:
    if not value:
        return ""
    out = io.StringIO()
    YAML().dump(value, out)
    return out.getvalue()


@router.get("/plans/{doc_id}/edit", response_class=HTMLResponse)
def plan_edit_page(request: Request, doc_id: DocId) -> HTMLResponse:
    with session() as s:
        actor, csrf = _signed_in(s, request)
        doc = documents.get_document(s, doc_id)
        documents.require_read(s, actor, doc)
        draft = dict(doc.draft)
        record = documents.record(doc)
    fields = {k: _dump(draft.get(k)) for k in ("targets", "tasks", "projects")}
    return render(
        request,
        "wf_edit.html",
        {
            "actor": actor,
            "csrf": csrf,
            "doc": record,
            "draft": draft,
            "fields": fields,
            "error": None,
            "areas": _areas(),
        },
    )


def _areas() -> list[tuple[str, str, str]]:
    return [(k, zh, en) for k, (zh, en) in AREA_NAMES.items()]


def _from_form(form: Posted, kind: str, draft: dict[str, Any]) -> dict[str, Any]:
    """A document's content from the editor's fields (structured lists as YAML)."""
    if kind == "self_assessment":
        narrative = {
            key[len("narrative.") :]: str(v).strip()
            for key, v in form.items()
            if key.startswith("narrative.") and str(v).strip()
        }
        return {
            **draft,
            "narrative": narrative,
            "problems": str(form.get("problems") or ""),
            "next_steps": str(form.get("next_steps") or ""),
        }
    content: dict[str, Any] = {
        "specialty": str(form.get("specialty") or "").strip(),
        "themes": [
            t.strip()
            for t in str(form.get("themes") or "").replace("；", ";").split(";")
            if t.strip()
        ],
        "sections": {
            k: str(form.get(f"sections.{k}") or "").strip()
            for k in ("overview", "measures", "safeguards")
            if str(form.get(f"sections.{k}") or "").strip()
        },
    }
    for key in ("targets", "tasks", "projects"):
        text = str(form.get(key) or "").strip()
        try:
            value = _yaml.load(text) if text else []
        except YAMLError as exc:
            raise Invalid(f"{key}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(value, list):
            raise Invalid(f"{key}: write a list (each item starting with '- ')")
        content[key] = value
    return content


@router.post("/plans/{doc_id}/edit", response_class=HTMLResponse)
def plan_edit(request: Request, doc_id: DocId, form: Form) -> Response:
    try:
        with session(write=True) as s:
            actor, csrf = _signed_in(s, request)
            form = _checked(form, csrf)
            doc = documents.get_document(s, doc_id)
            documents.require_read(s, actor, doc)
            content = _from_form(form, doc.kind, dict(doc.draft))
            lock = int(str(form.get("lock") or "0"))
            documents.edit(
                s,
                actor,
                doc,
                content,
                title=str(form.get("title") or doc.title),
                expected=lock,
                how="version",
            )
    except (Invalid, MeiliError) as exc:
        if getattr(exc, "http_status", 400) not in (400, 409):
            raise
        with session() as s:
            actor, csrf = _signed_in(s, request)
            doc = documents.get_document(s, doc_id)
            record = documents.record(doc)
        fields = {k: str(form.get(k) or "") for k in ("targets", "tasks", "projects")}
        draft = {
            **dict(doc.draft),
            "specialty": form.get("specialty") or "",
            "themes": str(form.get("themes") or "").split(";"),
        }
        return render(
            request,
            "wf_edit.html",
            {
                "actor": actor,
                "csrf": csrf,
                "doc": record,
                "draft": draft,
                "fields": fields,
                "error": str(exc),
                "areas": _areas(),
            },
            getattr(exc, "http_status", 400),
        )
    return _back(f"/plans/{doc_id}", i18n.text("ui", "ok", lang_of(request)))  # type: ignore[arg-type]


@router.post("/plans/{doc_id}/{action}")
def plan_action(request: Request, doc_id: DocId, action: str, form: Form) -> Response:
    with session(write=True) as s:
        actor, csrf = _signed_in(s, request)
        form = _checked(form, csrf)
        doc = documents.get_document(s, doc_id)
        documents.require_read(s, actor, doc)
        lock = int(str(form.get("lock") or "0")) or None
        reason = str(form.get("reason") or "")
        if action == "submit":
            documents.submit(s, actor, doc, expected=lock, how="version")
        elif action == "withdraw":
            documents.withdraw(s, actor, doc, expected=lock, how="version")
        elif action == "approve":
            review.approve(s, actor, doc, expected=lock, how="version")
        elif action == "return":
            review.return_(s, actor, doc, reason, expected=lock, how="version")
        elif action == "reopen":
            review.reopen(
                s, actor, doc, str(form.get("level") or ""), reason, expected=lock, how="version"
            )
        elif action == "comment":
            number = str(form.get("version") or "")
            review.comment(
                s,
                actor,
                doc,
                str(form.get("section") or ""),
                str(form.get("body") or ""),
                int(number) if number.isdigit() else None,
            )
        elif action == "attach":
            if not form.files.get("file"):
                raise Invalid("choose a file to attach")
            name, data = form.files["file"][0]
            documents.attach(s, actor, doc, data, name)
        else:
            raise NotFoundError(f"no action {action[:40]!r}")
    review_mode = "&review=1" if action in ("comment",) else ""
    return _back(
        f"/plans/{doc_id}?{review_mode.lstrip('&')}".rstrip("?"),
        i18n.text("ui", "ok", lang_of(request)),
    )  # type: ignore[arg-type]


@router.get("/attachments/{attachment_id}")
def attachment_file(request: Request, attachment_id: DocId) -> Response:
    """An attachment, for those who may read what it belongs to."""
    with session() as s:
        actor, _ = page_actor(s, request)
        row = uploads.get_attachment(s, attachment_id)
        if row.owner == "document":
            documents.require_read(s, actor, documents.get_document(s, row.owner_id))
        else:
            evidence.require_read(s, actor, evidence.get_evidence(s, row.owner_id))
        data = attachments.read(row.sha256)
        name, media = row.filename, row.media_type
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


# ---- evidence --------------------------------------------------------------------------------


@router.get("/evidence", response_class=HTMLResponse)
def evidence_page(request: Request) -> HTMLResponse:
    status = request.query_params.get("status", "pending")
    status = status if status in ("pending", "accepted", "rejected", "all") else "pending"
    with session() as s:
        actor, csrf = _signed_in(s, request)
        found = evidence.inbox(s, actor, status=None if status == "all" else status, limit=500)
        rows = []
        for e in found:
            rec = evidence.record(e, uploads.files_of(s, "evidence", e.id))
            rec["can_review"] = allowed(s, actor, "evidence.review", evidence.resource_of(e))
            rows.append(rec)
        zones = [
            z
            for z in _my_zones(s, actor)
            if allowed(s, actor, "evidence.submit", Resource("evidence", z))
        ]
    return render(
        request,
        "wf_evidence.html",
        {
            "actor": actor,
            "csrf": csrf,
            "rows": rows,
            "status": status,
            "zones": zones,
            "states": EVIDENCE_STATES,
            "msg": request.query_params.get("msg"),
        },
    )


@router.post("/evidence/new")
def evidence_new(request: Request, form: Form) -> Response:
    with session(write=True) as s:
        actor, csrf = _signed_in(s, request)
        form = _checked(form, csrf)
        files = form.files.get("files", [])
        year = str(form.get("year") or "")
        if not year.isdigit():
            raise Invalid("year: a year like 2025")
        evidence.submit(
            s,
            actor,
            str(form.get("zone") or ""),
            title=str(form.get("title") or ""),
            year=int(year),
            indicator=str(form.get("indicator") or "") or None,
            state=str(form.get("state") or "") or None,
            description=str(form.get("description") or ""),
            files=files,
        )
    return _back("/evidence?status=pending", i18n.text("ui", "ok", lang_of(request)))  # type: ignore[arg-type]


@router.post("/evidence/{evidence_id}/{decision}")
def evidence_decide(request: Request, evidence_id: DocId, decision: str, form: Form) -> Response:
    if decision not in ("accept", "reject"):
        raise NotFoundError(f"no action {decision[:40]!r}")
    with session(write=True) as s:
        actor, csrf = _signed_in(s, request)
        form = _checked(form, csrf)
        ev = evidence.get_evidence(s, evidence_id)
        evidence.require_read(s, actor, ev)
        evidence.review(
            s,
            actor,
            ev,
            decision,
            str(form.get("reason") or ""),
            expected=int(str(form.get("lock") or "0")) or None,
            how="version",
        )
    return _back("/evidence", i18n.text("ui", "ok", lang_of(request)))  # type: ignore[arg-type]


# ---- ledger (task board) ---------------------------------------------------------------------


@router.get("/ledger/{code}", response_class=HTMLResponse)
def ledger_page(request: Request, code: ZoneCode) -> HTMLResponse:
    with session() as s:
        actor, csrf = page_actor(s, request)
        tree = zone_tree(s)
        if code not in tree.tiers:
            raise NotFoundError(f"no zone with code {code!r}")
        items = ledger.items(s, actor, code, within=True)
        rows = []
        for i in items:
            rec = ledger.record(i)
            rec["can_report"] = allowed(s, actor, "ledger.report", Resource("ledger", i.zone_code))
            rows.append(rec)
    columns = {
        "not_started": [r for r in rows if r["percent_complete"] == 0],
        "in_progress": [r for r in rows if 0 < r["percent_complete"] < 100],
        "done": [r for r in rows if r["percent_complete"] >= 100],
    }
    return render(
        request,
        "wf_ledger.html",
        {
            "actor": actor,
            "csrf": csrf,
            "zone": code,
            "name": tree.names[code],
            "columns": columns,
            "rollup": ledger.rollup(items),
            "funding": FUNDING,
            "msg": request.query_params.get("msg"),
        },
    )


@router.post("/ledger/{code}/report/{item_id}")
def ledger_report(request: Request, code: ZoneCode, item_id: DocId, form: Form) -> Response:
    with session(write=True) as s:
        actor, csrf = _signed_in(s, request)
        form = _checked(form, csrf)
        item = ledger.get_item(s, item_id)
        try:
            percent = float(str(form.get("percent") or ""))
            spent_text = str(form.get("spent") or "").strip()
            spent = float(spent_text) if spent_text else None
        except ValueError:
            raise Invalid("percent complete and money spent are numbers") from None
        ledger.report(
            s,
            actor,
            item,
            percent=percent,
            money_spent=spent,
            note=str(form.get("note") or ""),
            expected=int(str(form.get("lock") or "0")) or None,
            how="version",
        )
    return _back(f"/ledger/{code}", i18n.text("ui", "ok", lang_of(request)))  # type: ignore[arg-type]


# ---- data submission -------------------------------------------------------------------------


def _year(request: Request) -> int:
    text = request.query_params.get("year", "")
    return int(text) if text.isdigit() and 1990 <= int(text) <= 2100 else 2024


@router.get("/submissions/{code}", response_class=HTMLResponse)
def submissions_page(request: Request, code: ZoneCode) -> HTMLResponse:
    year = _year(request)
    with session() as s:
        actor, csrf = _signed_in(s, request)
        rows = submissions.status(s, actor, code, year)
        can_submit = allowed(s, actor, "data.submit", Resource("data", code))
    return render(
        request,
        "wf_submissions.html",
        {
            "actor": actor,
            "csrf": csrf,
            "zone": code,
            "year": year,
            "rows": rows,
            "can_submit": can_submit,
            "result": None,
        },
    )


@router.get("/submissions/{code}/template")
def submissions_template(request: Request, code: ZoneCode) -> Response:
    year = _year(request)
    with session() as s:
        actor, _ = _signed_in(s, request)
        data = submissions.template(s, actor, code, year)
    return Response(
        data,
        media_type=attachments.TYPES["xlsx"],
        headers={"Content-Disposition": f'attachment; filename="{code}-{year}-template.xlsx"'},
    )


@router.post("/submissions/{code}", response_class=HTMLResponse)
def submissions_upload(request: Request, code: ZoneCode, form: Form) -> HTMLResponse:
    with session(write=True) as s:
        actor, csrf = _signed_in(s, request)
        form = _checked(form, csrf)
        year_text = str(form.get("year") or "")
        if not year_text.isdigit():
            raise Invalid("year: a year like 2024")
        if not form.files.get("file"):
            raise Invalid("choose the filled template to upload")
        name, data = form.files["file"][0]
        result = submissions.record(submissions.upload(s, actor, code, int(year_text), data, name))
    with session() as s:
        rows = submissions.status(s, actor, code, int(year_text))
    return render(
        request,
        "wf_submissions.html",
        {
            "actor": actor,
            "csrf": csrf,
            "zone": code,
            "year": int(year_text),
            "rows": rows,
            "can_submit": True,
            "result": result,
        },
    )


# ---- audit and administration ----------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request) -> HTMLResponse:
    after = request.query_params.get("after", "0")
    after_n = int(after) if after.isdigit() else 0
    with session() as s:
        actor, csrf = _signed_in(s, request)
        require(s, actor, "audit.read", AUDIT)
        count, broken = audit.verify(s)
        rows = [audit.record(e) for e in audit.entries(s, after=after_n, limit=100)]
    return render(
        request,
        "wf_audit.html",
        {
            "actor": actor,
            "csrf": csrf,
            "rows": rows,
            "count": count,
            "broken": broken,
            "next": rows[-1]["seq"] if len(rows) == 100 else None,
        },
    )


@router.get("/audit/export")
def audit_export(request: Request) -> Response:
    with session() as s:
        actor, _ = _signed_in(s, request)
        require(s, actor, "audit.read", AUDIT)
        body = "".join(
            json.dumps(audit.record(e), ensure_ascii=False, sort_keys=True) + "\n"
            for e in audit.entries(s)
        )
    return Response(
        body.encode("utf-8"),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="meili-audit.jsonl"'},
    )


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request) -> HTMLResponse:
    q = request.query_params
    with session() as s:
        actor, csrf = _signed_in(s, request)
        require(s, actor, "users.manage", ACCOUNTS)
        users = [accounts.user_record(u) for u in accounts.list_users(s)]
        explained = None
        if q.get("user") and q.get("action") in ACTIONS:
            who = documents.anonymous_or(s, q["user"])
            plan = q.get("plan", "")
            if plan.isdigit():
                resource = documents.resource_of(documents.get_document(s, int(plan)))
            else:
                resource = Resource(
                    q["action"].split(".")[0], q.get("zone") or None, q.get("public") == "1"
                )
            d = decide(s, who, q["action"], resource)
            explained = {"allowed": d.allowed, "lines": d.explain()}
    return render(
        request,
        "wf_admin.html",
        {
            "actor": actor,
            "csrf": csrf,
            "users": users,
            "roles": ROLES,
            "actions": ACTIONS,
            "explained": explained,
            "q": dict(q),
            "msg": q.get("msg"),
        },
    )


@router.post("/admin/{what}")
def admin_post(request: Request, what: str, form: Form) -> Response:
    with session(write=True) as s:
        actor, csrf = _signed_in(s, request)
        form = _checked(form, csrf)
        require(s, actor, "users.manage", ACCOUNTS)
        username = str(form.get("username") or "")
        role = str(form.get("role") or "") or None
        zone = str(form.get("zone") or "") or None
        if what == "user":
            accounts.add_user(
                s,
                username,
                str(form.get("password") or ""),
                role=role,
                zone=zone,
                display_name=str(form.get("display_name") or ""),
                by=actor.username,
            )
        elif what == "grant":
            accounts.grant(s, username, role or "", zone, by=actor.username)
        elif what == "revoke":
            accounts.revoke(s, username, role or "", zone, by=actor.username)
        elif what == "disable":
            accounts.disable_user(s, username, by=actor.username)
        else:
            raise NotFoundError(f"no action {what[:40]!r}")
    return _back("/admin", i18n.text("ui", "ok", lang_of(request)))  # type: ignore[arg-type]
