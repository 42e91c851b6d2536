"""``meili composite build`` / ``uncertainty`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from meili.cli.main import main

ROOT = Path(__file__).resolve().parents[3]
PIPELINE = str(ROOT / "examples" / "coinr-asem.yaml")
PILLARS = ["Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social", "SusEcFin"]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(["composite", *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def asem(shared_dir: Path) -> list[str]:
    base = shared_dir / "data" / "coinr-asem"
    return ["--data", str(base / "asem_iData.csv"), "--meta", str(base / "asem_iMeta.csv")]


@pytest.mark.shared
def test_build_json(capsys: pytest.CaptureFixture[str], asem: list[str]) -> None:
    code, out, _ = _run(capsys, "build", *asem, "--pipeline", PIPELINE, "--format", "json")
    assert code == 0
    payload = json.loads(out)
    records = payload["records"]
    assert payload["pipeline"] == "coinr-asem" and len(records) == 51
    assert list(records[0]) == ["uCode", "Index", "Conn", "Sust", *PILLARS, "Rank"]
    assert [r["Rank"] for r in records] == sorted(r["Rank"] for r in records)
    assert records[0]["Rank"] == 1
    top = max(records, key=lambda r: r["Index"])
    assert top is records[0]
    for r in records:
        assert r["Index"] == pytest.approx((r["Conn"] + r["Sust"]) / 2, rel=1e-12)


@pytest.mark.shared
def test_build_step_and_csv(
    capsys: pytest.CaptureFixture[str], asem: list[str], shared_dir: Path
) -> None:
    code, out, _ = _run(
        capsys, "build", *asem, "--pipeline", PIPELINE, "--format", "json", "--step", "Normalised"
    )
    assert code == 0
    frame = pd.DataFrame(json.loads(out)["records"]).set_index("uCode")
    ref = pd.read_csv(
        shared_dir / "data" / "coinr-asem" / "coinr6-intermediates" / "Normalised.csv"
    ).set_index("uCode")
    assert (frame.loc[ref.index, ref.columns] - ref).abs().max().max() < 1e-6
    code, out, _ = _run(capsys, "build", *asem, "--pipeline", PIPELINE, "--format", "csv", "--raw")
    assert code == 0
    assert out.splitlines()[0] == ",".join(["uCode", "Index", "Conn", "Sust", *PILLARS, "Rank"])
    code, out, _ = _run(capsys, "build", *asem, "--pipeline", PIPELINE)
    assert code == 0 and "CHE" in out


@pytest.mark.shared
def test_uncertainty_json(capsys: pytest.CaptureFixture[str], asem: list[str]) -> None:
    args = (
        "uncertainty",
        *asem,
        "--pipeline",
        PIPELINE,
        "--format",
        "json",
        "--draws",
        "50",
        "--seed",
        "3",
    )
    code, out, _ = _run(capsys, *args)
    assert code == 0
    payload = json.loads(out)
    assert payload["n_runs"] == 250 and payload["seed"] == 3
    assert set(payload["records"][0]) == {
        "uCode",
        "Nominal",
        "Median",
        "Q05",
        "Q95",
        "S_normalisation",
        "S_weights",
        "S_aggregation",
    }
    assert _run(capsys, *args)[1] == out  # seeded: identical output


def _one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.shared
def test_missing_column(
    capsys: pytest.CaptureFixture[str], shared_dir: Path, tmp_path: Path
) -> None:
    base = shared_dir / "data" / "coinr-asem"
    data = tmp_path / "iData.csv"
    pd.read_csv(base / "asem_iData.csv").drop(columns="LPI").to_csv(data, index=False)
    code, _, err = _run(
        capsys,
        "build",
        "--data",
        str(data),
        "--meta",
        str(base / "asem_iMeta.csv"),
        "--pipeline",
        PIPELINE,
        "-f",
        "json",
    )
    _one_line_error(code, err, "iData.csv", "column LPI", "missing column")


def _toy_files(tmp_path: Path) -> list[str]:
    data, meta = tmp_path / "d.csv", tmp_path / "m.csv"
    data.write_text("uCode,a,b\nX,1,2\nY,3,1\nZ,2,2\n", encoding="utf-8")
    meta.write_text(
        "Level,iCode,Direction,Weight,Parent,Type\n1,a,1,1,Index,Indicator\n"
        "1,b,-1,1,Index,Indicator\n2,Index,1,1,,Aggregate\n",
        encoding="utf-8",
    )
    return ["--data", str(data), "--meta", str(meta)]


def test_bad_inputs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    files = _toy_files(tmp_path)
    good = tmp_path / "p.yaml"
    good.write_text("steps:\n  - step: normalise\n  - step: aggregate\n", encoding="utf-8")
    code, out, _ = _run(capsys, "build", *files, "--pipeline", str(good), "-f", "json")
    assert code == 0
    # a: 1,3,2 → 0,100,50; b (−1): 2,1,2 → 0,100,0; Index: X 0, Y 100, Z 25
    assert [(r["uCode"], r["Index"], r["Rank"]) for r in json.loads(out)["records"]] == [
        ("Y", 100.0, 1.0),
        ("Z", 25.0, 2.0),
        ("X", 0.0, 3.0),
    ]

    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - step: normalise\n  - step: wobble\n", encoding="utf-8")
    code, _, err = _run(capsys, "build", *files, "--pipeline", str(bad))
    _one_line_error(code, err, "bad.yaml", "row 3", "unknown step 'wobble'")

    bad.write_text("steps: [\n", encoding="utf-8")
    code, _, err = _run(capsys, "build", *files, "--pipeline", str(bad))
    _one_line_error(code, err, "invalid YAML")

    code, _, err = _run(capsys, "build", *files, "--pipeline", str(tmp_path / "none.yaml"))
    _one_line_error(code, err, "none.yaml", "file not found")

    code, _, err = _run(capsys, "build", *files, "--pipeline", str(good), "--step", "Nope")
    _one_line_error(code, err, "unknown data set 'Nope'")

    code, _, err = _run(capsys, "uncertainty", *files, "--pipeline", str(good))
    _one_line_error(code, err, "no 'uncertainty' section")

    geo = tmp_path / "geo.yaml"
    geo.write_text(
        "steps:\n  - step: normalise\n  - step: aggregate\n    method: geometric\n",
        encoding="utf-8",
    )
    code, _, err = _run(capsys, "build", *files, "--pipeline", str(geo))
    _one_line_error(code, err, "positive")
