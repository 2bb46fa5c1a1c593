"""Import, bulletin and dashboard charts from the web, on real SQLite and PostgreSQL: the
importer's preview and landing, the bulletin's files, the charts and the coverage map."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from importing import row, write_csv
from webclient import api, audit_count, sign_in, world_app
from webworld import World


@pytest.fixture(scope="module")
def app(module_db_url: str) -> Iterator[tuple[World, TestClient]]:
    with world_app(module_db_url) as pair:
        yield pair


def _upload(client: TestClient, world: World, user: str, path: Path) -> dict:  # type: ignore[type-arg]
    with path.open("rb") as fh:
        r = client.post("/api/v1/imports", headers=api(world, user),
                        files={"file": (path.name, fh, "text/csv")},
                        data={"partner": "Alpha"})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_import_preview_then_confirm(app: tuple[World, TestClient], tmp_path: Path) -> None:
    world, client = app
    rows = [row("W1", partner="Alpha"), row("W2", partner="Alpha", sex="q")]
    bad = _upload(client, world, "admin", write_csv(tmp_path / "march.csv", rows))
    assert bad["dry_run"] and not bad["landed"] and bad["errors"] == 1
    problem = bad["problems"][0]
    assert (problem["file"], problem["row"], problem["column"]) == ("march.csv", 3, "sex")
    assert problem["code"] and problem["message"]
    rows[1]["sex"] = "m"
    good = _upload(client, world, "admin", write_csv(tmp_path / "march.csv", rows))
    assert good["errors"] == 0 and good["created"] == 2 and not good["landed"]
    before = client.get("/api/v1/persons", params={"partner_id": world.partner_ids["Alpha"]},
                        headers=api(world, "admin")).json()["items"]
    assert len(before) == 2  # the preview wrote nothing
    other = client.post(f"/api/v1/imports/{good['token']}/confirm",
                        headers=api(world, "kgz_protection"))
    assert other.status_code == 403
    landed = client.post(f"/api/v1/imports/{good['token']}/confirm", headers=api(world, "admin"))
    assert landed.status_code == 200 and landed.json()["landed"] and landed.json()["batch_id"]
    assert client.post(f"/api/v1/imports/{good['token']}/confirm",
                       headers=api(world, "admin")).status_code == 404
    after = client.get("/api/v1/persons", params={"partner_id": world.partner_ids["Alpha"]},
                       headers=api(world, "admin")).json()["items"]
    assert len(after) == 3


def test_import_refusals(app: tuple[World, TestClient], tmp_path: Path) -> None:
    world, client = app
    path = write_csv(tmp_path / "x.csv", [row("Z1", partner="Alpha")])
    before = audit_count(client, "alpha_worker", "refused")
    with path.open("rb") as fh:
        r = client.post("/api/v1/imports", headers=api(world, "alpha_worker"),
                        files={"file": ("x.csv", fh, "text/csv")})
    assert r.status_code == 403 and audit_count(client, "alpha_worker", "refused") == before + 1
    r = client.post("/api/v1/imports", headers=api(world, "admin"),
                    files={"file": ("x.exe", b"MZ", "application/octet-stream")})
    assert r.status_code == 422 and "CSV or XLSX" in r.text
    big = b"record_id\n" + b"x" * (11 * 1024 * 1024)
    r = client.post("/api/v1/imports", headers=api(world, "admin"),
                    files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413


def test_import_page(app: tuple[World, TestClient], tmp_path: Path) -> None:
    _, client = app
    assert sign_in(client, "admin") == 303
    assert client.get("/imports").status_code == 200
    path = write_csv(tmp_path / "page.csv", [row("P1", partner="Beta", admin1="Nowhere")])
    with path.open("rb") as fh:
        r = client.post("/imports", files={"file": ("page.csv", fh, "text/csv")},
                        data={"csrf_token": client.cookies["opendtm_csrf"]})
    assert r.status_code == 200 and "page.csv" in r.text and "admin1" in r.text
    assert "/confirm" not in r.text  # an error: nothing to confirm
    path = write_csv(tmp_path / "page.csv", [row("P1", partner="Beta")])
    with path.open("rb") as fh:
        r = client.post("/imports", files={"file": ("page.csv", fh, "text/csv")},
                        data={"csrf_token": client.cookies["opendtm_csrf"]})
    token = r.text.split("/imports/")[1].split("/confirm")[0]
    r = client.post(f"/imports/{token}/confirm",
                    data={"csrf_token": client.cookies["opendtm_csrf"]})
    assert r.status_code == 200 and "landed" in r.text
    assert sign_in(client, "kgz_protection") == 303
    assert client.get("/imports").status_code == 403


def test_bulletin_build_and_download(app: tuple[World, TestClient]) -> None:
    world, client = app
    r = client.post("/api/v1/bulletins", headers=api(world, "kgz_officer"),
                    json={"countries": ["KGZ"], "language": "ru", "audience": "internal",
                          "formats": ["json", "html", "hxl"]})
    assert r.status_code == 200, r.text
    built = r.json()
    names = [f["name"] for f in built["files"]]
    assert "figures.json" in names and "bulletin-ru.html" in names
    assert any(n.startswith("hxl/") for n in names)
    figures = client.get(next(f["url"] for f in built["files"] if f["name"] == "figures.json"),
                         headers=api(world, "kgz_officer"))
    assert figures.status_code == 200 and figures.json()["audience"] == "internal"
    assert "KGZ" in figures.json()["countries"]
    hxl = next(f["url"] for f in built["files"] if f["name"].startswith("hxl/"))
    assert client.get(hxl, headers=api(world, "kgz_officer")).text.splitlines()[1].startswith("#")
    assert client.get(hxl, headers=api(world, "admin")).status_code == 404  # not the builder's
    assert client.post("/api/v1/bulletins", headers=api(world, "kgz_officer"),
                       json={"countries": ["TJK"]}).status_code == 404
    assert client.post("/api/v1/bulletins", headers=api(world, "alpha_worker"),
                       json={"audience": "internal"}).status_code == 403
    empty = client.post("/api/v1/bulletins", headers=api(world, "admin"),
                        json={"from": "2030-01-01", "formats": ["json"]})
    assert empty.status_code == 422 and "nothing to publish" in empty.text
    assert sign_in(client, "viewer") == 303
    page = client.post("/bulletins", data={"country_KGZ": "true", "format_pdf": "true",
                                           "language": "en", "audience": "public",
                                           "csrf_token": client.cookies["opendtm_csrf"]})
    assert page.status_code == 200 and "bulletin-en.pdf" in page.text
    link = page.text.split('href="/bulletins/')[1].split('"')[0]
    pdf = client.get(f"/bulletins/{link}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_dashboard_charts_and_map(app: tuple[World, TestClient]) -> None:
    world, client = app
    r = client.get("/api/v1/dashboard/charts", params={"country": "KGZ"},
                   headers=api(world, "kgz_officer"))
    assert r.status_code == 200, r.text
    figures = {f["slug"]: f for f in r.json()["figures"]}
    assert "sex" in figures and figures["sex"]["svg"].lstrip().startswith("<svg")
    alpha = client.get("/api/v1/dashboard/charts", headers=api(world, "kgz_officer"),
                       params={"country": "KGZ", "partner_id": world.partner_ids["Alpha"]})
    total = {f["slug"]: f for f in alpha.json()["figures"]}["sex"]["rows"]
    assert sum(x["count"] or 0 for x in total) < sum(x["count"] or 0
                                                     for x in figures["sex"]["rows"])
    assert client.get("/api/v1/dashboard/charts", headers=api(world, "kgz_officer"),
                      params={"country": "KGZ", "partner_id": world.partner_ids["Gamma"]}
                      ).status_code == 404
    assert client.get("/api/v1/dashboard/charts", params={"country": "TJK"},
                      headers=api(world, "kgz_officer")).status_code == 404
    empty = client.get("/api/v1/dashboard/charts", headers=api(world, "admin"),
                       params={"country": "KGZ", "from": "2030-01-01"})
    assert empty.json()["figures"] == []
    assert sign_in(client, "viewer") == 303
    page = client.get("/dashboard/charts", params={"country": "KGZ"},
                      headers={"HX-Request": "true"})
    assert page.status_code == 200 and "<svg" in page.text and "<html" not in page.text
