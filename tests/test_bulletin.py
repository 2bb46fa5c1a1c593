"""The demo's bulletin: the seed's figures in figures.json and in the PDF's text, in English
and Russian; no personal data in any public output; HXL that libhxl validates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from opendtm.demo.seed import SEED_FIGURES
from opendtm.publish import config
from opendtm.services.bulletin import Request, build, partner_names
from opendtm.services.demo import prepare_demo
from opendtm.services.stats import lookup
from opendtm.store.database import make_engine, unit_of_work
from opendtm.store.models import Assistance, ConsultationContact, Person, PersonIdentity

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) not installed")


@pytest.fixture(scope="module")
def demo_url(module_db_url: str) -> str:
    return prepare_demo(module_db_url)


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    return prepare_demo(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'opendtm.db'}")


def run(url: str, out: Path, **kw: Any) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        build(engine, Request(out=out, config=config.load(), **kw))
    finally:
        engine.dispose()
    data: dict[str, Any] = json.loads((out / "figures.json").read_text("utf-8"))
    return data


def test_figures_json_reproduces_every_seed_figure(demo_url: str, tmp_path: Path) -> None:
    data = run(demo_url, tmp_path, audience="internal", formats=["json"])
    wrong = [(f.key, f.value, lookup(data["countries"], f.key)) for f in SEED_FIGURES
             if lookup(data["countries"], f.key) != f.value]
    assert wrong == []
    assert list(data["countries"]) == ["KGZ", "TJK", "KAZ", "RUS"]  # the seed's order
    assert data["disclosure"]["suppressed"] == [] and data["audience"] == "internal"
    assert set(data["counting_rules"]) >= {"individuals", "minors", "families", "consultations"}
    prov = data["provenance"]
    assert re.fullmatch(r"[0-9a-f]{64}", prov["input_sha256"])
    assert prov["period"] == data["period"] and prov["input_rows"]["assistance"] > 0


@pytest.fixture(scope="module")
def internal(sqlite_demo: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("internal")
    run(sqlite_demo, out, audience="internal")
    return out


@pytest.fixture(scope="module")
def public(sqlite_demo: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("public")
    run(sqlite_demo, out)
    return out


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pdf_carries_the_numbers_of_figures_json(internal: Path, lang: str) -> None:
    data = json.loads((internal / "figures.json").read_text("utf-8"))
    pages = pdf_pages(internal / f"bulletin-{lang}.pdf")
    text = re.sub(r"\s+", " ", " ".join(pages))
    # the key figures table: each scope's row, numbers in order
    for block in data["countries"].values():
        scopes = [block, *block["by_partner"].values()]
        for scope in scopes:
            ind = scope.get("individuals")
            if not ind:
                continue
            row = " ".join(str(ind[k]) for k in ("total", "male", "female", "not_recorded",
                                                  "minors", "boys", "girls"))
            assert row in text, row
    # every seed figure's number is printed, with the words of the seed where it has them
    for fig in SEED_FIGURES:
        assert re.search(rf"(?<![\d.]){fig.value}(?![\d.])", text), fig.key
    kgz = ("295 vulnerable migrants (163 male, 132 female), aged 2 to 69, including 11 minors "
           "(3 boys, 8 girls)") if lang == "en" else (
           "295 уязвимых мигрантов (163 мужчины, 132 женщины) в возрасте от 2 до 69 лет, в "
           "том числе 11 несовершеннолетних (3 мальчика, 8 девочек)")
    assert kgz in text.replace("- ", "-")
    assert len(re.findall(r"(Figure|Рисунок) \d+:", text)) >= 18


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pdf_draws_its_charts_as_images_at_print_resolution(internal: Path, lang: str) -> None:
    """The PDF carries each chart and map as one image at about 190 dpi, where the HTML
    page carries the same charts as inline SVG."""
    listing = subprocess.run(["pdfimages", "-list", str(internal / f"bulletin-{lang}.pdf")],
                             check=True, capture_output=True, text=True).stdout
    images = [line.split() for line in listing.splitlines()[2:]]
    charts = [row for row in images if row[2] == "image"]
    page = (internal / f"bulletin-{lang}.html").read_text("utf-8")
    assert len(charts) == page.count("<svg") == 18
    assert all(int(row[12]) >= 180 and int(row[13]) >= 180 for row in charts)  # x, y ppi


@needs_poppler
def test_internal_says_so_on_every_page(internal: Path) -> None:
    for lang, word in (("en", "INTERNAL"), ("ru", "ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ")):
        pages = pdf_pages(internal / f"bulletin-{lang}.pdf")
        assert len(pages) > 5
        assert all(word in page for page in pages)
        assert all(re.search(r"(Page|Стр\.) \d+ / \d+", page) for page in pages)


def test_html_is_self_contained(internal: Path) -> None:
    for lang in ("en", "ru"):
        page = (internal / f"bulletin-{lang}.html").read_text("utf-8")
        assert page.count("<svg") >= 18
        assert not re.search(r"<(script|link|img)\b", page)
        assert not re.search(r"(src|href)=\"https?:", page)


def test_public_suppresses_small_counts(public: Path) -> None:
    data = json.loads((public / "figures.json").read_text("utf-8"))
    kaz = data["countries"]["KAZ"]
    dest = kaz["return"]["by_destination"]
    # Ukraine 1 and Afghanistan 1 are small; Tajikistan 13, the next smallest, goes with them
    assert (dest["UKR"], dest["AFG"], dest["TJK"]) == (None, None, None)
    assert dest["UZB"] == 40
    assert data["countries"]["TJK"]["vulnerabilities"]["vot"] is None
    kgz = data["countries"]["KGZ"]["individuals"]
    assert (kgz["boys"], kgz["girls"], kgz["minors"]) == (None, None, 11)
    rules = {s["key"]: s["rule"] for s in data["disclosure"]["suppressed"]}
    assert rules["KAZ.return.by_destination.UKR"] == "single-dimension"
    assert rules["KAZ.return.by_destination.TJK"] == "secondary"
    assert rules["KGZ.individuals.boys"] == "crossed"
    assert rules["TJK.vulnerabilities.vot"] == "sensitive"
    page = (public / "bulletin-en.html").read_text("utf-8")
    assert "11 minors (x boys, x girls)" in page
    assert "x: not published to protect identities" in page
    assert "INTERNAL" not in page


def test_no_public_output_holds_personal_data(sqlite_demo: str, public: Path) -> None:
    engine = make_engine(sqlite_demo)
    with unit_of_work(engine) as session:
        ids = session.execute(select(PersonIdentity.given_name, PersonIdentity.family_name,
                                     PersonIdentity.document_number, PersonIdentity.phone))
        secrets: set[str] = set()
        for given, family, doc, phone in ids:
            secrets |= {s for s in (doc, phone) if s}
            if given and family:
                secrets.add(f"{given} {family}")
            if family and len(family) >= 7:
                secrets.add(family)
        for (born,) in session.execute(select(Person.date_of_birth)):
            if born:
                secrets |= {born.isoformat(), born.strftime("%d.%m.%Y")}
        secrets |= set(session.scalars(select(Assistance.record_id)))
        secrets |= set(session.scalars(select(ConsultationContact.record_id)))
    engine.dispose()
    assert len(secrets) > 1000
    files = [p for p in public.rglob("*") if p.is_file()]
    assert len(files) > 20
    pattern = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True)))
    for path in files:
        if path.suffix == ".pdf":
            if shutil.which("pdftotext") is None:
                continue
            content = " ".join(pdf_pages(path))
        else:
            content = path.read_text("utf-8")
        found = pattern.search(content)
        assert found is None, f"{path.name}: {found.group(0) if found else ''}"


def test_hxl_exports_validate(public: Path) -> None:
    import hxl
    from hxl.input import InputOptions

    schema_rows = [
        ["#valid_tag", "#valid_required", "#valid_datatype", "#valid_value+list",
         "#valid_value+regex"],
        ["#country+code-dest-origin", "true", "text", "KGZ|TJK|KAZ|RUS|UZB", ""],
        ["#country+dest", "", "text", "", "^[A-Z]{3}$"],
        ["#country+origin", "", "text", "", "^[A-Z]{3}$"],
        ["#adm1+code", "", "text", "", "^[A-Z]{2}-[A-Z]{1,3}$"],
        ["#sex", "", "text", "m|f|not_recorded", ""],
        ["#reached", "", "number", "", ""],
        ["#meta+suppressed", "", "text", "yes", ""],
    ]
    errors: list[str] = []
    schema_ = hxl.schema(schema_rows, callback=lambda e: errors.append(
        f"{e.rule.tag_pattern} {e.value!r}: {e.message}"))
    local = InputOptions(allow_local=True)
    files = sorted((public / "hxl").glob("*.csv"))
    assert len(files) == 18
    for path in files:
        dataset = hxl.data(str(path), local)
        tags = dataset.display_tags
        assert tags[0] == "#country+code" and tags[2].startswith("#reached")
        assert schema_.validate(dataset), (path.name, errors)
        rows = list(hxl.data(str(path), local))
        assert rows
        for row in rows:
            assert (row.get("#meta+suppressed") == "yes") == (row.get("#reached") in ("", None))
    bad = public.parent / "bad.csv"
    bad.write_text("a,b,c,d\n#country+code,#sex,#reached+ind,#meta+suppressed\n"
                   "KGZ,x,12,\nKGZ,m,abc,\n", "utf-8")
    assert not schema_.validate(hxl.data(str(bad), local))  # the schema can fail
    assert any("'x'" in e for e in errors) and any("'abc'" in e for e in errors)
    dest = (public / "hxl" / "KAZ_04_return_destination.csv").read_text("utf-8")
    assert "#country+code+dest" in dest and "KAZ,UKR,,yes" in dest and "KAZ,UZB,40," in dest


def test_partners_are_named_in_the_bulletins_language(internal: Path) -> None:
    data = json.loads((internal / "figures.json").read_text("utf-8"))
    chui = data["partner_names"]["KGZ"]["Chui Migrant Desk (demo)"]
    assert chui == {"en": "Chui Migrant Desk (demo)", "ru": "Чуйский центр мигрантов (демо)"}
    en = (internal / "bulletin-en.html").read_text("utf-8")
    ru = (internal / "bulletin-ru.html").read_text("utf-8")
    assert "Chui Migrant Desk (demo)" in en and "Чуйский центр мигрантов" not in en
    assert "Чуйский центр мигрантов (демо)" in ru and "Chui Migrant Desk" not in ru
    # figures.json keeps the registered name as the key, whatever the language
    assert "Chui Migrant Desk (demo)" in data["countries"]["KGZ"]["by_partner"]


def test_configuration_names_a_partner_the_registry_does_not() -> None:
    default = config.load()
    edited = config.BulletinConfig(default.source, {**default.data, "partners": {
        "Ural House": {"ru": "Уральский дом"}}})
    registry = [("RUS", "Ural House", None), ("RUS", "Volga Aid", None),
                ("RUS", "Moscow Desk", "Московская приёмная"), ("KAZ", "Elsewhere", "Где-то")]
    names = partner_names(registry, edited, ["RUS"])
    assert names == {"RUS": {
        "Ural House": {"en": "Ural House", "ru": "Уральский дом"},
        "Volga Aid": {"en": "Volga Aid", "ru": "Volga Aid"},  # no Russian name: as registered
        "Moscow Desk": {"en": "Moscow Desk", "ru": "Московская приёмная"},
    }}
