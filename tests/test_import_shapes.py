"""Every supported file shape, written by the test, lands the same records."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, select

from importing import ADD, counts, engine_fixture, row, write_csv
from opendtm.ingest.readers import ReadError, detect_delimiter, detect_encoding, open_table
from opendtm.services.importer import ImportOptions, import_file
from opendtm.store import models as m

engine = engine_fixture()


def assistance(engine: Engine) -> list[tuple[str, str, dt.date, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(m.Assistance.record_id, m.Assistance.type,
                                   m.Assistance.delivered_on, m.Assistance.admin1_code)
                            .order_by(m.Assistance.record_id)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def findings(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.scalars(select(m.ScreeningFinding.vulnerability)))


def test_cp1251_semicolons_with_cyrillic_regions(engine: Engine, tmp_path: Path) -> None:
    rows = [row("K1", admin1="Чуйская область", partner="Рука помощи"),
            row("K2", admin1="Ошская обл.", partner="Рука помощи", sex="М"),
            row("K3", admin1="Иссык-Кульская область", partner="Рука помощи")]
    path = write_csv(tmp_path / "cp1251.csv", rows, encoding="cp1251", delimiter=";")
    assert detect_encoding(path.read_bytes()) == "cp1251"
    report = import_file(engine, path, ADD)
    assert report.landed, report.problems
    assert [a[3] for a in assistance(engine)] == ["KG-C", "KG-O", "KG-Y"]
    with engine.connect() as conn:
        assert conn.scalar(select(m.Partner.name)) == "Рука помощи"


def test_utf8_bom_and_tabs(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.tsv", [row("T1", admin1="Бишкек")], encoding="utf-8-sig",
                     delimiter="\t")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    assert import_file(engine, path, ADD).landed
    assert assistance(engine)[0][3] == "KG-GB"


def test_xlsx_with_excel_date_serials(engine: Engine, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "notes"
    ws.append(["this sheet is not the data"])
    data = book.create_sheet("March")
    header = ["record_id", "beneficiary_id", "country", "partner", "admin1", "sex",
              "date_of_birth", "assistance_type", "assistance_date"]
    data.append(header)
    data.append(["X1", "B1", "KGZ", "Helping Hand", "KG-C", "f", 33000, "food", 44197])
    data.append(["X2", "B2", "KGZ", "Helping Hand", "Osh", "m", dt.date(1990, 5, 1), "medicine",
                 dt.datetime(2021, 2, 3)])
    data.append(["X3", 1234, "KGZ", "Helping Hand", "Naryn", "f", None, "food", "2021-03-01"])
    path = tmp_path / "partner.xlsx"
    book.save(path)
    report = import_file(engine, path, ImportOptions(add_partners=True, sheet="March"))
    assert report.landed and report.shape == "xlsx", report.problems
    assert [a[2] for a in assistance(engine)] == [dt.date(2021, 1, 1), dt.date(2021, 2, 3),
                                                  dt.date(2021, 3, 1)]
    with engine.connect() as conn:
        born = dict(conn.execute(select(m.Person.beneficiary_id, m.Person.date_of_birth)).all())
    assert born == {"B1": dt.date(1990, 5, 7), "B2": dt.date(1990, 5, 1), "1234": None}
    report = import_file(engine, path, ImportOptions(sheet="April"))
    assert [p.code for p in report.problems] == ["no-sheet"]
    assert "March" in report.problems[0].message


KOBO_HEADER = ["start", "end", "beneficiary/beneficiary_id", "beneficiary/sex",
               "beneficiary/age", "location/country", "location/admin1", "partner",
               "service/assistance_type", "service/assistance_date",
               "screening/vulnerabilities", "screening/vulnerabilities/vot",
               "screening/vulnerabilities/gbv", "screening/vulnerabilities/disability",
               "_id", "_uuid", "_submission_time"]  # fmt: skip


def test_kobo_export_with_groups_and_select_multiple(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "kobo.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(KOBO_HEADER)
        out.writerow(["", "", "B1", "female", "30", "KGZ", "Chui", "Helping Hand", "food",
                      "2021-01-15", "vot disability", "1", "0", "1", "11", "uuid-1", ""])
        out.writerow(["", "", "B2", "male", "41", "KGZ", "Osh", "Helping Hand", "shelter",
                      "2021-01-16", "", "0", "0", "0", "12", "uuid-2", ""])
    report = import_file(engine, path, ADD)
    assert report.landed, report.problems
    assert [a[0] for a in assistance(engine)] == ["uuid-1", "uuid-2"]  # _uuid as record_id
    assert findings(engine) == ["disability", "vot"]
    assert [p.code for p in report.problems] == ["ignored-columns"]  # start, end


def test_kobo_option_columns_only(engine: Engine, tmp_path: Path) -> None:
    header = [c for c in KOBO_HEADER if c != "screening/vulnerabilities"]
    path = tmp_path / "kobo-options.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerow(["", "", "B1", "f", "30", "KGZ", "Chui", "Helping Hand", "food",
                      "2021-01-15", "0", "1", "1", "11", "uuid-1", ""])
    report = import_file(engine, path, ADD)
    assert report.landed, report.problems
    assert findings(engine) == ["disability", "gbv"]


def test_kobo_api_v2_json(engine: Engine, tmp_path: Path) -> None:
    data = {"count": 2, "next": None, "previous": None, "results": [
        {"_id": 1, "_uuid": "u1", "formhub/uuid": "x", "beneficiary/beneficiary_id": "B1",
         "beneficiary/sex": "f", "location/country": "KGZ", "location/admin1": "KG-C",
         "partner": "Helping Hand", "service/assistance_type": "food",
         "service/assistance_date": "2021-01-15", "screening/vulnerabilities": "gbv pregnant",
         "_attachments": [], "_geolocation": [None, None]},
        {"_id": 2, "_uuid": "u2", "beneficiary/beneficiary_id": "B2", "location/country": "KGZ",
         "location/admin1": "Naryn", "partner": "Helping Hand",
         "service/assistance_type": "medical", "service/assistance_date": "2021-01-20"},
    ]}  # fmt: skip
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = import_file(engine, path, ADD)
    assert report.landed and report.shape == "json", report.problems
    assert [a[:2] for a in assistance(engine)] == [("u1", "food"), ("u2", "medical")]
    assert findings(engine) == ["gbv", "pregnant"]


def test_odk_central_odata_json(engine: Engine, tmp_path: Path) -> None:
    data = {"@odata.context": "https://example.org/v1/projects/1/forms/a.svc/$metadata#Submissions",
            "value": [{"__id": "uuid:aa", "__system": {"submissionDate": "2021-01-15T10:00:00Z"},
                       "meta": {"instanceID": "uuid:aa"},
                       "beneficiary": {"beneficiary_id": "B9", "sex": "m", "age": 25},
                       "location": {"country": "TJK", "admin1": "Sughd"},
                       "partner": "Helping Hand TJ",
                       "service": {"assistance_type": "return", "assistance_date": "2021-01-15",
                                   "return_from": "RUS", "return_to": "TJK"}}]}  # fmt: skip
    path = tmp_path / "odata.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = import_file(engine, path, ADD)
    assert report.landed, report.problems
    assert assistance(engine) == [("uuid:aa", "return", dt.date(2021, 1, 15), "TJ-SU")]


def test_hxl_row_maps_columns_of_any_name(engine: Engine, tmp_path: Path) -> None:
    names = {"record_id": "No.", "beneficiary_id": "Code", "country": "Страна",
             "partner": "Организация", "admin1": "Регион", "assistance_type": "Вид помощи",
             "assistance_date": "Дата"}  # fmt: skip
    hxl = ["#meta+id", "#beneficiary+id", "#country+code", "#org+impl", "#adm1+name",
           "#service+type", "#date+service"]
    path = tmp_path / "hxl.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(list(names.values()))
        out.writerow(hxl)
        out.writerow(["1", "B1", "KGZ", "Helping Hand", "Талас", "продукты питания",
                      "2021-01-15"])
    table = open_table(path)
    assert table.hxl == hxl and table.first_row == 3
    report = import_file(engine, path, ADD)
    assert report.landed, report.problems
    assert assistance(engine) == [("1", "food", dt.date(2021, 1, 15), "KG-T")]


def test_mapping_file_with_labels_and_values(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Submission", "Who/Person code", "Who/Sex of the person", "Region",
                      "What help?", "When?"])
        out.writerow(["s1", "B1", "Woman", "Chui", "Food parcel", "15/01/2021"])
    mapping = tmp_path / "kobo-labels.toml"
    mapping.write_text(
        '[columns]\nrecord_id = "Submission"\nbeneficiary_id = "Person code"\n'
        'sex = "Who/Sex of the person"\nadmin1 = "Region"\nassistance_type = "What help?"\n'
        'assistance_date = "When?"\n\n[values.assistance_type]\n"Food parcel" = "food"\n\n'
        '[defaults]\ncountry = "KGZ"\npartner = "Helping Hand"\n', encoding="utf-8")
    report = import_file(engine, path, ImportOptions(add_partners=True, mapping=mapping))
    assert report.landed, report.problems
    assert assistance(engine) == [("s1", "food", dt.date(2021, 1, 15), "KG-C")]
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\nbeneficiary = "x"\n', encoding="utf-8")
    report = import_file(engine, path, ImportOptions(mapping=bad))
    assert [p.code for p in report.problems] == ["mapping"]
    assert "not a template column" in report.problems[0].message
    assert counts(engine)["assistance"] == 1


def test_readers_detect_from_bytes_not_names(tmp_path: Path) -> None:
    assert detect_delimiter('a;b;"c,d"\n1;2;3') == ";"
    assert detect_delimiter("a\tb\tc") == "\t"
    assert detect_encoding("Ош".encode()) == "utf-8"
    assert detect_encoding("Ош".encode("cp1251")) == "cp1251"
    fake = tmp_path / "data.xlsx"
    fake.write_text("record_id,beneficiary_id\nr1,b1\n", encoding="utf-8")
    table = open_table(fake)
    assert table.shape == "csv" and list(table.records()) == [(2, {"record_id": "r1",
                                                                   "beneficiary_id": "b1"})]
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ReadError, match="not a readable XLSX"):
        open_table(broken)


def test_json_exports_are_streamed_in_any_encoding(tmp_path: Path) -> None:
    subs = [{"_uuid": "u1", "beneficiary": {"sex": "ж"}, "tags": ["a", "b"], "n": 2.0},
            "not an object"]
    bare = tmp_path / "bare.json"
    bare.write_bytes(codecs.BOM_UTF8 + json.dumps(subs[:1], ensure_ascii=False).encode())
    later = {"count": 2, "next": None, "results": [subs[0], {"_uuid": "u2", "extra": "x"}]}
    for path, data, encoding in ((tmp_path / "cp.json", later, "cp1251"),
                                 (tmp_path / "u16.json", later, "utf-16")):
        path.write_bytes(json.dumps(data, ensure_ascii=False).encode(encoding))
    table = open_table(bare)
    assert table.shape == "json" and table.columns == ["_uuid", "beneficiary/sex", "tags", "n"]
    assert list(table.rows()) == [(2, ["u1", "ж", "a b", "2"])]
    for name in ("cp.json", "u16.json"):
        table = open_table(tmp_path / name)
        assert table.columns[-1] == "extra"  # a later submission adds a column
        assert [cells for _, cells in table.rows()] == [["u1", "ж", "a b", "2", ""],
                                                        ["u2", "", "", "", "x"]]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"value": subs}), encoding="utf-8")
    with pytest.raises(ReadError, match="submission 2 is not an object"):
        open_table(bad)
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps({"results": subs[:1] * 3})[:-20], encoding="utf-8")
    with pytest.raises(ReadError, match="not a Kobo or ODK JSON export"):
        open_table(cut)
    other = tmp_path / "other.json"
    other.write_text('{"rows": [{"a": 1}]}', encoding="utf-8")
    with pytest.raises(ReadError, match="'results' \\(Kobo API v2\\)"):
        open_table(other)
