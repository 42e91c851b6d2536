"""API: sign-in tokens, users and roles, permission explanations, the audit chain."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import StreamingResponse

from meili.db import audit
from meili.db.models import Credential
from meili.db.session import session
from meili.errors import NotFoundError
from meili.web.api import ERRORS, PREFIX
from meili.web.api_models import (
    AuditList,
    AuditOut,
    ExplainOut,
    GrantIn,
    MeOut,
    TokenOut,
    UserIn,
    UserList,
    UserOut,
    VerifyOut,
)
from meili.web.auth import api_actor, remote
from meili.workflow import accounts, documents
from meili.workflow.accounts import user_record
from meili.workflow.errors import Invalid, Unauthenticated
from meili.workflow.permissions import ACCOUNTS, ACTIONS, AUDIT, Resource, decide, require

#: every status a workflow route may answer besides 200 (each with the error body)
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    **{
        code: {"model": ERRORS[400]["model"], "description": text}
        for code, text in (
            (401, "Not signed in 未登录 (send Authorization: Bearer <token>)"),
            (403, "Not allowed 无权限 (the message names the deciding rule)"),
            (409, "Conflict 冲突 (state forbids it, or changed meanwhile)"),
            (412, "If-Match names an old version 版本已变更"),
            (428, "If-Match or version required 需要版本号"),
            (429, "Too many failed sign-ins 登录失败过多"),
        )
    },
}
router = APIRouter(prefix=PREFIX, responses=WRITE_ERRORS)
Username = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")]


def _grants(actor: Any) -> list[str]:
    return [f"{g.role}@{g.zone}" if g.zone else g.role for g in actor.grants]


@router.post("/auth/token", summary="Sign in: a bearer token 登录获取令牌", response_model=TokenOut)
def token(
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=1000)],
    label: Annotated[str, Form(max_length=200)] = "",
) -> TokenOut:
    """Exchange a username and password (form fields) for a revocable bearer token."""
    with session(write=True) as s:
        user = accounts.check_password(s, username, password, remote(request))
        if user is not None:
            secret, cred = accounts.issue(s, user, "token", label=label or "api")
            actor = accounts.actor_of(user)
    if user is None:  # the failed attempt is recorded (committed) first
        raise Unauthenticated(accounts.SIGN_IN_FAILED)
    return TokenOut(
        token=secret,
        token_id=cred.id,
        expires_at=cred.expires_at.isoformat(),
        username=user.username,
        roles=_grants(actor),
    )


@router.delete("/auth/token", summary="Sign out: revoke this token 注销令牌", status_code=204)
def revoke_own(request: Request) -> None:
    header = request.headers.get("authorization", "")
    with session(write=True) as s:
        actor = api_actor(s, request, required=True)
        cred, _ = accounts.credential(s, header.partition(" ")[2].strip(), "token")
        accounts.revoke_credential(s, cred, actor.username)


@router.delete(
    "/auth/tokens/{token_id}",
    summary="Revoke a token (admin or its owner) 吊销令牌",
    status_code=204,
)
def revoke_token(request: Request, token_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> None:
    with session(write=True) as s:
        actor = api_actor(s, request, required=True)
        cred = s.get(Credential, token_id)
        if cred is None or cred.kind != "token":
            raise NotFoundError(f"no token #{token_id}")
        if cred.user_id != actor.user_id:
            require(s, actor, "users.manage", ACCOUNTS)
        accounts.revoke_credential(s, cred, actor.username)


@router.get("/auth/me", summary="Who am I 当前用户", response_model=MeOut)
def me(request: Request) -> MeOut:
    with session() as s:
        actor = api_actor(s, request, required=True)
        user = accounts.get_user(s, actor.username)
        return MeOut(username=user.username, display_name=user.display_name, roles=_grants(actor))


def _admin(s: Any, request: Request) -> str:
    actor = api_actor(s, request, required=True)
    require(s, actor, "users.manage", ACCOUNTS)
    return actor.username


@router.get("/users", summary="Users 用户", response_model=UserList)
def users(request: Request) -> UserList:
    with session() as s:
        _admin(s, request)
        rows = [UserOut(**user_record(u)) for u in accounts.list_users(s)]
    return UserList(count=len(rows), records=rows)


@router.post("/users", summary="Add a user 新增用户", response_model=UserOut, status_code=201)
def add_user(request: Request, body: UserIn) -> UserOut:
    with session(write=True) as s:
        by = _admin(s, request)
        user = accounts.add_user(
            s,
            body.username,
            body.password,
            role=body.role,
            zone=body.zone,
            display_name=body.display_name,
            by=by,
        )
        return UserOut(**user_record(user))


@router.post("/users/{username}/grants", summary="Grant a role 授予角色", response_model=UserOut)
def grant(request: Request, username: Username, body: GrantIn) -> UserOut:
    with session(write=True) as s:
        accounts.grant(s, username, body.role, body.zone, by=_admin(s, request))
        user = accounts.get_user(s, username)
        s.refresh(user)
        return UserOut(**user_record(user))


@router.delete("/users/{username}/grants", summary="Revoke a role 收回角色", response_model=UserOut)
def revoke(
    request: Request,
    username: Username,
    role: Annotated[str, Query(max_length=32)],
    zone: Annotated[str | None, Query(max_length=64)] = None,
) -> UserOut:
    with session(write=True) as s:
        accounts.revoke(s, username, role, zone, by=_admin(s, request))
        user = accounts.get_user(s, username)
        s.refresh(user)
        return UserOut(**user_record(user))


@router.post("/users/{username}/disable", summary="Disable a user 停用用户", response_model=UserOut)
def disable(request: Request, username: Username) -> UserOut:
    with session(write=True) as s:
        user = accounts.disable_user(s, username, by=_admin(s, request))
        return UserOut(**user_record(user))


@router.get(
    "/permissions/explain", summary="Why allowed or denied 权限判定说明", response_model=ExplainOut
)
def explain(
    request: Request,
    user: Annotated[str, Query(max_length=64, description="username or 'anonymous'")],
    action: Annotated[str, Query(max_length=64)],
    zone: Annotated[str | None, Query(max_length=64)] = None,
    plan: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    public: bool = False,
) -> ExplainOut:
    """Administrators ask why ``user`` may or may not do ``action`` on a zone's thing."""
    if action not in ACTIONS:
        raise Invalid(f"unknown action {action!r}")
    with session() as s:
        _admin(s, request)
        actor = documents.anonymous_or(s, user)
        if plan is not None:
            resource = documents.resource_of(documents.get_document(s, plan))
        else:
            resource = Resource(action.split(".")[0], zone, public)
        decision = decide(s, actor, action, resource)
    return ExplainOut(allowed=decision.allowed, lines=decision.explain())


