"""Self-assessments wrap a computed round; the round becomes public for the zone when the
self-assessment is approved, for every zone when the Ministry publishes it."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run
from fastapi.testclient import TestClient

from meili.assess.rounds import run_round
from meili.web.app import create_app


def test_round_public_after_approval(people: Path, capsys) -> None:
    run_round("r2024", 2024, first_year=2023, allow_empty=True)
    client = TestClient(create_app())
    assert client.get("/api/v1/rounds").json()["count"] == 0
    code, out, err = run(
        ["selfassess", "new", "C-441600", "--round", "r2024", "--as", "hy"], capsys
    )
    assert code == 0, err
    doc_id = out.split("#")[1].split()[0]
    code, out, _ = run(["selfassess", "show", doc_id, "--as", "hy"], capsys)
    assert json.loads(out)["draft"]["round_files"]["verdicts"]  # the round's hashes are kept
    assert run(["selfassess", "submit", doc_id, "--as", "hy"], capsys)[0] == 0
    assert client.get("/api/v1/rounds").json()["count"] == 0  # submitted is not approved
    # 河源市: no province zone above it, the Ministry alone reviews
    code, _, err = run(["selfassess", "approve", doc_id, "--as", "mee"], capsys)
    assert code == 0, err
    body = client.get("/api/v1/rounds").json()
    assert body["records"][0]["public_zones"] == ["C-441600"]
    rows = client.get("/api/v1/rounds/r2024/verdicts").json()["records"]
    assert rows and {r["zone"] for r in rows} == {"C-441600"}  # other zones stay private
    assert "评估轮次 r2024" in client.get("/zones/C-441600").text
    assert "尚无评估轮次" in client.get("/zones/P-330000").text
    code, _, err = run(["selfassess", "publish", "r2024", "--as", "zj"], capsys)
    assert code == 2 and "denied" in err
    assert run(["selfassess", "publish", "r2024", "--as", "mee"], capsys)[0] == 0
    rows = client.get("/api/v1/rounds/r2024/verdicts").json()["records"]
    assert {"C-441600", "P-330000", "R-JJJ"} <= {r["zone"] for r in rows}
    code, _, err = run(["selfassess", "new", "C-441600", "--round", "nope", "--as", "hy"], capsys)
    assert code == 3
