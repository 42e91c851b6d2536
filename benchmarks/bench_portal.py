"""Benchmark: the home page with its map to first paint, beside a static page of the same size.

Starts ``uvicorn meili.web.app:create_app`` on loopback with a fresh initialised store (the
sample zones), builds the map once (the disk cache a running portal has), then loads in
headless Chromium (Debian's chromium through chromium-driver, the browser cache off, every
load cold) alternately:

* the home page, timed from navigation start to the map's first paint (ECharts' ``finished``
  event, which the page marks with ``data-rendered``), with its first contentful paint;
* the baseline: one static HTML page, served by a plain static file server on loopback in the
  same run, of the same number of bytes as everything the home page transfers (HTML, CSS,
  scripts, map GeoJSON — as the server sends them, gzip included), timed to its first
  contentful paint and to its load event (every byte in).

Prints the medians and the ratio of the map's first paint to the baseline's first paint.
Goal: map painted ≤ 3 × the static page's first paint.
Usage: ``python benchmarks/bench_portal.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

GOAL = 3.0
MARK = """
window.__meili = {};
new MutationObserver(function (changes) {
  changes.forEach(function (c) {
    if (c.attributeName === 'data-rendered' && c.target.id === 'map' && !window.__meili.map) {
      window.__meili.map = performance.now();
    }
  });
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-rendered']});
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        raise SystemExit("needs Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": MARK})
    return browser


def _transferred(browser) -> int:
    """Bytes the last page load transferred (every resource, as sent)."""
    return int(
        browser.execute_script(
            "var n = performance.getEntriesByType('navigation')[0].transferSize;"
            "performance.getEntriesByType('resource').forEach(function (r) {"
            "  n += r.transferSize; });"
            "return n;"
        )
    )


def _poll(browser, script: str, timeout: float = 60) -> float:
    end = time.time() + timeout
    while time.time() < end:
        value = browser.execute_script(script)
        if value:
            return float(value)
        time.sleep(0.02)
    raise SystemExit(f"timed out: {script}")


FCP = (
    "var e = performance.getEntriesByName('first-contentful-paint')[0];"
    "return e ? e.startTime : null;"
)
LOAD = (
    "var n = performance.getEntriesByType('navigation')[0];"
    "return n && n.loadEventEnd > 0 ? n.loadEventEnd : null;"
)


class Quiet(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log every request."""

    def log_message(self, format: str, *args: object) -> None:
        return


def _static_page(folder: Path, size: int) -> None:
    """An HTML page of ``size`` bytes: a heading and paragraphs of text."""
    head = "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>s</title></head>"
    body = "<body><h1>Static baseline</h1>"
    para = "<p>" + "lorem ipsum dolor sit amet " * 20 + "</p>\n"
    tail = "</body></html>"
    n = max(0, size - len(head) - len(body) - len(tail))
    text = head + body + para * (n // len(para)) + "x" * (n % len(para)) + tail
    (folder / "static.html").write_text(text, "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MEILI_HOME": str(Path(tmp) / "home")}
        env.pop("MEILI_DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-c", "from meili import bootstrap; bootstrap.initialise()"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "meili.web.app:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                "--no-access-log",
            ],
            env=env,
        )  # fmt: skip
        static_dir = Path(tmp) / "static"
        static_dir.mkdir()
        handler = functools.partial(Quiet, directory=str(static_dir))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        browser = None
        try:
            _wait(port, server)
            base = f"http://127.0.0.1:{port}"
            t0 = time.perf_counter()
            urllib.request.urlopen(f"{base}/geo/portal-map.json", timeout=300).read()
            build = time.perf_counter() - t0
            browser = _browser()
            browser.get(f"{base}/")  # warm the server's answers
            _poll(browser, "return window.__meili.map || null;")
            size = _transferred(browser)
            _static_page(static_dir, size)
            static_url = f"http://127.0.0.1:{httpd.server_address[1]}/static.html"
            home: dict[str, list[float]] = {"fcp": [], "map": []}
            static: dict[str, list[float]] = {"fcp": [], "load": []}
            for _ in range(args.runs):
                browser.get(f"{base}/")
                home["map"].append(_poll(browser, "return window.__meili.map || null;"))
                home["fcp"].append(_poll(browser, FCP))
                browser.get(static_url)
                static["load"].append(_poll(browser, LOAD))
                static["fcp"].append(_poll(browser, FCP))
        finally:
            if browser is not None:
                browser.quit()
            httpd.shutdown()
            server.terminate()
            server.wait(timeout=30)
    med = {f"home {k}": float(np.median(v)) for k, v in home.items()}
    med |= {f"static {k}": float(np.median(v)) for k, v in static.items()}
    print(f"map built once   {build:.1f} s (then kept on disk and in memory)")
    print(f"bytes            home page with its map {size:,} transferred; static page the same")
    print(f"runs             {args.runs} cold loads each (browser cache off), loopback")
    home_line = f"first paint {med['home fcp']:.0f} ms, map painted {med['home map']:.0f} ms"
    static_line = f"first paint {med['static fcp']:.0f} ms, loaded {med['static load']:.0f} ms"
    print(f"home             {home_line}")
    print(f"static page      {static_line}")
    ratio = med["home map"] / med["static fcp"]
    verdict = "ok" if ratio <= GOAL else "MISSED"
    print(
        f"ratio            map painted / static first paint = {ratio:.2f} (goal ≤ {GOAL}) {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
