"""The graph a walk makes: released, its nodes are freed by reference counting alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from archcalc.engine import analyze
from archcalc.spec.model import load_spec
from tests.paths import SPECS


@pytest.fixture
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_dropped_graph_is_left_to_the_cycle_collector(collector_paused):
    report = analyze(load_spec(SPECS / "resnet18.yaml"))
    del report
    assert gc.collect() > 0


def test_a_released_graph_is_freed_as_soon_as_it_is_dropped(collector_paused):
    report = analyze(load_spec(SPECS / "resnet18.yaml"))
    assert report.graph is not None
    report.graph.release()
    assert all(not node.inputs and not node.consumers and node.parent is None for node in report.graph)
    del report
    assert gc.collect() == 0
