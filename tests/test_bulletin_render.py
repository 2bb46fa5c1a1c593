"""The bulletin's faster paths give what the paths they replace gave: the processes that lay
out the languages (a team forked from the build's process where that is safe, else a new
interpreter for the second language), the charts' Vega compiled once per layout (else once
per chart) and the PDF's charts embedded as their colours (else by WeasyPrint, with a
transparency mask)."""

from __future__ import annotations

import io
import pickle
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from opendtm.publish import charts, config, html, outlines, pdf, vega
from opendtm.publish.sections import country_figures
from opendtm.services.bulletin import Request, figures_model
from opendtm.services.bulletin_team import Team
from opendtm.services.bulletin_worker import Worker
from opendtm.services.demo import prepare_demo
from opendtm.store.database import make_engine

# run in a new interpreter, where the chart renderer has not started: a team of forked
# processes (both languages), then a new interpreter, lay out the same figures in Russian
BOTH_WAYS = """
import pickle, sys, time
from pathlib import Path
from opendtm.services.bulletin_team import Team
from opendtm.services.bulletin_team import Team
from opendtm.services.bulletin_worker import Worker
job = Path(sys.argv[1]).read_bytes()
model, cfg = pickle.loads(job)
assert Team.possible()
start = time.perf_counter()
with Team(["en", "ru"]) as idle:  # a build that failed before its pages: they end at once
    pass
assert not idle.close() and time.perf_counter() - start < 5
forked = Path(sys.argv[2])
with Team(["en", "ru"]) as team:
    for lang in ("en", "ru"):
        team.send(lang, pickle.dumps((model, lang, cfg, forked, ["html", "pdf"])))
    assert [team.paths(lang) for lang in ("en", "ru")] == [
        [forked / f"bulletin-{lang}.html", forked / f"bulletin-{lang}.pdf"]
        for lang in ("en", "ru")]
assert team.close()
new = Path(sys.argv[3])
worker = Worker()
worker.send(pickle.dumps((model, "ru", cfg, new, ["html", "pdf"])))
paths = worker.paths()
worker.close()
assert paths == [new / "bulletin-ru.html", new / "bulletin-ru.pdf"], paths
"""


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("worker")
    engine = make_engine(prepare_demo(f"sqlite:///{folder / 'opendtm.db'}"))
    try:
        cfg = config.load()
        model, _ = figures_model(engine, Request(out=folder, config=cfg, audience="internal"))
    finally:
        engine.dispose()
    path = folder / "job.pickle"
    path.write_bytes(pickle.dumps((model, cfg)))
    return path


def test_charts_compiled_once_per_layout_are_the_charts_compiled_each(job: Path) -> None:
    model, _ = pickle.loads(job.read_bytes())
    specs = [html.chart_spec(lang, code, fig) for lang in ("en", "ru")
             for code, block in model["countries"].items() for fig in country_figures(block)]
    assert len(specs) == 36 and sum("projection" in s for s in specs) == 8
    vega._SHELLS.clear()
    for spec in specs:
        # what charts.svg did before: Vega-Lite compiled and drawn in one call per chart
        whole = vega.renderer().vegalite_to_svg(spec)
        each = charts.PRECISION.sub(r"\1", outlines.clip_paths(
            whole, float(spec.get("width", charts.WIDTH)), float(spec.get("height", 300))))
        assert charts.svg(spec) == each
    assert len(vega._SHELLS) < len(specs) / 2  # the layouts: far fewer than the charts


def test_a_team_and_a_new_interpreter_lay_out_the_same_pages(job: Path, tmp_path: Path) -> None:
    forked, new = tmp_path / "forked", tmp_path / "new"
    forked.mkdir()
    new.mkdir()
    subprocess.run([sys.executable, "-c", BOTH_WAYS, str(job), str(forked), str(new)],
                   check=True)
    page = (forked / "bulletin-ru.html").read_text("utf-8")
    assert page == (new / "bulletin-ru.html").read_text("utf-8")
    assert page.count("<svg") == 18
    if shutil.which("pdftotext"):
        texts = [subprocess.run(["pdftotext", "-layout", str(folder / "bulletin-ru.pdf"), "-"],
                                check=True, capture_output=True, text=True).stdout
                 for folder in (forked, new)]
        assert texts[0] == texts[1]
        assert "Рисунок 18:" in texts[0]


