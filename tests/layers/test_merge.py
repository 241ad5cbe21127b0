"""Named inputs (`from:`) and the merges that join them: concat, add, mul — checked by hand and by torch."""

import pytest

from archcalc.engine import analyze
from tests.conftest import refusal, spec_from

ROUTE = """
name: route
input: [16, 16, 3]
layers:
  - conv: {name: stem, filters: 8, kernel: 3, padding: 1}
  - pool: {kernel: 2}
  - conv: {name: deep, filters: 16, kernel: 3, padding: 1}
  - upsample: 2
  - concat: {name: joined, from: [-1, stem]}
  - conv: {name: squeeze, filters: 24, kernel: 1}
  - global_pool
  - conv: {name: gate, filters: 24, kernel: 1, act: sigmoid}
  - mul: {from: [squeeze, gate]}
  - add: {from: [-1, squeeze]}
"""

REACH = """
name: reach
input: [8, 8, 3]
blocks:
  pair(width):
    - conv: {name: a, filters: width, kernel: 3, padding: 1}
    - conv: {name: b, filters: width, kernel: 1}
layers:
  - pair: {name: backbone, width: 4}
  - pool: {kernel: 2}
  - conv: {name: mid, filters: 6, kernel: 1}
  - upsample: {name: up, scale: 2}
  - concat: {name: joined, from: [-1, backbone.a]}
  - residual:
      name: res
      body:
        - conv: {name: c, filters: 10, kernel: 1}
        - conv: {name: e, filters: 10, kernel: 1}
        - add: {from: [-1, c]}
  - branches:
      name: split
      merge: concat
      paths:
        left:
          - conv: {name: d, filters: 5, kernel: 1}
          - concat: {from: [d, up]}
        right:
          - conv: {filters: 3, kernel: 1}
"""
"""`from:` into an earlier block (backbone.a), inside a residual body (c) and to an enclosing list (up)."""


def test_a_concat_reads_an_earlier_layer_by_name_and_the_shapes_follow():
    report = analyze(spec_from(ROUTE))
    rows = {row.name: row for row in report.rows}
    # the stem's 16×16×8 beside the upsampled 8·2 = 16×16×16: 8 + 16 = 24 channels
    assert rows["joined"].output == (16, 16, 24)
    assert rows["joined"].inputs == ("upsample1", "stem")
    # the 1×1×24 gate scales the 16×16×24 map; the sum keeps its shape
    assert rows["mul1"].output == (16, 16, 24) and rows["mul1"].inputs == ("squeeze", "gate")
    assert rows["add1"].output == (16, 16, 24)
    assert (rows["joined"].params, rows["joined"].macs, rows["mul1"].macs) == (0, 0, 0)
    # params: stem (27 + 1)·8 = 224, deep (72 + 1)·16 = 1,168, squeeze (24 + 1)·24 = 600, gate 600
    assert report.totals.params == 224 + 1_168 + 600 + 600


def test_references_are_checked_where_they_are_written():
    assert (
        "from: no earlier layer 'steam' — did you mean 'stem'? (earlier layers: stem, pool1,"
        in refusal(ROUTE.replace("from: [-1, stem]", "from: [-1, steam]"))[0]
    )
    later = ROUTE.replace("from: [-1, stem]", "from: [-1, squeeze]")
    assert "a name must come before the layer that reads it" in refusal(later)[0]


def test_merges_say_by_how_much_shapes_differ_and_what_would_fit():
    text = ROUTE.replace("  - upsample: 2\n", "")
    assert (
        "concat needs equal nH×nW: input 2 is 16×16 but input 1 is 8×8 (off by 8×8); upsample the smaller by 2 first"
        in refusal(text)[0]
    )


def test_only_merges_take_several_inputs():
    text = ROUTE.replace("  - conv: {name: squeeze,", "  - conv: {from: [-1, stem], name: squeeze,")
    assert "takes one input, not 2; join them first with concat, add or mul" in refusal(text)[0]


def test_several_outputs_are_named_and_a_dead_end_is_a_lint_warning(tmp_path):
    from typer.testing import CliRunner

    from archcalc.cli import app

    text = ROUTE.replace(
        "  - add: {from: [-1, squeeze]}\n",
        "  - add: {from: [-1, squeeze]}\n  - conv: {from: joined, filters: 4, kernel: 1}\n",
    )
    report = analyze(spec_from(text + "outputs: [add1, conv1]\n"))
    assert report.outputs == (("add1", (16, 16, 24)), ("conv1", (16, 16, 4)))
    assert report.to_dict()["outputs"] == [
        {"name": "add1", "shape": [16, 16, 24]},
        {"name": "conv1", "shape": [16, 16, 4]},
    ]
    assert (
        "outputs: no top-level layer 'conv9' — did you mean 'conv1'?"
        in refusal(text + "outputs: [add1, conv9]\n")[0]
    )
    spec = tmp_path / "dead.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(app, ["lint", str(spec)])
    assert "AC208 add 'add1': nothing reads its output and it is not in `outputs:`" in result.stdout


