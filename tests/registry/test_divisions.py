"""The bundled division list: counts, parents, history and year semantics against the source."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from meili.registry.divisions import (
    COLUMNS,
    bundle_sha256,
    data_file,
    division_rows,
    load_current_list,
    load_divisions,
    name_stem,
    successor_codes,
)

# Counts of the 2024 list as published by the source (yescallop/areacodes).
PROVINCES_2024 = 34  # 31 provinces + 香港, 澳门, 台湾
PREFECTURES_2024 = 333
COUNTIES_2024 = 2846
HISTORY_ROWS = 6823


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _by_code(code: str) -> list[dict[str, object]]:
    frame = load_divisions()
    return frame[frame["code"] == code].to_dict("records")


def test_columns_and_size() -> None:
    frame = load_divisions()
    assert list(frame.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert len(frame) == HISTORY_ROWS
    assert not frame.duplicated(["code", "valid_from"]).any()
    assert set(frame["level"]) == {"province", "prefecture", "county"}
    assert set(frame["status"]) == {"active", "renamed", "retired"}
    assert (frame["current"] == (frame["status"] == "active")).all()
    assert frame.loc[frame["current"], "valid_to"].isna().all()
    assert frame.loc[~frame["current"], "valid_to"].notna().all()


def test_bundled_counts_literal() -> None:
    current = load_divisions().query("current")
    assert current["level"].value_counts().to_dict() == {
        "province": PROVINCES_2024,
        "prefecture": PREFECTURES_2024,
        "county": COUNTIES_2024,
    }
    assert current["code"].is_unique
    assert {"710000", "810000", "820000"} <= set(current.query("level == 'province'")["code"])


def test_counts_match_source(shared_dir: Path) -> None:
    src = shared_dir / "data" / "adcodes"
    listed = Counter(r["level"] for r in _read(src / "mca_codes_2024_with_parents.csv"))
    in_use = Counter(r["级别"] for r in _read(src / "result.csv") if r["状态"] == "在用")
    current = load_divisions().query("current")["level"].value_counts().to_dict()
    assert current == dict(listed)
    assert current == {
        "province": in_use["省级"],
        "prefecture": in_use["地级"],
        "county": in_use["县级"],
    }
    assert sum(current.values()) == len(
        (src / "data" / "2024.txt").read_text(encoding="utf-8").split("\n")[:-1]
    )


@pytest.mark.parametrize("name", ["result.csv", "mca_codes_2024_with_parents.csv", "LICENSE"])
def test_bundled_files_are_the_source(shared_dir: Path, name: str) -> None:
    assert data_file(name).read_bytes() == (shared_dir / "data" / "adcodes" / name).read_bytes()


def test_attribution_is_bundled() -> None:
    text = data_file("ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "yescallop/areacodes" in text and "CC0" in text
    assert "CC0 1.0 Universal" in data_file("LICENSE").read_text(encoding="utf-8")


def test_year_semantics_match_yearly_lists(shared_dir: Path) -> None:
    frame = load_divisions()
    for year in (1981, 1997, 2009, 2010, 2024):
        lines = (shared_dir / "data" / "adcodes" / "data" / f"{year}.txt").read_text("utf-8")
        expected = {line.split()[0] for line in lines.splitlines() if line.strip()}
        valid = (frame["valid_from"] <= year) & (
            frame["valid_to"].isna() | (frame["valid_to"] > year)
        )
        assert set(frame.loc[valid, "code"]) == expected, year


@pytest.mark.parametrize(
    ("code", "name", "level", "parent"),
    [
        ("110000", "北京市", "province", None),
        ("110101", "东城区", "county", "110000"),  # district of a municipality
        ("500101", "万州区", "county", "500000"),
        ("429004", "仙桃市", "county", "420000"),  # 省直辖县级行政单位
        ("469001", "五指山市", "county", "460000"),
        ("441600", "河源市", "prefecture", "440000"),
        ("441621", "紫金县", "county", "441600"),  # a normal county
    ],
)
def test_parents(code: str, name: str, level: str, parent: str | None) -> None:
    [row] = [r for r in _by_code(code) if r["current"]]
    assert (row["name"], row["level"], row["parent_code"]) == (name, level, parent)
    assert row["province_code"] == code[:2] + "0000"


def test_current_parents_follow_2024_list(shared_dir: Path) -> None:
    listed = {
        r["code"]: (r["prefecture_code"] if r["level"] == "county" else "") or r["province_code"]
        for r in _read(shared_dir / "data" / "adcodes" / "mca_codes_2024_with_parents.csv")
        if r["level"] != "province"
    }
    current = load_divisions().query("current and level != 'province'")
    assert dict(zip(current["code"], current["parent_code"], strict=True)) == listed
    # The rule used for past rows (二级行政区 直辖 → province, else the prefecture) agrees.
    by_rule = {
        r["代码"]: r["代码"][:2] + "0000"
        if r["级别"] == "地级" or r["二级行政区"] == "直辖"
        else r["代码"][:4] + "00"
        for r in _read(shared_dir / "data" / "adcodes" / "result.csv")
        if r["状态"] == "在用" and r["级别"] != "省级"
    }
    assert by_rule == listed
    assert load_current_list().set_index("code")["parent_code"].dropna().to_dict() == listed


def test_every_parent_existed_at_the_time() -> None:
    frame = load_divisions().reset_index(names="row")
    child = frame[frame["parent_code"].notna()].assign(
        last_year=lambda f: f["valid_to"].fillna(2025).astype(int) - 1
    )
    pairs = child.merge(frame, left_on="parent_code", right_on="code", suffixes=("", "_p"))
    alive = (pairs["valid_from_p"] <= pairs["last_year"]) & (
        pairs["valid_to_p"].isna() | (pairs["valid_to_p"] > pairs["last_year"])
    )
    ok = alive.groupby(pairs["row"]).any().reindex(child["row"], fill_value=False)
    assert ok.all(), child.set_index("row").loc[~ok.to_numpy(), ["code", "parent_code"]]


def test_history_of_chongwen() -> None:
    [row] = _by_code("110103")
    assert row["name"] == "崇文区"
    assert (row["status"], row["valid_from"], row["valid_to"]) == ("retired", 1981, 2010)
    assert row["successor_code"] == "110101"
    assert not row["current"]


def test_renamed_code_keeps_every_version() -> None:
    rows = _by_code("120113")
    assert [(r["name"], r["status"], r["valid_from"]) for r in rows] == [
        ("北郊区", "renamed", 1981),
        ("北辰区", "active", 1992),
    ]
    assert rows[0]["successor_code"] == "120113" and rows[0]["valid_to"] == 1992


def test_successor_codes_and_name_stem() -> None:
    assert successor_codes("410502[2002];410503[2002];410503[2017]") == ["410502", "410503"]
    assert successor_codes("") == []
    assert name_stem("河源市") == "河源"
    assert name_stem("新疆维吾尔自治区") == "新疆维吾尔"
    assert name_stem("神农架林区") == "神农架"
    assert name_stem("东城区") == "东城"
    assert name_stem("市") == "市" and name_stem("城区") == "城区"


def test_rows_are_plain_and_fit_the_table() -> None:
    rows = division_rows()
    assert len(rows) == HISTORY_ROWS
    assert all(len(r["successor_code"] or "") <= 64 for r in rows)
    assert all(len(str(r["name"])) <= 64 for r in rows)
    assert {type(r["valid_from"]) for r in rows} == {int}
    assert {type(r["valid_to"]) for r in rows} == {int, type(None)}
    assert {type(r["current"]) for r in rows} == {bool}


def test_bundle_hash_is_stable() -> None:
    assert bundle_sha256() == bundle_sha256()
    assert len(bundle_sha256()) == 64
