"""Every layer kind and every shortcut builds in torch, runs forward on real tensors, and counts the same."""

import pytest
import torch

from archcalc.backends.torch import build, hwc, nchw
from archcalc.engine import analyze
from tests.conftest import spec_from
from tests.layers.test_registry import EXAMPLES

SHORTCUTS = {
    "identity": ("[8, 8, 4]", "body: [conv: {filters: 4, kernel: 3, padding: 1}]"),
    "projection": (
        "[8, 8, 4]",
        "body: [conv: {filters: 8, kernel: 3, stride: 2, padding: 1}]\n      shortcut: projection\n      projection_bn: true",
    ),
    "zero_pad": (
        "[8, 8, 4]",
        "body: [conv: {filters: 8, kernel: 3, stride: 2, padding: 1}]\n      shortcut: zero_pad",
    ),
    "auto": ("[8, 8, 4]", "body: [conv: {filters: 8, kernel: 1}]\n      shortcut: auto"),
    "custom": (
        "[8, 8, 4]",
        "body: [conv: {filters: 8, kernel: 1}]\n      shortcut: [conv: {filters: 8, kernel: 1}]",
    ),
    "plain": ("[8, 8, 4]", "body: [conv: {filters: 8, kernel: 1}]\n      plain: true\n      act: relu"),
    "vector projection": ("[128]", "body: [dense: 256]\n      shortcut: projection"),
    "vector zero_pad": ("[128]", "body: [dense: 256]\n      shortcut: zero_pad\n      act: relu"),
    "tokens projection": ((5, 16), "body: [dense: 32]\n      shortcut: projection"),
    "tokens zero_pad": ((5, 16), "body: [dense: 32]\n      shortcut: zero_pad"),
}


def run_forward(text: str, tokens: tuple[int, int] | None = None):
    """Build the spec, run a batch of 2 random samples, return (engine report, torch output, torch model);
    `tokens`: run it on N×D tokens instead of its input (which no spec starts from)."""
    spec = spec_from(text)
    report = analyze(spec, tokens)
    torch.manual_seed(0)
    model = build(spec, report).eval()
    with torch.no_grad():
        output = model(torch.randn(nchw(report.input, batch=2)))
    return report, output, model


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_every_kind_runs_forward_with_the_engines_shape_and_params(kind):
    item, x, output, params, _ = EXAMPLES[kind]
    dims = ", ".join(map(str, x)) if len(x) != 2 else "1"
    report, y, model = run_forward(
        f"name: t\ninput: [{dims}]\nlayers:\n  - {item}\n", x if len(x) == 2 else None
    )
    assert hwc(y.shape) == output == report.output
    assert sum(p.numel() for p in model.parameters()) == params


@pytest.mark.parametrize("shortcut", sorted(SHORTCUTS))
def test_every_shortcut_runs_forward(shortcut):
    input_shape, settings = SHORTCUTS[shortcut]
    tokens = input_shape if isinstance(input_shape, tuple) else None
    report, y, model = run_forward(
        f"name: t\ninput: {'[1]' if tokens else input_shape}\nlayers:\n  - residual:\n      {settings}\n",
        tokens,
    )
    assert hwc(y.shape) == report.output
    assert sum(p.numel() for p in model.parameters()) == report.totals.params


def test_zero_pad_keeps_every_other_pixel_and_pads_channels_with_zeros():
    _, y, _ = run_forward("name: t\ninput: [4, 4, 2]\nlayers:\n  - zero_pad: {size: 3, stride: 2}\n")
    assert y.shape == (2, 3, 2, 2)
    assert torch.all(y[:, 2] == 0)


def test_module_names_read_like_the_table():
    spec = spec_from("name: t\ninput: [8, 8, 3]\nblocks:\n  b(w):\n    - residual:\n        body: [conv: {filters: w, kernel: 1, bn: true, act: relu}]\n"
                     "        shortcut: auto\nlayers:\n  - b: {name: stage, w: 4, repeat: 2}\n")  # fmt: skip
    report = analyze(spec)
    names = set(dict(build(spec, report).named_modules()))
    assert {
        "stage.0.conv1.conv",
        "stage.0.conv1.bn",
        "stage.0.shortcut",
        "stage.0.add",
        "stage.1.add",
    } <= names
    assert {row.name for row in report.rows} <= names


