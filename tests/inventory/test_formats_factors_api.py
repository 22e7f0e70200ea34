"""/api/v1/inventory/compile/with-factors: a factor file applied through the API, or refused
with the row that matched nothing (issue #9, item 1)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.inventory.test_api_inventory import client, login, settings  # noqa: F401 - fixtures

HEADER = "category,item,gas,parameter,value,unit\n"


def test_factor_file_applies_and_results_say_so(client: TestClient) -> None:  # noqa: F811
    """Natural gas at 2.17 kg CO2/m³: 1 亿m³ in 越城区 2021 → 217,000 t, path ef_physical."""
    token = login(client, "sxo")
    r = client.post("/api/v1/inventory/compile/with-factors",
                    files={"factors": ("f.csv", (HEADER + "1.A,天然气,CO2,ef,2.17,kg/m^3\n")
                                       .encode())},
                    data={"years": "2021"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    res = client.get(f"/api/v1/inventory/runs/{rid}/results",
                     params={"region": "330602", "year": 2021, "gas": "CO2"}).json()
    gas = [row for row in res["rows"] if row["item"] == "natural_gas" and not row["memo"]]
    assert len(gas) == 1
    assert abs(gas[0]["emissions_t"] - 1e8 * 2.17 / 1000) < 1e-6
    assert gas[0]["factor_path"] == "ef_physical"
    assert gas[0]["override_rows"] == "f.csv#2"
    assert gas[0]["provisional"] is False
    coal = [row for row in res["rows"] if row["item"] == "raw_coal" and not row["memo"]]
    assert coal and coal[0]["factor_path"] == "ncv×cc×ox"


def test_a_row_matching_nothing_is_refused_with_its_row(client: TestClient) -> None:  # noqa: F811
    token = login(client, "sxo")
    body = HEADER + "1.A,天然气,CO2,ef,2.17,kg/m^3\n2.B.3,己二酸,N2O,ef,300,kg/t\n"
    r = client.post("/api/v1/inventory/compile/with-factors",
                    files={"factors": ("f.csv", body.encode())},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 422, r.text
    text = r.text
    assert "f.csv" in text and "2.B.3" in text and '"row":3' in text.replace(" ", "")
    runs = client.get("/api/v1/inventory/runs").json()["runs"]
    assert runs == []  # nothing stored
