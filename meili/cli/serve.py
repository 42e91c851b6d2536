"""``meili serve``: run the web app (API, docs and portal) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer


def run_server(host: str, port: int) -> None:
    import uvicorn

    from meili.web.app import create_app

    typer.echo(
        f"Meili portal 门户: http://{host}:{port}/   API docs 接口文档: http://{host}:{port}/docs"
    )
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


def register(root: typer.Typer) -> None:
    @root.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port.")] = 8000,
    ) -> None:
        """Start the web app: JSON API, OpenAPI docs and portal pages. 启动网站与接口。"""
        run_server(host, port)
