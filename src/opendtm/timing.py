"""Log lines that time the steps of long work (wall clock and the process's CPU time).

``with timed(log, "step"):`` logs ``import: step 1.23 s (CPU 1.20 s)`` at DEBUG level when
the block ends (``logging.getLogger("opendtm").setLevel(logging.DEBUG)`` shows them).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timed(log: logging.Logger, step: str) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    log.debug("import: %s %.2f s (CPU %.2f s)", step, time.perf_counter() - wall,
              time.process_time() - cpu)
