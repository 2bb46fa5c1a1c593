"""Log lines that time the steps of long work (wall clock, the process's CPU time and its
resident memory at the end of the step).

``with timed(log, "step"):`` logs ``import: step 1.23 s (CPU 1.20 s, 312 MiB)`` at DEBUG
level when the block ends (``logging.getLogger("opendtm").setLevel(logging.DEBUG)`` shows
them).
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_STATUS = Path("/proc/self/status")


def resident_mib() -> float:
    """The process's resident memory now (Linux), or its peak elsewhere, in MiB."""
    if _STATUS.exists():
        for line in _STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(log: logging.Logger, step: str) -> Iterator[None]:
    if not log.isEnabledFor(logging.DEBUG):
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    log.debug("import: %s %.2f s (CPU %.2f s, %.0f MiB)", step, time.perf_counter() - wall,
              time.process_time() - cpu, resident_mib())
