"""A composite walked again at the same input (the copies of a `repeat:`) is copied, not re-walked: the
report, its graph included, is the one a walk of every copy gives."""

from __future__ import annotations

import pytest

from archcalc import engine
from archcalc.engine import analyze
from archcalc.engine.copies import Walked
from archcalc.graph import Node
from archcalc.report import Report
from archcalc.spec.catalog import builtin_names
from archcalc.spec.model import load_spec
from tests.conftest import spec_from
from tests.paths import ROOT


def walked_every_time(monkeypatch: pytest.MonkeyPatch, spec: object) -> Report:
    """The report with no copying: every composite gets a key of its own."""
    keys = iter(range(10**9))
    monkeypatch.setattr(engine, "copy_key", lambda *_: next(keys))
    report = analyze(spec)  # type: ignore[arg-type]
    monkeypatch.undo()
    return report


def connections(node: Node) -> tuple[object, ...]:
    named = lambda nodes: [n.name for n in nodes]  # noqa: E731
    return (node.name, node.role, node.layer, node.parent and node.parent.name, named(node.inputs),
            named(node.consumers), named(node.children), {k: named(v) for k, v in node.lists.items()},
            node.output and node.output.name)  # fmt: skip


@pytest.mark.parametrize("name", builtin_names())
def test_every_zoo_spec_gives_the_report_a_walk_of_every_copy_gives(monkeypatch, name):
    spec = load_spec(ROOT / "specs" / f"{name}.yaml")
    copied, walked = analyze(spec), walked_every_time(monkeypatch, spec)
    assert copied.rows == walked.rows
    assert copied.totals == walked.totals
    assert copied.graph and walked.graph
    assert list(map(connections, copied.graph.nodes)) == list(map(connections, walked.graph.nodes))
    assert [n.name for n in copied.graph.order] == [n.name for n in walked.graph.order]


def repeated(body: list[str], before: str = "") -> str:
    """A spec of five copies of a residual block whose body is `body` (after the layers `before`)."""
    lines = "".join(f"          - {line}\n" for line in body)
    return (f"name: repeated\ninput: [8, 8, 4]\nblocks:\n  unit:\n    - residual:\n        body:\n{lines}"
            f"layers:\n{before}  - unit: {{repeat: 5}}\n")  # fmt: skip


CONV = "conv: {filters: 4, kernel: 3, padding: 1}"


def test_the_copies_of_a_repeat_are_measured_once(monkeypatch):
    measured = []
    original = engine.measure
    monkeypatch.setattr(
        engine, "measure", lambda layer, *a, **k: measured.append(layer) or original(layer, *a, **k)
    )
    report = analyze(spec_from(repeated([CONV])))
    assert len(measured) == 1  # one conv, measured in the first copy; its add is a merge, not a layer
    assert [row.name for row in report.rows if row.kind == "conv"] == [f"unit1.{i}.conv1" for i in range(5)]


READS_OUTSIDE = repeated(
    [CONV, "concat: {from: [-1, stem]}", "conv: {filters: 4, kernel: 1}"],
    before="  - conv: {name: stem, filters: 4, kernel: 1}\n",
)


def test_a_composite_that_reads_a_layer_before_it_is_walked_each_time(monkeypatch):
    report = analyze(spec_from(READS_OUTSIDE))
    assert report.rows == walked_every_time(monkeypatch, spec_from(READS_OUTSIDE)).rows
    concats = [row for row in report.rows if row.kind == "concat"]
    assert [row.inputs for row in concats] == [(f"unit1.{i}.conv1", "stem") for i in range(5)]


def test_a_composite_is_checked_for_copying_only_when_a_copy_of_it_comes(monkeypatch):
    checked = []
    original = Walked.of
    monkeypatch.setattr(Walked, "of", lambda layer, *a: checked.append(layer.kind) or original(layer, *a))
    analyze(spec_from(repeated([CONV])))
    assert checked == ["residual"]  # once, at its second copy; the sequence of five never has a copy


def test_a_composite_that_cannot_be_copied_is_checked_once_and_walked_each_time(monkeypatch):
    checked = []
    original = Walked.of
    monkeypatch.setattr(Walked, "of", lambda layer, *a: checked.append(layer.kind) or original(layer, *a))
    report = analyze(spec_from(READS_OUTSIDE))
    assert checked == ["residual"]
    assert len([row for row in report.rows if row.kind == "concat"]) == 5
