"""``opendtm dedup``: find the same person across partners, files and scripts."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from opendtm.domain.gazetteer import gazetteer
from opendtm.store import schema

from .context import console, engine, handled, progress_steps


def dedup(
    country: Annotated[
        list[str] | None, typer.Option("--country", "-c", help="Country (ISO3 or name).")
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", "-t", help="Match probability from which two "
                            "records are clustered as one person.")
    ] = 0.9,
    candidates: Annotated[
        float, typer.Option("--candidates", help="Match probability from which a pair is "
                            "kept for review.")
    ] = 0.5,
    backend: Annotated[
        str, typer.Option("--backend", help="duckdb (default) or spark.")
    ] = "duckdb",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write one row per person to this CSV.")
    ] = None,
) -> None:
    """Find duplicate person records; store candidate pairs and clusters for review."""
    from opendtm.process.dedup import LinkOptions  # Splink only for this command
    from opendtm.services.matching import run_dedup, write_clusters_csv

    with handled():
        options = LinkOptions(threshold=threshold, candidate_threshold=candidates,
                              backend=backend)
        codes = [gazetteer().country(c).iso3 for c in country or []]
        if out is not None and not out.parent.is_dir():
            raise ValueError(f"--out {out}: folder {out.parent} does not exist")
        eng = engine()
        schema.require_current(eng)
        with progress_steps("reading persons") as step:
            summary = run_dedup(eng, codes or None, options, getpass.getuser(), step)
        if out is not None:
            write_clusters_csv(out, summary.rows)
    console.print(
        f"run {summary.run_id}: {summary.records} records, {summary.pairs_compared} pairs "
        f"compared, {summary.candidates} candidate pairs, {summary.clusters} clusters holding "
        f"{summary.duplicates} duplicate records ({summary.seconds:.1f} s)"
        + (f"; one row per person in {out}" if out else ""),
        highlight=False,
    )
