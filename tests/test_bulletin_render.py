"""The bulletin's faster paths give what the paths they replace gave: the process that lays
out the second language (a fork of the build's process where that is safe, else a new
interpreter) and the charts' Vega compiled once per layout (else once per chart)."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opendtm.publish import charts, config, html, outlines, vega
from opendtm.publish.sections import country_figures
from opendtm.services.bulletin import Request, figures_model
from opendtm.services.bulletin_worker import Worker
from opendtm.services.demo import prepare_demo
from opendtm.store.database import make_engine

# run in a new interpreter, where the chart renderer has not started: a fork, then a new
# interpreter, each lay out the same figures in Russian
BOTH_WAYS = """
import pickle, sys
from pathlib import Path
from opendtm.services.bulletin_worker import Worker
job = Path(sys.argv[1]).read_bytes()
model, cfg = pickle.loads(job)
idle = Worker(True)  # a build that failed before its pages: the copy ends, having done nothing
idle.close()
assert idle.wait() != 0
for fork, out in ((True, Path(sys.argv[2])), (False, Path(sys.argv[3]))):
    worker = Worker(fork)
    assert worker.forked is fork
    worker.send(pickle.dumps((model, "ru", cfg, out, ["html", "pdf"])))
    paths = worker.paths()
    worker.close()
    assert paths == [out / "bulletin-ru.html", out / "bulletin-ru.pdf"], paths
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


def test_a_fork_and_a_new_interpreter_lay_out_the_same_pages(job: Path, tmp_path: Path) -> None:
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
    worker = Worker()
    try:
        assert not worker.forked
    finally:
        worker.close()


def test_a_worker_without_a_job_ends_at_once(tmp_path: Path) -> None:
    start = time.perf_counter()
    worker = Worker(fork=False)
    worker.close()
    assert worker.wait() != 0  # ended, not finished
    assert time.perf_counter() - start < 5
    assert list(tmp_path.iterdir()) == []
