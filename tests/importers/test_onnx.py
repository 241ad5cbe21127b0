"""Importing ONNX files: the onnx package alone reads them (no torch), checked against ONNX's shape inference."""

import pytest

onnx = pytest.importorskip("onnx")

from onnx import TensorProto, helper  # noqa: E402

import archcalc  # noqa: E402
from tests.importers import written_layers  # noqa: E402


def weight(name, *dims):
    return helper.make_tensor(name, TensorProto.FLOAT, dims, [0.0] * _count(dims))


def _count(dims):
    total = 1
    for dim in dims:
        total *= dim
    return total


def write(path, nodes, initializers, input_dims=(1, 3, 8, 8)):
    graph = helper.make_graph(
        nodes, "hand-made",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(input_dims))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializers,
    )  # fmt: skip
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


def small_net(path):
    """conv 3×3 3→4 (pad 1, bias) → relu → max pool 2 → flatten → Gemm 64→10, as onnx.helper writes it."""
    nodes = [
        helper.make_node(
            "Conv", ["x", "w1", "b1"], ["c"], name="/conv/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]
        ),
        helper.make_node("Relu", ["c"], ["r"], name="/relu/Relu"),
        helper.make_node("MaxPool", ["r"], ["p"], name="/pool/MaxPool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="/flatten/Flatten", axis=1),
        helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], name="/fc/Gemm", transB=1),
    ]
    weights = [weight("w1", 4, 3, 3, 3), weight("b1", 4), weight("w2", 10, 64), weight("b2", 10)]
    return write(path, nodes, weights)


def test_an_onnx_graph_becomes_a_spec_with_the_counts_worked_out_by_hand(tmp_path):
    imported = archcalc.import_model(small_net(tmp_path / "small.onnx"))
    assert written_layers(imported) == (
        "  - conv: {name: conv, filters: 4, kernel: 3, padding: 1, act: relu}  # 8×8×4\n"
        "  - pool: {name: pool, kernel: 2}  # 4×4×4\n"
        "  - flatten: {name: flatten}  # 64\n"
        "  - dense: {name: fc, units: 10}  # 10\n"
    )
    # conv: 3·3·3·4 + 4 params, 8·8·4 outputs of 27 MACs; dense: 64·10 + 10 params, 640 MACs
    assert imported.analysis.totals.params == 112 + 650
    assert imported.analysis.totals.macs == 6_912 + 640


def test_an_onnx_op_without_a_kind_is_named(tmp_path):
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="/conv/Conv", kernel_shape=[1, 1]),
             helper.make_node("LpNormalization", ["c"], ["y"], name="/norm/LpNormalization")]  # fmt: skip
    path = write(tmp_path / "norm.onnx", nodes, [weight("w", 4, 3, 1, 1)])
    with pytest.raises(archcalc.SpecError) as caught:
        archcalc.import_model(path)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{path}: '/norm/LpNormalization' (LpNormalization) has no archcalc layer kind; the spec would miss "
        "its cost, so nothing was written (`archcalc rules` and the README list the kinds)"
    ]


def test_a_file_that_is_not_onnx_is_said_to_be_so(tmp_path):
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"not a protobuf")
    with pytest.raises(archcalc.SpecError, match=r"broken\.onnx: not an ONNX model onnx can read"):
        archcalc.import_model(path)


def test_an_onnx_file_takes_no_input_size(tmp_path):
    with pytest.raises(archcalc.SettingError, match="an ONNX file has its own input size"):
        archcalc.import_model(small_net(tmp_path / "small.onnx"), input=(8, 8, 3))
