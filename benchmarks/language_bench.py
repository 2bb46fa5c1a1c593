"""Where one language of the demo's bulletin spends its CPU: the figures are counted once
(not timed), then each language is laid out as a language's process lays it out
(``bulletin_worker.render_language``: the HTML page and the PDF), after the chart renderer
has been warmed, and its CPU is split by step: Vega-Lite compiled to Vega, Vega drawing
the bar charts and the maps, resvg rasterising them for the PDF, and WeasyPrint (its style
cascade, the key figures tables, embedding the images).

    .venv/bin/python benchmarks/language_bench.py [--demo-db URL] [--repeat 2]

CPU is this process's (every thread: the renderer's too), from ``getrusage``; cProfile's
figures for calls into the renderer are wall-clock and grow with the machine's load, so
they are not used here. Each line prints the load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cpu() -> float:
    """CPU time of this process, all its threads."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


SPENT: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def counted(owner: Any, name: str, label: Callable[..., str],
            also: tuple[Any, ...] = ()) -> None:
    """Replace ``owner.name`` (and the same name in ``also``, where it was imported) with
    the same function that adds its CPU to ``SPENT[label(*args)]``."""
    inner = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = cpu()
        try:
            return inner(*args, **kwargs)
        finally:
            key = label(*args)
            SPENT[key] += cpu() - start
            CALLS[key] += 1

    for target in (owner, *also):
        setattr(target, name, timed)


def instrument() -> None:
    import vl_convert
    import weasyprint.document
    import weasyprint.layout.block
    import weasyprint.layout.table

    from opendtm.publish import pdf

    def kind(vega: dict[str, Any], *_: Any) -> str:
        return "Vega: maps" if vega.get("projections") else "Vega: bar charts"

    def raster(svg: str, *_: Any) -> str:
        return "resvg: maps" if "<path" in svg and svg.count("L") > 500 else "resvg: bar charts"

    counted(vl_convert, "vegalite_to_vega", lambda *_: "Vega-Lite compiled to Vega")
    counted(vl_convert, "vega_to_svg", kind)
    counted(vl_convert, "svg_to_png", raster)
    counted(weasyprint.document, "get_all_computed_styles",
            lambda *_: "WeasyPrint: style cascade")
    counted(weasyprint.layout.table, "table_layout", lambda *_: "WeasyPrint: tables",
            also=(weasyprint.layout.block,))
    counted(pdf._Opaque, "get_x_object", lambda *_: "WeasyPrint: images embedded")
    counted(pdf, "write", lambda *_: "WeasyPrint in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo-db", default=None, help="URL of a database with the demo "
                        "data (default: a new SQLite demo database)")
    parser.add_argument("--repeat", type=int, default=2, help="layouts per language")
    args = parser.parse_args()

    from opendtm.publish import config
    from opendtm.services.bulletin import Request, figures_model
    from opendtm.services.bulletin_worker import render_language
    from opendtm.store.database import make_engine

    url = args.demo_db
    if url is None:
        from opendtm.services.demo import prepare_demo

        url = prepare_demo(f"sqlite:///{tempfile.mkdtemp()}/demo.db")
    settings = config.load()
    engine = make_engine(url)
    with tempfile.TemporaryDirectory() as out:
        model, _ = figures_model(engine, Request(out=Path(out), config=settings,
                                                 audience="internal"))
        engine.dispose()
        from opendtm.publish import charts

        start = cpu()
        charts.warm()
        print(f"renderer warmed: {cpu() - start:.2f} s CPU (load {os.getloadavg()[0]:.1f})")
        instrument()
        for _ in range(args.repeat):
            for lang in ("en", "ru"):
                SPENT.clear()
                CALLS.clear()
                start = cpu()
                render_language(model, lang, settings, Path(out), ["html", "pdf"])
                took = cpu() - start
                print(f"{lang}: {took:.2f} s CPU (load {os.getloadavg()[0]:.1f})", flush=True)
                for key in sorted(SPENT):
                    print(f"  {key:<30} {SPENT[key]:6.2f} s CPU  {CALLS[key]:4d} calls")


if __name__ == "__main__":
    main()
