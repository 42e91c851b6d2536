"""The installed program ``.venv/bin/meili`` exits with the documented code on each command
group's main error path, with one line on stderr (exit codes are lost if the console entry
point drops them, which in-process tests cannot see).

All cases run at once, each a subprocess, against one store initialised once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEILI = Path(sys.executable).with_name("meili")

BAD_FRAMEWORK = "code: x\nversion: '1'\nindicators: []\n"
BAD_STATS = "area_code,year\n330000,2024\n"  # required columns missing: the file fails

# case → (arguments, exit code, text in the one stderr line)
CASES = {
    "usage": (["zones", "list", "--no-such-option"], 2, "No such option"),
    "framework": (["framework", "validate", "{tmp}/bad.yaml"], 1, "1 of 1 framework file"),
    "regions": (["regions", "show", "999999"], 3, "no division with code 999999"),
    "zones": (
        [
            "zones",
            "add",
            "--code",
            "R-JJJ",
            "--name-zh",
            "京津冀",
            "--name-en",
            "JJJ",
            "--tier",
            "region",
            "--members",
            "110000,120000",
        ],
        2,
        "zone R-JJJ exists already",
    ),
    "ingest": (["ingest", "stats", "{tmp}/stats.csv"], 1, "1 of 1 files failed"),
    "data": (["data", "show", "no-such-batch"], 3, "no batch matching"),
    "air": (["air", "daily", "--cities", "不存在市"], 2, "no hourly air data"),
    "water": (["water", "classify", "{tmp}/none.csv"], 2, "none.csv"),
    "noise": (["noise", "compliance"], 2, "noise"),
    "carbon": (["carbon", "intensity", "--base-year", "2020", "--year", "2024"], 2, "--file"),
    "assess": (["assess", "run", "--round", "r1", "--year", "2024"], 1, "0 input batches"),
    "diff": (["assess", "diff", "a", "b"], 3, "no round 'a'"),
    "report": (["report", "X-NOPE", "-f", "html", "-o", "{tmp}/r.html"], 3, "X-NOPE"),
    "report-round": (
        ["report", "R-JJJ", "-f", "pdf", "-o", "{tmp}/r.pdf"],
        3,
        "no assessment round covers zone R-JJJ",
    ),
    "composite": (
        [
            "composite",
            "build",
            "--data",
            "{tmp}/d.csv",
            "--meta",
            "{tmp}/m.csv",
            "--pipeline",
            "{tmp}/p.yaml",
        ],
        2,
        "d.csv",
    ),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    tmp = tmp_path_factory.mktemp("installed")
    (tmp / "bad.yaml").write_text(BAD_FRAMEWORK, "utf-8")
    (tmp / "stats.csv").write_text(BAD_STATS, "utf-8")
    env = {**os.environ, "MEILI_HOME": str(tmp / "home"), "COLUMNS": "120"}
    env.pop("MEILI_DATABASE_URL", None)
    subprocess.run([MEILI, "init"], env=env, check=True, capture_output=True, timeout=300)
    procs = {
        name: subprocess.Popen(
            [MEILI, *[a.format(tmp=tmp) for a in args]],
            env=env,
            cwd=tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, (args, _, _) in CASES.items()
    }
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        out[name] = (proc.returncode, stdout, stderr)
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_exit_code_and_one_line(results: dict, case: str) -> None:
    _, code, text = CASES[case]
    got, _out, err = results[case]
    lines = [x for x in err.splitlines() if x.strip()]
    assert got == code, err
    assert "Traceback" not in err and len(lines) == 1, err
    assert text in lines[0]


def test_two_first_commands_at_once_initialise_once(tmp_path: Path) -> None:
    env = {**os.environ, "MEILI_HOME": str(tmp_path / "home")}
    env.pop("MEILI_DATABASE_URL", None)
    cmd = [MEILI, "regions", "find", "河源", "--format", "json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)]
    procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    ls = subprocess.run(
        [MEILI, "data", "ls", "--format", "json"], env=env, capture_output=True, text=True
    )
    import json

    batches = json.loads(ls.stdout)["records"]
    assert [b["kind"] for b in batches] == ["air-sites"]  # the register, landed once
    info = subprocess.run([MEILI, "info", "--format", "json"], env=env, capture_output=True)
    [fields] = json.loads(info.stdout)
    assert fields["initialised"] is True and fields["home_source"] == "MEILI_HOME"
