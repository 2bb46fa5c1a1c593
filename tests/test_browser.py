"""The pages in a real browser (Debian's chromium, headless, through Playwright): sign in,
register a person with Cyrillic names, record a return for the family, find the person by a
Latin spelling, read the dashboard, in English and in Russian."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from opendtm.store.database import make_engine
from opendtm.web.app import create_app
from webworld import PASSWORD, build

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(module_db_url: str) -> Iterator[str]:
    engine = make_engine(module_db_url)
    build(engine, module_db_url, roles=("alpha_worker",))
    port = _free_port()
    config = uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(100):
        if instance.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield instance
        instance.close()


TEXT = {
    "en": {"register": "Register a person", "assist": "Record assistance", "save": "Save",
           "dashboard": "Dashboard", "individuals": "Individuals assisted",
           "family": "for the family"},
    "ru": {"register": "Зарегистрировать человека", "assist": "Записать помощь",
           "save": "Сохранить", "dashboard": "Обзор",
           "individuals": "Получили помощь (человек)", "family": "для семьи"},
}
PEOPLE = {"en": ("Жылдыз", "Осмонова", "Jyldyz Osmonova"),
          "ru": ("Шахноза", "Джураева", "Shahnoza Dzhuraeva")}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_case_work_in_the_browser(server: str, browser: object, lang: str,
                                  tmp_path: Path) -> None:
    shots = Path(os.environ.get("OPENDTM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    t = TEXT[lang]
    given, family, latin = PEOPLE[lang]
    context = browser.new_context(viewport={"width": 390, "height": 844}  # type: ignore[attr-defined]
                                  if lang == "ru" else {"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/persons")
    assert "/sign-in" in page.url
    page.screenshot(path=str(shots / f"{lang}-1-sign-in.png"), full_page=True)
    page.fill("input[name=username]", "alpha_worker")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit] >> nth=-1")
    page.wait_for_url("**/persons")
    page.click(f"a[href='/lang/{lang}?next=/persons']")
    page.wait_for_load_state()
    page.click(f"text={t['register']}")
    page.fill("input[name=family_name]", family)
    page.fill("input[name=given_name]", given)
    page.select_option("select[name=sex]", "f")
    page.fill("input[name=nationality]", "Kyrgyzstan")
    page.fill("input[name=family_code]", f"FAM-{lang}")
    page.screenshot(path=str(shots / f"{lang}-2-register.png"), full_page=True)
    page.click(f"button:has-text('{t['save']}')")
    page.wait_for_url("**/persons/*")
    assert family in page.inner_text("h1")
    page.click(f"text={t['assist']}")
    page.select_option("select[name=type]", "return")
    page.fill("input[name=delivered_on]", "2021-03-01")
    page.check("input[name=for_family]")
    page.fill("input[name=return_from]", "Russia")
    page.fill("input[name=return_to]", "KGZ")
    page.select_option("select[name=transport_mode]", "air")
    page.screenshot(path=str(shots / f"{lang}-3-assistance.png"), full_page=True)
    page.click(f"button:has-text('{t['save']}')")
    page.wait_for_url("**/persons/*")
    body = page.inner_text("main")
    assert "RUS → KGZ" in body and t["family"] in body
    page.screenshot(path=str(shots / f"{lang}-4-person.png"), full_page=True)
    page.goto(f"{server}/persons")
    page.fill("#q", latin)
    results = page.locator("#results")  # htmx swaps the results in as one types
    playwright_api.expect(results).not_to_contain_text("Осмоналиева", timeout=10_000)
    playwright_api.expect(results).to_contain_text(family)
    page.screenshot(path=str(shots / f"{lang}-5-search.png"), full_page=True)
    page.click(f"header >> text={t['dashboard']}")
    page.wait_for_url("**/dashboard")
    assert t["individuals"] in page.inner_text("main")
    page.screenshot(path=str(shots / f"{lang}-6-dashboard.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()


FAMILY_TEXT = {
    "en": {"families": "Families", "title": "Record assistance for the whole family",
           "save": "Save", "charts": "Charts"},
    "ru": {"families": "Семьи", "title": "Записать помощь для всей семьи",
           "save": "Сохранить", "charts": "Графики"},
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_family_assistance_and_charts_in_the_browser(server: str, browser: object, lang: str,
                                                     tmp_path: Path) -> None:
    shots = Path(os.environ.get("OPENDTM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    t = FAMILY_TEXT[lang]
    context = browser.new_context(viewport={"width": 390, "height": 844}  # type: ignore[attr-defined]
                                  if lang == "ru" else {"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/sign-in")
    page.fill("input[name=username]", "alpha_worker")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit] >> nth=-1")
    page.wait_for_url("**/persons")
    page.click(f"a[href='/lang/{lang}?next=/persons']")
    page.wait_for_load_state()
    page.click(f"header >> text={t['families']}")
    page.wait_for_url("**/families")
    page.fill("#q", "FAM-1")
    playwright_api.expect(page.locator("#results")).to_contain_text("FAM-1", timeout=10_000)
    page.click("#results >> text=FAM-1")
    page.wait_for_url("**/families/*")
    assert t["title"] in page.inner_text("main")
    form = page.locator("#family-assistance")
    form.locator("select[name=type]").select_option("return")
    day = "2021-04-01" if lang == "en" else "2021-04-02"
    form.locator("input[name=delivered_on]").fill(day)
    assert form.locator("input[name=each_member]").is_checked()
    form.locator("input[name=return_from]").fill("Russia")
    form.locator("input[name=return_to]").fill("Kyrgyzstan")
    form.locator("select[name=transport_mode]").select_option("air")
    page.screenshot(path=str(shots / f"{lang}-7-family-form.png"), full_page=True)
    form.locator(f"button:has-text('{t['save']}')").click()
    page.wait_for_url("**/families/*")
    ours = page.locator("table.list >> nth=1").locator("tbody tr").filter(has_text=day)
    assert ours.count() == 2  # one record per member
    texts = [ours.nth(i).inner_text() for i in range(2)]
    assert all("RUS → KGZ" in x for x in texts)
    assert any("A-1" in x for x in texts) and any("A-2" in x for x in texts)
    page.screenshot(path=str(shots / f"{lang}-8-family.png"), full_page=True)
    page.goto(f"{server}/dashboard")
    charts = page.locator("#charts svg")  # htmx loads the charts and the map
    playwright_api.expect(charts.first).to_be_visible(timeout=30_000)
    assert t["charts"] in page.inner_text("main")
    page.screenshot(path=str(shots / f"{lang}-9-charts.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
