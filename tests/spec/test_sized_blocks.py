"""A block sees its input: expressions in a block may read nH, nW and nC, the size of the input of each use,
so that MobileNet's expansion is `nC * t` and DenseNet's transition `nC // 2`, without passing widths."""

import pytest

from archcalc.engine import analyze
from archcalc.errors import SpecError
from tests.conftest import messages, refusal, spec_from

SIZED = """\
name: sized
input: [8, 8, 16]
blocks:
  inverted(t=6):
    - conv: {filters: nC * t, kernel: 1, bias: false, bn: true, act: relu6}
    - conv: {filters: nC * t, kernel: 3, padding: 1, groups: nC * t, bias: false, bn: true, act: relu6}
    - conv: {filters: nC, kernel: 1, bias: false, bn: true}
  transition:
    - conv: {filters: nC // 2, kernel: 1}
    - pool: {op: avg, kernel: 2}
  whole:
    - pool: {kernel: [nH, nW]}
layers:
  - inverted: {name: ir}
  - transition: {name: down}
  - inverted: {name: ir2, t: 2}
  - whole: {name: squeeze}
"""


def rows(text: str = SIZED, input_shape=None) -> dict:
    return {row.name: row for row in analyze(spec_from(text), input_shape).rows}


def test_each_use_is_made_for_the_size_of_its_own_input():
    made = rows()
    # nC = 16 at the first use: 1×1 to 16·6 = 96 (16·96 weights + 2·96 BN), depthwise 3×3 over 96 (9·96 + 2·96),
    # 1×1 back to 16 (96·16 + 2·16)
    assert [made[f"ir.conv{k}"].params for k in (1, 2, 3)] == [1_728, 1_056, 1_568]
    assert made["down.conv1"].output == (8, 8, 8) and made["down"].output == (4, 4, 8)  # 16 // 2
    # nC = 8 at the second use, t = 2: 1×1 to 16 (8·16 + 32), depthwise (9·16 + 32), back to 8 (16·8 + 16)
    assert [made[f"ir2.conv{k}"].params for k in (1, 2, 3)] == [160, 176, 144]
    assert made["squeeze"].output == (1, 1, 8)  # a 4×4 window over the 4×4 map


def test_the_sizes_follow_the_input_given():
    assert rows(input_shape=(16, 12, 32))["squeeze"].output == (1, 1, 16)


def test_the_torch_model_is_made_of_the_same_layers():
    torch = pytest.importorskip("torch")
    from archcalc.backends.torch import build

    spec = spec_from(SIZED)
    model = build(spec)
    assert model.ir.conv2.conv.groups == 96 and model.ir2.conv2.conv.groups == 16
    assert sum(p.numel() for p in model.parameters()) == analyze(spec).totals.params
    assert model(torch.zeros(1, 16, 8, 8)).shape == (1, 8, 1, 1)


def test_a_problem_of_one_use_is_told_at_the_layer_and_at_that_use():
    text = SIZED.replace("nC // 2", "nC - 16")
    assert refusal(text) == [
        "test.yaml:9:23: conv: filters: input should be greater than 0, got 0 (in block 'transition' used at 15:5)"
    ]


def test_a_symbolic_size_cannot_size_a_block():
    assert (
        "block 'whole' reads nH and nW of its input, which has no number here"
        in refusal(SIZED, ("H", "W", 16))[0]
    )
    # nC is a number: the blocks that read only nC are made
    assert rows(SIZED.replace("  - whole: {name: squeeze}\n", ""), ("H", "W", 16))["down"].output[2] == 8


def test_nh_nw_and_nc_cannot_be_block_arguments():
    text = SIZED.replace("inverted(t=6)", "inverted(t=6, nC=3)")
    with pytest.raises(SpecError) as error:
        spec_from(text)
    assert "block 'inverted': argument 'nC=3' is reserved" in messages(error)[0]


def test_nh_nw_and_nc_cannot_be_spec_parameters():
    with pytest.raises(SpecError) as error:
        spec_from(SIZED + "params: {nC: 3}\n")
    assert "params: 'nC' is reserved: blocks read their input's size as nH, nW, nC" in messages(error)[0]
