"""Importing PyTorch models: traced with torch.fx, every layer read back by its kind, checked shape by shape."""

import pytest

torch = pytest.importorskip("torch")

import archcalc  # noqa: E402
from archcalc.importers.read import read_model  # noqa: E402
from tests.importers import models, written_layers  # noqa: E402
from tests.paths import SPECS  # noqa: E402

ZOO = sorted(path.stem for path in SPECS.glob("*.yaml"))


def counts(totals):
    """Every count but `activations`, which adds up the rows' outputs: a conv, its batch norm and its ReLU
    written as three rows count their outputs three times, fused in one row once."""
    return {name: value for name, value in totals.counts().items() if name != "activations"}


def weight_layers(report):
    """(output shape, MACs) of every conv and dense layer, in the order the table lists them (their params
    are compared in total: a batch norm may be a row of its own or fused into the conv before it)."""
    return [(row.output, row.macs) for row in report.rows if not row.container and row.macs]


@pytest.mark.parametrize("stem", ZOO)
def test_every_zoo_spec_built_in_torch_imports_back_to_the_same_costs_layer_by_layer(stem):
    original = archcalc.analyze(SPECS / f"{stem}.yaml")
    with torch.device("meta"):
        model = archcalc.build(SPECS / f"{stem}.yaml")
    imported = archcalc.import_model(model, input=original.input)
    assert counts(imported.analysis.totals) == counts(original.totals)
    assert weight_layers(imported.analysis.report) == weight_layers(original.report)
    assert imported.analysis.output == original.output


def test_a_model_written_by_hand_becomes_a_spec_with_the_counts_worked_out_by_hand():
    imported = archcalc.import_model(models.small_resnet(num_classes=10), input=(32, 32, 3))
    totals = imported.analysis.totals
    # stem 3·3·3·16 + 16; four 3×3 16→16 convs without bias, each with batch norm (2·16); fc 16·10 + 10
    assert totals.params == 448 + 4 * (2_304 + 32) + 170 == 9_962
    # 32·32·16 outputs: 27 MACs each for the stem, 144 for each block conv; 160 for the fc
    assert totals.macs == 32 * 32 * 16 * (27 + 4 * 144) + 160 == 9_879_712


def test_conv_batch_norm_and_activation_fold_into_one_layer_and_a_residual_add_is_a_residual_block():
    text = archcalc.import_model(models.SmallResNet(), input=(32, 32, 3)).text
    assert text.split("blocks:\n")[1] == (
        "  basic:\n"
        "    - residual:\n"
        "        body:\n"
        "          - conv: {name: conv1, filters: 16, kernel: 3, padding: 1, bn: true, act: relu}\n"
        "          - conv: {name: conv2, filters: 16, kernel: 3, padding: 1, bn: true}\n"
        "        act: relu\n"
        "layers:\n"
        "  - conv: {name: stem, filters: 16, kernel: 3, padding: 1, act: relu}  # 32×32×16\n"
        "  - basic: {name: blocks, repeat: 2}  # 32×32×16\n"
        "  - global_pool: {name: global_pool}  # 1×1×16\n"
        "  - flatten: {name: flatten}  # 16\n"
        "  - dense: {name: fc, units: 10}  # 10\n"
    )


def test_functions_are_read_as_the_layers_they_are():
    imported = archcalc.import_model(models.Functional(), input=(8, 8, 3))
    assert written_layers(imported) == (
        "  - conv: {name: left, filters: 4, kernel: 1, act: sigmoid}  # 8×8×4\n"
        "  - conv: {name: right, from: -2, filters: 6, kernel: 3, padding: 1, act: {fn: leaky_relu, slope: 0.1}}  # 8×8×6\n"
        "  - concat: {name: concat, from: [left, right]}  # 8×8×10\n"
        "  - pool: {name: pool, kernel: 2}  # 4×4×10\n"
        "  - pool: {name: pool_2, op: avg, kernel: 3, stride: 1, padding: 1}  # 4×4×10\n"
        "  - flatten: {name: flatten}  # 160\n"
        "  - act: {name: softmax, fn: softmax}  # 160\n"
    )
    # left: 3·4 + 4 params, 8·8·4·3 MACs; right: 27·6 + 6 params, 8·8·6·27 MACs
    assert imported.analysis.totals.params == 16 + 168
    assert imported.analysis.totals.macs == 768 + 10_368


