"""The portal in a real headless Chromium (issue 18): Selenium driving Debian's chromium
through its chromium-driver (no browser download), axe-core from npm injected into the
pages, CJK fonts from Debian (fonts-noto-cjk). Installed by ``.ci/run``.

Screenshots are saved to ``MEILI_TEST_ARTEFACTS`` (default ``test-artefacts/browser`` in the
repository) for people to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from portal_support import PM25, populated_round

from meili.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = Path(os.environ.get("MEILI_TEST_ARTEFACTS", ROOT / "test-artefacts")) / "browser"
PAGES = ("/", "/zones/P-330000", f"/indicators/{PM25}", "/rankings", "/data", "/cases")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None,
        reason="chromium and chromium-driver are not installed (.ci/run installs them)",
    ),
]


@pytest.fixture
def live(store) -> Iterator[str]:
    """The app on a loopback port, with a published round holding values."""
    populated_round()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    urllib.request.urlopen(f"{base}/geo/portal-map.json", timeout=120).read()  # build the map
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, script: str, timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def _shot(driver, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def _console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_map_renders_every_pilot_zone(live: str, browser) -> None:
    zones = json.loads(urllib.request.urlopen(f"{live}/api/v1/zones").read())["records"]
    browser.get(f"{live}/")
    _wait(browser, "return document.getElementById('map').dataset.rendered === 'true'")
    drawn = set(
        browser.execute_script("return document.getElementById('map').dataset.zones;").split()
    )
    assert drawn == {z["code"] for z in zones}
    regions = browser.execute_script(
        "var c = echarts.getInstanceByDom(document.getElementById('map'));"
        "return c.getOption().series[0].data.map(function (d) { return d.zone; });"
    )
    assert set(regions) - {None} == drawn  # each zone is a coloured region of the map series
    assert "示意图" in browser.find_element("css selector", "figure.map figcaption").text
    canvas = browser.find_element("css selector", "#map canvas")
    assert canvas.size["width"] > 600 and canvas.size["height"] > 300
    assert _shot(browser, "home").stat().st_size > 30_000
    assert _console_errors(browser) == []


def test_zone_page_shows_its_indicators(live: str, browser) -> None:
    browser.get(f"{live}/zones/P-330000")
    rows = browser.find_elements("css selector", "tr[data-indicator]")
    assert len(rows) > 5
    pm = browser.find_element("css selector", f'tr[data-indicator="{PM25}"]')
    assert "µg/m³" in pm.text and "↑" in pm.text
    _wait(browser, "return document.getElementById('trend').dataset.rendered === 'true'")
    _shot(browser, "zone")
    assert _console_errors(browser) == []


def test_zh_en_switch(live: str, browser) -> None:
    browser.get(f"{live}/zones/P-330000")
    assert browser.execute_script("return document.documentElement.lang") == "zh-CN"
    browser.find_element("id", "lang-switch").click()
    _wait(browser, "return document.documentElement.lang === 'en'")
    assert "Profile" in browser.find_element("tag name", "h2").text
    browser.get(f"{live}/indicators")  # the choice is kept while browsing
    assert browser.execute_script("return document.documentElement.lang") == "en"
    _shot(browser, "indicators-en")
    browser.find_element("id", "lang-switch").click()
    _wait(browser, "return document.documentElement.lang === 'zh-CN'")
    assert "指标" in browser.find_element("tag name", "h1").text


def test_downloads(live: str, browser, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    browser.get(f"{live}/data")
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    browser.find_element("css selector", 'a[href="/api/v1/data/rounds/r1.zip"]').click()
    archive = folder / "r1.zip"
    deadline = time.monotonic() + 60
    while not archive.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "r1/data-dictionary.csv" in zipfile.ZipFile(archive).namelist()
    status = browser.execute_async_script(
        "var done = arguments[0];"
        f"fetch('/api/v1/data/rounds/r1/verdicts.csv?indicator={PM25}')"
        ".then(function (r) { return r.text().then(function (t) { done([r.status, t]); }); });"
    )
    assert status[0] == 200 and PM25 in status[1]
    assert _console_errors(browser) == []


def test_keyboard_tabs_on_the_indicator_page(live: str, browser) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{live}/indicators/{PM25}")
    _wait(browser, "return document.getElementById('ind-chart').dataset.rendered === 'true'")
    tab = browser.find_element("id", "tab-chart")
    tab.send_keys(Keys.ARROW_RIGHT)
    assert browser.find_element("id", "tab-table").get_attribute("aria-selected") == "true"
    assert browser.find_element("id", "panel-table").is_displayed()
    browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    _wait(browser, "return document.getElementById('map').dataset.rendered === 'true'")
    _shot(browser, "indicator-map")
    assert _console_errors(browser) == []


def test_axe_finds_no_serious_violations(live: str, browser) -> None:
    assert AXE.is_file(), "axe-core is missing: run `npm ci` (.ci/run does)"
    source = AXE.read_text("utf-8")
    found = {}
    for page in PAGES:
        browser.get(f"{live}{page}")
        browser.execute_script(source)
        result = browser.execute_async_script(
            "var done = arguments[0];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(function (r) { done(r.violations.map(function (v) {"
            "  return [v.id, v.impact, v.nodes.length]; })); });"
        )
        serious = [v for v in result if v[1] in ("serious", "critical")]
        if serious:
            found[page] = serious
    assert found == {}
