"""The zones page in a real headless Chromium (installed by .ci/run from Debian packages)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from meili.web.app import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(store):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_zones_page_in_chromium(live_server: str, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    shot = tmp_path / "zones.png"
    base = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*base, "--dump-dom", f"{live_server}/"],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    ).stdout
    assert "美丽中国先行区名录" in dom and "Pilot zones" in dom
    assert dom.count('<tr class="status-') >= 11  # 5 regional + 6 sample zones
    subprocess.run(
        [*base, "--window-size=1280,900", f"--screenshot={shot}", f"{live_server}/"],
        capture_output=True,
        timeout=90,
        check=True,
    )
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank image
