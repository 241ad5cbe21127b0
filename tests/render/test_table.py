"""Rendering: golden outputs for people, and the JSON contract that tools depend on."""

import io
import json

import pytest
from rich.console import Console

from archcalc.engine import analyze
from archcalc.render import table as render
from archcalc.spec.model import load_spec
from tests.paths import GOLDEN, SPECS


def lenet5():
    return analyze(load_spec(SPECS / "lenet5.yaml"))


def rich_text(renderable) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=100, color_system=None).print(renderable)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("golden", "produce"),
    [
        ("lenet5.table.txt", lambda: rich_text(render.to_rich(lenet5()))),
        ("lenet5.md", lambda: render.to_markdown(lenet5())),
        ("lenet5.csv", lambda: render.to_csv(lenet5())),
    ],
)
def test_golden_output(golden, produce):
    assert produce() == (GOLDEN / golden).read_text(encoding="utf-8")


def test_json_contract():
    document = json.loads(render.to_json(lenet5()))
    assert set(document) == {"name", "description", "input", "output", "layers", "totals", "convention"}
    assert (document["name"], document["input"], document["output"]) == ("LeNet-5", [32, 32, 1], [10])
    assert set(document["layers"][0]) == {
        "name",
        "kind",
        "summary",
        "input",
        "output",
        "params",
        "trainable_params",
        "buffers",
        "macs",
        "attention_macs",
        "bias_adds",
        "activations",
        "norm_params",
        "norm_outputs",
        "pooled_inputs",
        "depth",
        "container",
        "inputs",
    }
    assert document["layers"][0]["output"] == [28, 28, 6]
    assert [row["inputs"] for row in document["layers"][:3]] == [["input"], ["conv1"], ["pool1"]]
    assert document["totals"] == {
        "params": 61_706,
        "trainable_params": 61_706,
        "non_trainable_params": 0,
        "buffers": 0,
        "macs": 416_520,
        "flops": 833_040,
        "attention_macs": 0,  # no attention
        "bias_adds": 6_518,
        "activations": 4_704 + 1_176 + 1_600 + 400 + 400 + 120 + 84 + 10,
        "param_bytes_fp32": 4 * 61_706,
        "norm_params": 0,  # no batch norm
        "norm_outputs": 0,
        "pooled_inputs": 0,  # no adaptive average pool
    }
    assert document["convention"].startswith("MACs = multiply-accumulates of conv/dense weights")


def test_attention_macs_get_a_column_and_a_total_only_where_a_network_has_attention():
    from archcalc.engine import analyze as walk

    vit = walk(load_spec(SPECS / "vit-b16.yaml"))
    markdown = render.to_markdown(vit)
    assert "| layer | kind | output nH×nW×nC | params | MACs | attention MACs |" in markdown
    # twelve blocks of 2·197²·768 = 59,610,624 attention MACs each
    assert "- attention MACs: 715,327,488 of them in attention's QKᵀ and AV" in markdown
    assert "attention MACs" not in render.to_markdown(lenet5()).split("_MACs =")[0]
    assert json.loads(render.to_json(vit))["totals"]["attention_macs"] == 12 * 2 * 197 * 197 * 768
    assert "attention MACs" in render.to_latex(vit)


def test_a_table_too_long_to_box_is_printed_as_aligned_lines_with_nothing_cut(monkeypatch):
    """Rich needs ~0.2 ms a boxed row (25 s for a 111,111-row spec); long tables print as plain lines."""
    monkeypatch.setattr(render, "BOXED_ROWS", 3)
    buffer = io.StringIO()
    report = analyze(load_spec(SPECS / "lenet5.yaml"))
    Console(file=buffer, width=40, color_system=None).print(render.to_rich(report), crop=False)  # as cli.show
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "LeNet-5 — input 32×32×1"
    assert lines[1].split() == ["layer", "kind", "output", "nH×nW×nC", "params", "MACs"]
    conv1 = next(line for line in lines if line.startswith("conv1"))
    assert conv1.split()[-3:] == ["28×28×6", "156", "117,600"]  # (5·5·1 + 1)·6 and 28·28·6·25, wider than 40
    assert next(line for line in lines if line.startswith("total")).split()[-2:] == ["61,706", "416,520"]


def test_the_json_comes_a_row_a_piece_and_joined_is_the_json_text():
    report = lenet5()
    pieces = list(render.json_chunks(report))
    assert "".join(pieces) == render.to_json(report)
    rows = [piece for piece in pieces if '"kind":' in piece]
    assert len(rows) == len(report.rows) and all(piece.count('"kind":') == 1 for piece in rows)