def _auditor(s: Any, request: Request) -> None:
    actor = api_actor(s, request, required=True)
    require(s, actor, "audit.read", AUDIT)


@router.get("/audit", summary="Audit chain entries 审计日志", response_model=AuditList)
def audit_entries(
    request: Request,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    entity: Annotated[str | None, Query(max_length=32)] = None,
    entity_id: Annotated[str | None, Query(max_length=128)] = None,
    actor: Annotated[str | None, Query(max_length=128)] = None,
) -> AuditList:
    with session() as s:
        _auditor(s, request)
        rows = [
            AuditOut(**audit.record(e))
            for e in audit.entries(
                s, entity=entity, entity_id=entity_id, actor=actor, after=after, limit=limit
            )
        ]
    nxt = rows[-1].seq if len(rows) == limit else None
    return AuditList(count=len(rows), next_after=nxt, records=rows)


@router.get("/audit/verify", summary="Verify the audit chain 校验审计链", response_model=VerifyOut)
def audit_verify(request: Request) -> VerifyOut:
    with session() as s:
        _auditor(s, request)
        count, broken = audit.verify(s)
    if broken is None:
        return VerifyOut(intact=True, entries=count)
    return VerifyOut(
        intact=False,
        entries=count,
        broken_seq=broken.seq,
        broken_id=broken.id,
        problem=broken.problem,
    )


@router.get(
    "/audit/export",
    summary="Export the audit chain (JSON Lines) 导出审计链",
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def audit_export(request: Request) -> StreamingResponse:
    with session() as s:
        _auditor(s, request)
        lines = [audit.record(e) for e in audit.entries(s)]
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in lines)
    return StreamingResponse(
        iter([body.encode("utf-8")]),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="meili-audit.jsonl"'},
    )
