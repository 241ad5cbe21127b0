"""Big reports allocate millions of objects that all live as long as the report: Python's cycle collector,
triggered by the allocation count, would re-scan them again and again while they are made (1.8 of 4.7 s
for a 100,000-layer table) to find nothing to free."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def building() -> Iterator[None]:
    """Pause cyclic garbage collection while a report (or its text) is built; restore it after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