def test_a_crop_takes_the_size_of_a_reference_as_u_net_crops_its_skip_maps():
    text = """
name: skip
input: [64, 64, 8]
layers:
  - conv: {name: enc, filters: 8, kernel: 3}
  - pool: {kernel: 2}
  - conv_transpose: {name: up, filters: 8, kernel: 2, stride: 2}
  - crop: {name: skip, from: [enc, up]}
  - concat: {from: [skip, up]}
"""
    rows = {row.name: row for row in analyze(spec_from(text)).rows}
    # enc 62×62 (valid 3×3), pooled 31, up-convolved back to 62: the crop keeps all of it; 8 + 8 channels
    assert (rows["skip"].output, rows["concat1"].output) == ((62, 62, 8), (62, 62, 16))
    assert rows["skip"].inputs == ("enc", "up")
    refused = refusal(text.replace("from: [enc, up]", "from: enc"))
    assert "give either `size` (e.g. [56, 56]) or `from: [map, reference]`" in refused[0]


def test_a_block_given_several_inputs_is_refused_not_fed_the_first():
    text = ROUTE.replace("  - global_pool\n", "  - sequential: {from: [-1, stem], layers: [global_pool]}\n")
    assert (
        "sequential 'sequential1': takes one input, not 2; join them first with concat, add or mul"
        in refusal(text)[0]
    )


def test_from_reaches_into_earlier_blocks_inside_bodies_and_out_to_enclosing_lists():
    rows = {row.name: row for row in analyze(spec_from(REACH)).rows}
    # backbone.a is 8×8×4 (3×3 'same'), beside the upsampled 4·2 = 8×8×6: 10 channels
    assert rows["joined"].inputs == ("up", "backbone.a") and rows["joined"].output == (8, 8, 10)
    assert rows["res.add1"].inputs == ("res.e", "res.c")  # a residual body reads its own earlier layer
    # a branch path reads `up` from the top-level list: d's 5 channels + up's 6 = 11, beside right's 3
    assert rows["split.left.concat1"].inputs == ("split.left.d", "up")
    assert rows["split"].output == (8, 8, 11 + 3)
    # params (k·k·nC + 1)·nC': a 28·4, b 5·4, mid 5·6, c 11·10, e 11·10, d 11·5, right 11·3
    assert (
        sum(row.params for row in rows.values() if not row.container) == 112 + 20 + 30 + 110 + 110 + 55 + 33
    )
    # MACs nH·nW·nC'·k·k·nC: a 64·4·27, b 64·4·4, mid 16·6·4, c and e 64·10·10, d 64·5·10, right 64·3·10
    assert (
        sum(row.macs for row in rows.values() if not row.container)
        == 6_912 + 1_024 + 384 + 2 * 6_400 + 3_200 + 1_920
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("backbone.z", "from: 'backbone.z': backbone has no part 'z' (its parts: a, b)"),
        (
            "backbone.a.weights",
            "from: 'backbone.a.weights': backbone.a has no part 'weights' (its parts: none: it is a single layer)",
        ),
        ("bakbone.a", "from: no earlier layer 'bakbone' — did you mean 'backbone'?"),
    ],
)
def test_a_dotted_reference_names_the_part_it_could_not_find(source, message):
    assert message in refusal(REACH.replace("from: [-1, backbone.a]", f"from: [-1, {source}]"))[0]


def test_a_layer_cannot_read_the_block_it_is_inside():
    text = REACH.replace("from: [d, up]", "from: [d, split]")
    assert "from: no earlier layer 'split'" in refusal(text)[0]


def test_a_merge_explains_how_it_joins_not_that_its_shape_is_unchanged():
    from archcalc.layers.merge import Add, Concat

    concat = Concat.model_validate({"from": [-1, "backbone.stage4"]})
    assert concat.explain((26, 26, 256), (26, 26, 768)) == [
        "reads -1, backbone.stage4, stacked along the channels: nC' = the sum of its inputs' nC = 26×26×768; "
        "no parameters, no MACs"
    ]
    assert (
        "joined elementwise (add)" in Add.model_validate({"from": [-1, -2]}).explain((4, 4, 2), (4, 4, 2))[0]
    )
