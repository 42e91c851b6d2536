"""Open data in Datasette's conventions (issue 18 item 2)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from portal_support import PM25, populated_round

from meili.web.app import create_app


@pytest.fixture
def client(store) -> TestClient:
    populated_round()
    return TestClient(create_app())


URL = "/api/v1/data/rounds/r1/verdicts"


def test_rows_are_objects_by_default_and_pages_follow_opaque_tokens(client: TestClient) -> None:
    first = client.get(f"{URL}.json", params={"_size": 50}).json()
    assert isinstance(first["rows"][0], dict) and first["columns"][0] == "zone"
    total, seen, nxt = first["filtered_table_rows_count"], list(first["rows"]), first["next"]
    assert total > 50 and nxt and "r1" not in nxt
    while nxt:
        page = client.get(f"{URL}.json", params={"_size": 50, "_next": nxt}).json()
        seen += page["rows"]
        nxt = page["next"]
    keys = {(r["zone"], r["indicator"]) for r in seen}
    assert len(seen) == total == len(keys)  # every row once, none twice
    assert client.get(f"{URL}.json", params={"_next": "garbage!"}).status_code == 400


def test_shapes(client: TestClient) -> None:
    arrays = client.get(f"{URL}.json", params={"_shape": "arrays", "_size": 3}).json()
    assert isinstance(arrays["rows"][0], list) and len(arrays["rows"][0]) == len(arrays["columns"])
    bare = client.get(f"{URL}.json", params={"_shape": "array", "_size": 3}).json()
    assert isinstance(bare, list) and set(bare[0]) == set(arrays["columns"])
    assert client.get(f"{URL}.json", params={"_shape": "nope"}).status_code == 400


def test_filters_and_facets(client: TestClient) -> None:
    body = client.get(
        f"{URL}.json", params={"indicator": PM25, "value__gt": 25, "_facet": "status"}
    ).json()
    rows = body["rows"]
    assert rows and all(r["indicator"] == PM25 and r["value"] > 25 for r in rows)
    assert body["facet_results"]["status"]["results"] == [{"value": "not_met", "count": len(rows)}]
    some = client.get(f"{URL}.json", params={"zone__in": "R-JJJ,P-330000", "_size": "max"}).json()
    assert {r["zone"] for r in some["rows"]} == {"R-JJJ", "P-330000"}
    sort = client.get(
        f"{URL}.json", params={"indicator": PM25, "_sort_desc": "value", "_size": 2}
    ).json()
    assert sort["rows"][0]["value"] >= sort["rows"][1]["value"]
    assert client.get(f"{URL}.json", params={"nope": 1}).status_code == 400
    assert client.get(f"{URL}.json", params={"zone__like": 1}).status_code == 400


def test_csv_xlsx_parquet_hold_the_same_rows(client: TestClient) -> None:
    params = {"indicator": PM25}
    want = client.get(f"{URL}.json", params={**params, "_size": "max"}).json()["rows"]
    raw = client.get(f"{URL}.csv", params=params)
    assert raw.headers["content-type"].startswith("text/csv") and raw.content[:3] == b"\xef\xbb\xbf"
    csv = pd.read_csv(io.StringIO(raw.content.decode("utf-8-sig")))
    xlsx = load_workbook(io.BytesIO(client.get(f"{URL}.xlsx", params=params).content)).active
    parquet = pd.read_parquet(io.BytesIO(client.get(f"{URL}.parquet", params=params).content))
    assert len(csv) == len(parquet) == xlsx.max_row - 1 == len(want)
    assert sorted(csv["value"]) == sorted(r["value"] for r in want) == sorted(parquet["value"])


def test_round_archive_has_tables_dictionary_and_licence(client: TestClient) -> None:
    raw = client.get("/api/v1/data/rounds/r1.zip")
    assert raw.status_code == 200 and raw.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(raw.content))
    names = set(zf.namelist())
    for table in ("values", "verdicts", "progress", "comparison"):
        assert {f"r1/{table}.csv", f"r1/{table}.parquet"} <= names
    dictionary = pd.read_csv(zf.open("r1/data-dictionary.csv"), encoding="utf-8-sig")
    verdicts = pd.read_parquet(io.BytesIO(zf.read("r1/verdicts.parquet")))
    listed = set(dictionary.loc[dictionary["table"] == "verdicts", "column"])
    assert listed == set(verdicts.columns)
    assert "CC-BY-4.0" in zf.read("r1/LICENCE.txt").decode()
    assert "geometry" in zf.read("r1/LICENCE.txt").decode()  # said to be left out


def test_catalogue_and_registry_tables(client: TestClient) -> None:
    cat = client.get("/api/v1/data").json()
    assert [t["name"] for t in cat["tables"]] == ["zones", "indicators", "methods", "rounds"]
    assert cat["rounds"][0]["archive"] == "/api/v1/data/rounds/r1.zip"
    zones = client.get("/api/v1/data/zones.json", params={"tier": "region"}).json()
    assert zones["filtered_table_rows_count"] == 5
    ind = client.get("/api/v1/data/indicators.json", params={"code": PM25}).json()["rows"]
    assert ind[0]["method"] and ind[0]["target_zh"]
    page = client.get("/data").text
    assert "/api/v1/data/rounds/r1.zip" in page and "CC-BY-4.0" in page