def test_every_op_without_a_kind_is_named_and_nothing_is_counted_as_zero():
    with pytest.raises(archcalc.SpecError) as caught:
        read_model(models.Unmappable(), (16, 16, 3), {})
    assert [str(d) for d in caught.value.diagnostics] == [
        "Unmappable: 'norm' (torch.nn.InstanceNorm2d) has no archcalc layer kind; the spec would miss its cost, "
        "so nothing was written (`archcalc rules` and the README list the kinds)",
        "Unmappable: 'mul' (operator.mul) has no archcalc layer kind: it joins a tensor with a constant; the "
        "spec would miss its cost, so nothing was written (`archcalc rules` and the README list the kinds)",
    ]


def test_a_model_fx_cannot_trace_is_run_on_meta_tensors_and_read_from_the_calls_it_makes():
    imported = archcalc.import_model(models.ShapeDependent(), input=(16, 16, 3))
    assert written_layers(imported) == (
        "  - conv: {name: conv, filters: 8, kernel: 3, padding: 1, act: relu}  # 16×16×8\n"
        "  - pool: {name: pool, kernel: 2}  # 8×8×8\n"
        "  - pool: {name: pool_2, kernel: 2}  # 4×4×8\n"
        "  - basic: {name: blocks, repeat: 2}  # 4×4×8\n"
        "  - global_pool: {name: global_pool}  # 1×1×8\n"
        "  - flatten: {name: flatten}  # 8\n"
        "  - dense: {name: fc, units: 10}  # 10\n"
    )
    assert "(run on meta tensors: torch.fx cannot trace it)" in imported.text
    # conv 27·8 + 8; four 3×3 8→8 convs without bias, each with batch norm (2·8); fc 8·10 + 10
    assert imported.analysis.totals.params == 224 + 4 * (576 + 16) + 90 == 2_682
    # conv at 16·16, the blocks at 4·4 (after two pools), fc
    assert imported.analysis.totals.macs == 256 * 8 * 27 + 4 * 16 * 8 * 72 + 80 == 92_240


def test_a_model_that_neither_traces_nor_runs_on_meta_tensors_points_to_onnx():
    message = r"torch\.fx cannot trace the model .* running it on meta tensors fails too .*import the \.onnx"
    with pytest.raises(archcalc.SpecError, match=message):
        read_model(models.Branchy(), (8, 8, 3), {})


def test_importing_a_model_leaves_its_weights_where_they_were():
    for model in (models.SmallResNet(), models.ShapeDependent()):
        archcalc.import_model(model, input=(16, 16, 3))
        assert {tensor.device.type for tensor in model.state_dict().values()} == {"cpu"}


def test_a_model_that_does_not_run_on_the_input_says_so():
    with pytest.raises(archcalc.SpecError, match=r"the model does not run on a 8×8×4 input .*--input"):
        read_model(models.SmallResNet(), (8, 8, 4), {})


def test_a_factory_is_called_with_its_arguments():
    imported = archcalc.import_model("tests.importers.models:small_resnet", input=(32, 32, 3),
                                     args={"num_classes": 100, "width": 8})  # fmt: skip
    # stem 3·9·8 + 8, four 8→8 convs 576 + 16 each, fc 8·100 + 100
    assert imported.analysis.totals.params == 224 + 4 * 592 + 900


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "tests.importers.models:nothing",
            "tests.importers.models:nothing: module 'tests.importers.models' has no 'nothing'",
        ),
        (
            "no_such_module:net",
            "no_such_module:net: cannot import 'no_such_module' (No module named 'no_such_module'); run from the folder that holds it, or install its package",
        ),
        (
            "tests.importers.models",
            "tests.importers.models: give a model as pkg.module:factory (a function or class that makes the nn.Module), or an .onnx file",
        ),
        (
            "tests.importers.models:small_resnet",
            "tests.importers.models:small_resnet: tests.importers.models:small_resnet(depth=3) raised TypeError: small_resnet() got an unexpected keyword argument 'depth'",
        ),
    ],
)
def test_a_factory_that_cannot_be_used_is_a_problem_of_the_input(target, message):
    arguments = {"depth": 3} if target.endswith("small_resnet") else {}
    with pytest.raises(archcalc.SpecError) as caught:
        archcalc.import_model(target, input=(32, 32, 3), args=arguments)
    assert str(caught.value) == message