def test_in_place_activations_never_touch_an_input_another_path_reads():
    # the branch's lone added path is the input itself: its relu must not change what the shortcut adds
    text = ("name: t\ninput: [6]\nlayers:\n  - residual:\n      body:\n"
            "        - branches: {merge: add, paths: [[]], act: relu}\n")  # fmt: skip
    spec = spec_from(text)
    model = build(spec, analyze(spec)).eval()
    x = torch.tensor([[-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]])
    with torch.no_grad():
        y = model(x.clone())
    assert torch.equal(y, torch.relu(x) + x)


def test_a_residual_block_computes_g_of_body_plus_shortcut():
    spec = spec_from(
        "name: t\ninput: [4]\nlayers:\n  - residual:\n      body: [dense: {units: 4, bias: false}]\n      act: relu\n"
    )
    model = build(spec, analyze(spec)).eval()
    weight = model.residual1.dense1.weight
    x = torch.randn(3, 4)
    with torch.no_grad():
        assert torch.allclose(model(x.clone()), torch.relu(x @ weight.T + x))


def test_build_needs_only_the_spec():
    model = build(spec_from("name: t\ninput: [4]\nlayers:\n  - dense: 2\n"))
    assert model(torch.zeros(1, 4)).shape == (1, 2)


def test_every_activation_name_has_its_torch_module():
    from typing import get_args

    from archcalc.layers.activation import TORCH_CLASSES, Act, ActivationName

    assert set(TORCH_CLASSES) == set(get_args(ActivationName))
    for fn in TORCH_CLASSES:
        module = Act(fn=fn).module(torch.nn, inplace=True)
        assert type(module).__name__ == TORCH_CLASSES[fn]
        assert module(torch.ones(1, 2, 3, 3)).shape == (1, 2, 3, 3)
    assert Act(fn="leaky_relu", slope=0.1).module(torch.nn).negative_slope == 0.1


def test_a_spec_that_reads_earlier_layers_by_name_runs_as_a_flow_in_torch():
    from tests.layers.test_merge import ROUTE

    spec = spec_from(ROUTE)
    report = analyze(spec)
    model = build(spec, report).eval()
    assert type(model).__name__ == "FlowModel"
    assert hwc(model(torch.zeros(nchw(report.input))).shape) == report.output
    # module names are the table's names, as for a chain
    assert {name for name, _ in model.named_children()} == {row.name for row in report.rows if row.depth == 0}


def test_a_flow_reading_the_same_value_twice_runs():
    spec = spec_from(
        "name: t\ninput: [4, 4, 2]\nlayers:\n  - conv: {filters: 2, kernel: 1}\n  - add: [-1, -1]\n  - mul: [-1, -2, -2]\n"
    )
    report = analyze(spec)
    assert hwc(build(spec, report).eval()(torch.ones(nchw(report.input))).shape) == (4, 4, 2)


def test_a_layer_reads_parts_of_earlier_blocks_and_layers_of_enclosing_lists_as_torch_written_by_hand():
    from torch.nn import functional

    from tests.layers.test_merge import REACH

    m = build(spec_from(REACH)).eval()

    def by_hand(x):
        a = m.backbone.a(x)
        up = functional.interpolate(m.mid(functional.max_pool2d(m.backbone.b(a), 2)), scale_factor=2)
        joined = torch.cat([up, a], 1)
        c = m.res.c(joined)
        r = m.res.e(c) + c + joined  # the body's add, then the identity shortcut
        return torch.cat([torch.cat([m.split.left.d(r), up], 1), m.split.right.conv1(r)], 1)

    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        assert torch.equal(m(x), by_hand(x))
    assert not m.flow.taps.values  # what was kept for readers in other lists is let go
