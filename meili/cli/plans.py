"""``meili plans`` and ``meili selfassess``: implementation plans (实施方案) and
self-assessments (自评估) with tiered review. Both groups share one set of commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from meili.assess.rounds import round_file_hashes, scan_rounds
from meili.cli.acting import AsOption, acting
from meili.cli.common import Shown, emit, listing
from meili.db.session import session
from meili.errors import NotFoundError, UserError
from meili.textfile import read_text
from meili.workflow import documents, review
from meili.workflow.publication import publish_round
from meili.workflow.roles import ANONYMOUS
from meili.yamlfile import parse_yaml, plain

LIST_COLUMNS = ["id", "zone", "title", "state", "version", "lock", "updated_at"]
Lock = Annotated[
    int | None,
    typer.Option("--lock", help="The lock you read (fails if it changed meanwhile). 版本锁"),
]


def _content(path: Path) -> Any:
    """A document's content from a YAML or JSON file."""
    text = read_text(path)
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise UserError(f"{path}: not JSON ({exc})") from None
    return plain(parse_yaml(text, str(path)))


def build(kind: str, label: str) -> typer.Typer:
    app = typer.Typer(help=label, no_args_is_help=True)
    what = kind.replace("_", "-")

    def doc_of(s, doc_id: int):  # type: ignore[no-untyped-def]
        return documents.get_document(s, doc_id, kind)

    if kind == "plan":

        @app.command()
        def new(
            zone: str,
            title: Annotated[str, typer.Option(help="Title. 标题")],
            file: Annotated[Path | None, typer.Option(help="Content (YAML/JSON). 内容")] = None,
            as_user: AsOption = None,
        ) -> None:
            """Start a draft plan for a zone. 新建实施方案草稿。"""
            data = _content(file) if file else {}
            with session(write=True) as s:
                doc = documents.create(s, acting(s, as_user), kind, zone, title, data)
                typer.echo(f"created plan #{doc.id} (draft, lock {doc.lock})")

    else:

        @app.command()
        def new(
            zone: str,
            round_name: Annotated[str, typer.Option("--round", help="Round it wraps. 评估轮次")],
            title: Annotated[str, typer.Option(help="Title. 标题")] = "",
            file: Annotated[Path | None, typer.Option(help="Narrative (YAML/JSON). 叙述")] = None,
            as_user: AsOption = None,
        ) -> None:
            """Start a self-assessment wrapping a computed round. 新建自评估草稿。"""
            data = _content(file) if file else {}
            data = {**data, "round": round_name, "round_files": round_file_hashes(round_name)}
            with session(write=True) as s:
                doc = documents.create(
                    s, acting(s, as_user), kind, zone, title or f"{zone} 自评估 {round_name}", data
                )
                typer.echo(f"created self-assessment #{doc.id} (draft, lock {doc.lock})")

        @app.command()
        def publish(round_name: str, as_user: AsOption = None) -> None:
            """Publish a Ministry-wide round for every zone (Ministry). 发布评估轮次。"""
            names = {m["round"] for m in scan_rounds()[0]}
            if round_name not in names:
                raise NotFoundError(f"no round {round_name!r}; see `meili assess rounds`")
            with session(write=True) as s:
                publish_round(s, acting(s, as_user), round_name)
            typer.echo(f"published round {round_name} for every zone")

    @app.command("list")
    @listing
    def list_cmd(
        shown: Shown,
        zone: Annotated[str | None, typer.Option(help="Only this zone. 先行区")] = None,
        state: Annotated[str | None, typer.Option(help="Only this state. 状态")] = None,
        as_user: AsOption = None,
    ) -> None:
        """Documents you may see (without --as: what the public sees). 列表。"""
        with session() as s:
            actor = acting(s, as_user) if as_user else ANONYMOUS
            found = documents.listing(s, actor, kind=kind, zone=zone, state=state, limit=10_000)
            rows = [documents.record(d) for d in found]
        emit(rows, shown, columns=LIST_COLUMNS, sheet=kind, empty=f"no {what}s you may see")

    @app.command()
    def show(
        doc_id: int,
        version: Annotated[int | None, typer.Option(help="A submitted version. 版本")] = None,
        as_user: AsOption = None,
    ) -> None:
        """Show a document (the draft, or a submitted version) as JSON. 查看。"""
        with session() as s:
            actor = acting(s, as_user)
            doc = doc_of(s, doc_id)
            documents.require_read(s, actor, doc)
            out = documents.record(doc)
            if version is not None:
                out["content"] = documents.version(s, doc, version).content
            elif documents.allowed(
                s, actor, f"{documents.prefix(doc)}.read_draft", documents.resource_of(doc)
            ):
                out["draft"] = doc.draft
            out["chain"] = review.chain_status(s, doc) if doc.current_version else []
            out["reviews"] = review.history(s, doc)
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))

    @app.command()
    def edit(
        doc_id: int,
        file: Annotated[Path, typer.Option(help="New content (YAML/JSON). 内容")],
        title: Annotated[str | None, typer.Option(help="New title. 标题")] = None,
        lock: Lock = None,
        as_user: AsOption = None,
    ) -> None:
        """Replace the draft. 编辑草稿。"""
        data = _content(file)
        with session(write=True) as s:
            doc = doc_of(s, doc_id)
            if kind == "self_assessment":
                data = {
                    **data,
                    "round": doc.round_name,
                    "round_files": doc.draft.get("round_files", {}),
                }
            documents.edit(s, acting(s, as_user), doc, data, title=title, expected=lock)
            typer.echo(f"edited {what} #{doc_id} (lock {doc.lock})")

    @app.command()
    def attach(doc_id: int, file: Path, as_user: AsOption = None) -> None:
        """Attach a PDF, DOCX or XLSX to the draft. 上传附件。"""
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read {file}: {exc.strerror}") from None
        with session(write=True) as s:
            entry = documents.attach(s, acting(s, as_user), doc_of(s, doc_id), data, file.name)
        typer.echo(f"attached {entry['filename']} ({entry['size']} bytes) to {what} #{doc_id}")

    def _verb(name: str, fn, help_text: str, needs_reason: bool = False) -> None:  # type: ignore[no-untyped-def]
        def command(
            doc_id: int,
            reason: Annotated[str, typer.Option(help="Reason. 理由")] = "",
            lock: Lock = None,
            as_user: AsOption = None,
        ) -> None:
            with session(write=True) as s:
                doc = doc_of(s, doc_id)
                actor = acting(s, as_user)
                if needs_reason:
                    fn(s, actor, doc, reason, expected=lock)
                else:
                    fn(s, actor, doc, expected=lock)
                typer.echo(
                    f"{what} #{doc_id}: {doc.state} "
                    f"(version {doc.current_version}, lock {doc.lock})"
                )

        command.__doc__ = help_text
        app.command(name)(command)

    _verb("submit", documents.submit, "Submit the draft as a new version. 提交。")
    _verb("withdraw", documents.withdraw, "Withdraw a document in review. 撤回。")
    _verb("approve", review.approve, "Approve at your level of the chain. 审核通过。")
    _verb("return", review.return_, "Return to the zone with --reason. 退回。", needs_reason=True)

    @app.command()
    def reopen(
        doc_id: int,
        level: Annotated[str, typer.Option(help="The lower level to re-open. 层级")],
        reason: Annotated[str, typer.Option(help="Reason. 理由")] = "",
        lock: Lock = None,
        as_user: AsOption = None,
    ) -> None:
        """Re-open a lower level's approval (with --reason). 重新打开下级审核。"""
        with session(write=True) as s:
            doc = doc_of(s, doc_id)
            review.reopen(s, acting(s, as_user), doc, level, reason, expected=lock)
            typer.echo(f"{what} #{doc_id}: {doc.state} at {level}")

    @app.command()
    def comment(
        doc_id: int,
        section: Annotated[str, typer.Option(help="Section, e.g. targets. 章节")],
        text: Annotated[str, typer.Option(help="The comment. 意见")],
        version: Annotated[int | None, typer.Option(help="Version (default current)")] = None,
        as_user: AsOption = None,
    ) -> None:
        """Comment on a section of a submitted version. 分节意见。"""
        with session(write=True) as s:
            row = review.comment(s, acting(s, as_user), doc_of(s, doc_id), section, text, version)
        typer.echo(f"comment #{row.id} on {section}")

    @app.command()
    def diff(
        doc_id: int,
        version: Annotated[int | None, typer.Option(help="Version (default current)")] = None,
        as_user: AsOption = None,
    ) -> None:
        """What changed in a version against the one before. 版本差异。"""
        with session() as s:
            doc = doc_of(s, doc_id)
            documents.require_read(s, acting(s, as_user), doc)
            changes = documents.version_diff(s, doc, version or doc.current_version)
        if not changes:
            typer.echo("no changes")
        for c in changes:
            typer.echo(f"== {c['section']} ({c['change']})")
            for line in c["diff"]:
                typer.echo(line)

    return app


plans = build("plan", "Implementation plans and their tiered review. 实施方案与分级审核。")
selfassess = build("self_assessment", "Self-assessments wrapping computed rounds. 自评估。")
app = plans
