"""The matching table and the quality measure, on records written inside the test."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from opendtm.process.dedup import cluster_quality, find_duplicates, matching_table


def test_matching_table_keys_dates_and_documents() -> None:
    table = matching_table([
        {"unique_id": 1, "partner": "A", "beneficiary_id": "a1", "given_name": "Шохрух",
         "family_name": "Джураев", "patronymic": "Алишерович", "sex": "m",
         "date_of_birth": dt.date(1990, 3, 4), "nationality": "tjk",
         "document_number": "AC 123-4567", "registered_on": dt.date(2020, 11, 2)},
        {"unique_id": 2, "partner": "B", "beneficiary_id": "b7", "given_name": "Djurayev",
         "family_name": "Shoxrux Alisher o'g'li", "sex": "m", "age_years": 30,
         "registered_on": dt.date(2020, 11, 2), "document_number": " - "},
        {"unique_id": 3, "partner": "B", "beneficiary_id": "b8", "given_name": None,
         "family_name": None, "date_of_birth": dt.date(1990, 3, 31)},
    ])
    rows = table.to_pylist()
    assert [(r["name1"], r["name2"], r["patronymic"]) for r in rows] == [
        ("juraev", "shohruh", "alisher"), ("juraev", "shohruh", "alisher"), (None, None, None)]
    assert [(r["dob"], r["dob_swap"]) for r in rows] == [
        ("1990-03-04", "1990-04-03"), (None, None), ("1990-03-31", None)]
    assert [(r["birth_year"], r["birth_year_lo"]) for r in rows] == [
        (1990, 1990), (1990, 1989), (1990, 1990)]
    assert [r["document"] for r in rows] == ["AC1234567", None, None]
    assert [r["nationality"] for r in rows] == ["TJK", None, None]
    assert [r["name1_sk"] for r in rows] == ["jrv", "jrv", None]


def test_cluster_quality_counts_pairs() -> None:
    truth = pa.table({"unique_id": [1, 2, 3, 4, 5], "person": [1, 1, 1, 2, 3]})
    clusters = pa.table({"unique_id": [1, 2, 3, 4, 5], "cluster_id": [1, 1, 3, 3, 5]})
    quality = cluster_quality(truth, clusters)
    assert (quality.true_pairs, quality.found_pairs, quality.correct_pairs) == (3, 2, 1)
    assert (quality.precision, quality.recall) == (0.5, 1 / 3)


def test_records_without_any_duplicate_are_left_alone() -> None:
    names = [("Азамат", "Токтогулов"), ("Madina", "Rahimova"), ("Olga", "Smirnova"),
             ("Bobur", "Yusupov"), ("Aigerim", "Kasymova"), ("Farrukh", "Nazarov")]
    records = [{"unique_id": i, "partner": "A", "beneficiary_id": f"a{i}", "given_name": g,
                "family_name": f, "date_of_birth": dt.date(1980 + i, 1 + i, 10 + i)}
               for i, (g, f) in enumerate(names, start=1)]
    result = find_duplicates(matching_table(records))
    assert result.clusters.column("cluster_id").to_pylist() == list(range(1, 7))