def test_no_fork_once_the_renderer_runs_here() -> None:
    """The renderer's threads would be missing in a copy of this process: a new
    interpreter lays the language out instead."""
    charts.warm()
    assert not Team.possible()


def test_no_fork_while_another_thread_runs() -> None:
    """A lock held by another thread (a web server's) would stay locked in a copy."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not Team.possible()
    finally:
        stop.set()
        other.join()


def test_a_worker_without_a_job_ends_at_once(tmp_path: Path) -> None:
    start = time.perf_counter()
    worker = Worker()
    worker.close()
    assert worker.wait() != 0  # ended, not finished
    assert time.perf_counter() - start < 5
    assert list(tmp_path.iterdir()) == []


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftoppm) not installed")


def _kinds(path: Path) -> list[str]:
    """The kind of every image of a PDF (a picture, or the transparency mask of one)."""
    listing = subprocess.run(["pdfimages", "-list", str(path)], check=True,
                             capture_output=True, text=True).stdout
    return [row.split()[2] for row in listing.splitlines()[2:]]


def _page_images(path: Path, folder: Path) -> list[bytes]:
    """The PDF's pages as pixels (100 dpi)."""
    from PIL import Image

    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(path), str(folder / "p")], check=True)
    return [Image.open(page).convert("RGB").tobytes() for page in sorted(folder.iterdir())]


@needs_poppler
def test_charts_embedded_as_their_colours_look_the_same(job: Path, tmp_path: Path) -> None:
    """The PDF's charts, embedded as their colours (no transparency mask), draw every page
    the same, pixel for pixel, as WeasyPrint's own way; the file is smaller."""
    model, cfg = pickle.loads(job.read_bytes())
    pages = html.pages(model, "ru", cfg, pdf=True)
    assert pages.pdf is not None
    own = pdf.write(pages.pdf, tmp_path / "own.pdf", pages.images, opaque=False)
    opaque = pdf.write(pages.pdf, tmp_path / "opaque.pdf", pages.images)
    assert _kinds(opaque) == ["image"] * 18  # no "smask"
    pixels = _page_images(own, tmp_path / "own")
    assert len(pixels) >= 14 and pixels == _page_images(opaque, tmp_path / "opaque")
    assert opaque.stat().st_size < own.stat().st_size


@needs_poppler
def test_an_image_with_transparency_keeps_its_mask(tmp_path: Path) -> None:
    from PIL import Image

    image = Image.new("RGBA", (40, 20), (31, 111, 139, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    png = io.BytesIO()
    image.save(png, format="PNG")
    page = '<p>x</p><img src="opendtm-figure:1.png" style="width: 20px">'
    out = pdf.write(page, tmp_path / "mask.pdf", {"opendtm-figure:1.png": png.getvalue()})
    assert _kinds(out) == ["image", "smask"]


@pytest.mark.parametrize(("args", "langs"), [
    (["bulletin", "--out", "out"], ["en", "ru"]),
    (["--db", "sqlite:///x.db", "bulletin", "--lang", "ru", "--out", "out"], ["ru"]),
    (["bulletin", "--format", "json,pdf", "--lang=en"], ["en"]),
    (["bulletin", "--format", "json,hxl", "--out", "out"], []),
    (["bulletin", "--series", "survey", "--out", "out"], []),
    (["bulletin", "--help"], []),
    (["stats"], []),
    (["-k", "bulletin"], []),  # not the command line of a build
    ([], []),
])
def test_the_command_line_starts_a_team_for_the_pages_it_asks_for(
        args: list[str], langs: list[str]) -> None:
    from opendtm.services.bulletin_team import _pages_asked

    assert _pages_asked(args) == langs


def test_the_command_lays_out_its_pages_with_its_early_team(job: Path, tmp_path: Path) -> None:
    """``opendtm bulletin`` (a new interpreter, where the team is forked before the
    command's imports) writes the page this process lays out from the same figures."""
    import re

    url = f"sqlite:///{job.parent / 'opendtm.db'}"
    subprocess.run([sys.executable, "-m", "opendtm.cli.main", "--db", url, "bulletin",
                    "--audience", "internal", "--lang", "ru", "--format", "html",
                    "--out", str(tmp_path)], check=True, capture_output=True)
    model, cfg = pickle.loads(job.read_bytes())
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
    written = stamp.sub("", (tmp_path / "bulletin-ru.html").read_text("utf-8"))
    assert written == stamp.sub("", html.pages(model, "ru", cfg).html)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulletin-ru.html"]
