"""Families, screening, referrals and consultation contacts through the JSON API and the
pages, on real SQLite and PostgreSQL: one code path, the scope of each role, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from opendtm.domain.taxonomy import CaseStatus
from opendtm.store.database import unit_of_work
from opendtm.store.models import Case, Person, Screening
from webclient import api, audit_count, sign_in, world_app
from webworld import World


@pytest.fixture(scope="module")
def app(module_db_url: str) -> Iterator[tuple[World, TestClient]]:
    with world_app(module_db_url) as pair:
        yield pair


def _family_id(world: World, client: TestClient) -> int:
    r = client.get(f"/api/v1/persons/{world.persons['A-1']}", headers=api(world, "admin"))
    return int(r.json()["family"]["id"])


def test_families_list_and_page(app: tuple[World, TestClient]) -> None:
    world, client = app
    r = client.get("/api/v1/families", headers=api(world, "alpha_worker"))
    assert r.status_code == 200
    assert [(f["family_code"], f["members"]) for f in r.json()["items"]] == [("FAM-1", 2)]
    assert client.get("/api/v1/families", params={"q": "FAM"},
                      headers=api(world, "beta_worker")).json()["items"] == []
    assert client.get("/api/v1/families", params={"q": "XYZ"},
                      headers=api(world, "admin")).json()["items"] == []
    fid = _family_id(world, client)
    before = audit_count(client, "alpha_worker", "read")
    detail = client.get(f"/api/v1/families/{fid}", headers=api(world, "alpha_worker")).json()
    assert {m["beneficiary_id"] for m in detail["members"]} == {"A-1", "A-2"}
    assert detail["members"][0]["identity"]["family_name"].startswith("Осмоналиев")
    assert audit_count(client, "alpha_worker", "read") == before + 1
    officer = client.get(f"/api/v1/families/{fid}", headers=api(world, "kgz_officer")).json()
    assert all(m.get("identity") is None for m in officer["members"])
    assert sign_in(client, "alpha_worker") == 303
    page = client.get(f"/families/{fid}")
    assert page.status_code == 200 and "Айгуль" in page.text and "A-2" in page.text


def test_assistance_for_the_whole_family_one_record_per_member(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    fid = _family_id(world, client)
    body = {"type": "return", "delivered_on": "2021-04-02", "return_from": "Russia",
            "return_to": "KGZ", "transport_mode": "air", "record_id": "FAMRET"}
    r = client.post(f"/api/v1/families/{fid}/assistance", json=body,
                    headers=api(world, "alpha_worker"))
    assert r.status_code == 201, r.text
    items = r.json()["items"]
    assert sorted(i["person_id"] for i in items) == sorted(
        [world.persons["A-1"], world.persons["A-2"]])
    assert {i["record_id"] for i in items} == {"FAMRET-1", "FAMRET-2"}
    once = client.post(f"/api/v1/families/{fid}/assistance",
                       json={**body, "record_id": "HH", "each_member": False},
                       headers=api(world, "alpha_worker")).json()["items"]
    assert len(once) == 1 and once[0]["family_id"] == fid and once[0]["person_id"] is None
    bad = client.post(f"/api/v1/families/{fid}/assistance",
                      json={**body, "return_to": None, "record_id": "X"},
                      headers=api(world, "alpha_worker"))
    assert bad.status_code == 422
    again = client.post(f"/api/v1/families/{fid}/assistance", json=body,
                        headers=api(world, "alpha_worker"))
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["body", "record_id"]
    rows = client.get(f"/api/v1/families/{fid}", headers=api(world, "alpha_worker")).json()
    assert sum(a["record_id"].startswith("FAMRET") for a in rows["assistance"]) == 2


def test_family_assistance_through_the_page(app: tuple[World, TestClient]) -> None:
    world, client = app
    fid = _family_id(world, client)
    assert sign_in(client, "alpha_worker") == 303
    csrf = client.cookies["opendtm_csrf"]
    r = client.post(f"/families/{fid}/assistance", follow_redirects=False,
                    data={"type": "food", "delivered_on": "2021-05-01", "each_member": "true",
                          "csrf_token": csrf})
    assert r.status_code == 303
    r = client.post(f"/families/{fid}/assistance",
                    data={"type": "return", "delivered_on": "2021-05-01", "csrf_token": csrf})
    assert r.status_code == 422 and "destination" in r.text


def test_screening_hides_and_refuses_sensitive_findings(app: tuple[World, TestClient]) -> None:
    world, client = app
    pid = world.persons["A-1"]
    worker = client.get(f"/api/v1/persons/{pid}/screenings",
                        headers=api(world, "alpha_worker")).json()
    assert worker["items"][0]["findings"] == ["vot"] and "vot" in worker["choices"]
    officer = client.get(f"/api/v1/persons/{pid}/screenings",
                         headers=api(world, "kgz_officer")).json()
    assert officer["items"][0]["findings"] == [] and "vot" not in officer["choices"]
    r = client.post(f"/api/v1/persons/{pid}/screenings", headers=api(world, "alpha_worker"),
                    json={"screened_on": "2021-03-03", "findings": ["gbv", "pregnant"],
                          "notes": "seen at the office"})
    assert r.status_code == 201 and r.json()["findings"] == ["gbv", "pregnant"]
    r = client.post(f"/api/v1/persons/{pid}/screenings", headers=api(world, "alpha_worker"),
                    json={"screened_on": "2031-03-03", "findings": ["nonsense"]})
    assert r.status_code == 422
    officer = client.get(f"/api/v1/persons/{pid}/screenings",
                         headers=api(world, "kgz_officer")).json()
    assert officer["items"][0]["findings"] == ["pregnant"] and officer["items"][0]["notes"] is None
    assert sign_in(client, "alpha_worker") == 303
    page = client.post(f"/persons/{pid}/screening", follow_redirects=True,
                       data={"screened_on": "2021-03-04", "finding_disability": "true",
                             "csrf_token": client.cookies["opendtm_csrf"]})
    assert page.status_code == 200 and "2021-03-04" in page.text


def test_referrals_in_and_out_with_status(app: tuple[World, TestClient]) -> None:
    world, client = app
    pid = world.persons["B-1"]
    hdr = api(world, "beta_worker")
    r = client.post(f"/api/v1/persons/{pid}/referrals", headers=hdr,
                    json={"direction": "in", "kind": "hotline", "referred_on": "2021-02-02",
                          "organisation": "Hotline 1424"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    out = client.post(f"/api/v1/persons/{pid}/referrals", headers=hdr,
                      json={"direction": "out", "kind": "anti_trafficking_centre",
                            "referred_on": "2021-02-03"}).json()
    changed = client.put(f"/api/v1/referrals/{out['id']}/status", headers=hdr,
                         json={"status": "accepted"})
    assert changed.status_code == 200 and changed.json()["status"] == "accepted"
    mine = client.get(f"/api/v1/persons/{pid}/referrals", headers=hdr).json()["items"]
    assert [x["kind"] for x in mine] == ["anti_trafficking_centre", "hotline"]
    officer = client.get("/api/v1/referrals", headers=api(world, "kgz_officer")).json()["items"]
    assert [x["kind"] for x in officer] == ["hotline"]  # trafficking is not told
    listed = client.get("/api/v1/referrals", params={"direction": "out"}, headers=hdr).json()
    assert [x["id"] for x in listed["items"]] == [out["id"]]
    assert client.get("/api/v1/referrals", headers=api(world, "alpha_worker")).json()[
        "items"] == []
    assert client.put(f"/api/v1/referrals/{out['id']}/status", json={"status": "declined"},
                      headers=api(world, "alpha_worker")).status_code == 404


def test_consultation_contacts_register_and_count(app: tuple[World, TestClient]) -> None:
    world, client = app
    hdr = api(world, "gamma_worker")
    for sex, topic, n in (("f", "registration", 3), ("m", "employment", 2), (None, "health", 1)):
        body = {"contacted_on": "2021-06-01", "topic": topic, "channel": "phone",
                "contacts": n, **({"sex": sex} if sex else {})}
        assert client.post("/api/v1/consultations", json=body, headers=hdr).status_code == 201
    page = client.get("/api/v1/consultations", headers=hdr).json()
    assert page["totals"] == {"contacts": 6, "by_sex": {"f": 3, "m": 2, "not_recorded": 1},
                              "by_topic": {"registration": 3, "employment": 2, "health": 1}}
    assert client.get("/api/v1/consultations", headers=api(world, "alpha_worker")).json()[
        "totals"]["contacts"] == 0
    only = client.get("/api/v1/consultations", params={"sex": "f"}, headers=hdr).json()
    assert only["totals"]["contacts"] == 3
    bad = client.post("/api/v1/consultations", headers=api(world, "admin"),
                      json={"contacted_on": "2021-06-01", "topic": "health",
                            "channel": "phone"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "partner_id"]
    assert client.post("/api/v1/consultations", headers=api(world, "info"),
                       json={"contacted_on": "2021-06-01", "topic": "health",
                             "channel": "phone"}).status_code == 403
    assert sign_in(client, "gamma_worker") == 303
    r = client.post("/consultations", follow_redirects=True,
                    data={"contacted_on": "2021-06-02", "topic": "citizenship",
                          "channel": "in_person", "sex": "f", "contacts": "4",
                          "csrf_token": client.cookies["opendtm_csrf"]})
    assert r.status_code == 200 and "10" in r.text


def test_screening_and_referral_forms_show_errors_or_send_back(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    pid = world.persons["G-1"]
    assert sign_in(client, "gamma_worker") == 303
    csrf = {"csrf_token": client.cookies["opendtm_csrf"]}
    bad = client.post(f"/persons/{pid}/screening", follow_redirects=False,
                      data={"screened_on": "2031-01-01", "finding_pregnant": "true",
                            "notes": "kept", **csrf})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert 'name="finding_pregnant" value="true" checked' in bad.text
    assert 'value="kept"' in bad.text and 'value="2031-01-01"' in bad.text
    good = client.post(f"/persons/{pid}/screening", follow_redirects=False,
                       data={"screened_on": "2021-01-05", "finding_pregnant": "true", **csrf})
    assert good.status_code == 303
    assert good.headers["location"] == f"/persons/{pid}/screening"
    shown = client.get(f"/persons/{pid}/screening")
    assert shown.status_code == 200 and "2021-01-05" in shown.text
    assert client.get(f"/persons/{pid}/screening", headers={"HX-Request": "true"}).text.count(
        "<html") == 1  # the screening page has no fragment of its own
    form = {"direction": "in", "kind": "hotline", "organisation": "Hotline 7", **csrf}
    bad = client.post(f"/persons/{pid}/referrals", data=form, follow_redirects=False)
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert 'value="Hotline 7"' in bad.text and "<html" in bad.text
    partial = client.post(f"/persons/{pid}/referrals", data=form, follow_redirects=False,
                          headers={"HX-Request": "true"})
    assert partial.status_code == 422 and "<html" not in partial.text
    good = client.post(f"/persons/{pid}/referrals", follow_redirects=False,
                       data={**form, "referred_on": "2021-01-06"})
    assert good.status_code == 303
    assert good.headers["location"] == f"/persons/{pid}/referrals"
    fragment = client.get(f"/persons/{pid}/referrals", headers={"HX-Request": "true"})
    assert "2021-01-06" in fragment.text and "<html" not in fragment.text
    assert "<html" in client.get(f"/persons/{pid}/referrals").text
    foreign = client.post(f"/persons/{world.persons['B-1']}/referrals", follow_redirects=False,
                          data={**form, "referred_on": "2021-01-06"})
    assert foreign.status_code == 404


def test_screening_and_referral_join_the_latest_open_case_of_the_persons_partner(
        app: tuple[World, TestClient]) -> None:
    world, client = app
    pid, hdr = world.persons["A-2"], api(world, "alpha_worker")
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        partner_id = s.get_one(Person, pid).partner_id
        own = Case(partner_id=partner_id, person_id=pid, opened_on=dt.date(2021, 2, 1))
        other = Case(partner_id=world.partner_ids["Beta"], person_id=pid,
                     opened_on=dt.date(2021, 2, 2))
        closed = Case(partner_id=partner_id, person_id=pid, opened_on=dt.date(2021, 2, 3),
                      status=CaseStatus.CLOSED, closed_on=dt.date(2021, 2, 4))
        s.add_all([own, other, closed])
        s.flush()
        own_id, last_id = own.id, closed.id

    def screened() -> int | None:
        r = client.post(f"/api/v1/persons/{pid}/screenings", headers=hdr,
                        json={"screened_on": "2021-02-05", "findings": ["disability"]})
        assert r.status_code == 201, r.text
        with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
            return s.scalar(select(Screening.case_id).where(Screening.id == r.json()["id"]))

    def referred(day: str) -> int:
        r = client.post(f"/api/v1/persons/{pid}/referrals", headers=hdr,
                        json={"direction": "out", "kind": "ngo", "referred_on": day})
        assert r.status_code == 201, r.text
        return int(r.json()["case_id"])

    assert referred("2021-02-05") == own_id and screened() == own_id
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        s.execute(update(Case).where(Case.person_id == pid, Case.partner_id == partner_id)
                  .values(status=CaseStatus.CLOSED, closed_on=dt.date(2021, 2, 6)))
    assert screened() is None  # a screening opens no case
    new = referred("2021-02-07")  # a referral does
    assert new > last_id and screened() == new and referred("2021-02-08") == new
    with unit_of_work(client.engine) as s:  # type: ignore[attr-defined]
        opened = s.get_one(Case, new)
        assert (opened.partner_id, opened.opened_on) == (partner_id, dt.date(2021, 2, 7))
