"""An imported model keeps its structure: modules become sequences, residual blocks and branches named as
torch names them, and copies of one module in a row become one block with `repeat:`."""

import pytest

torch = pytest.importorskip("torch")

import archcalc  # noqa: E402
from archcalc.importers import written  # noqa: E402
from tests.importers import models, written_layers  # noqa: E402
from tests.paths import SPECS  # noqa: E402


def layers_of(text):
    return text.split("layers:\n", 1)[1] if "blocks:\n" not in text else text.split("blocks:\n", 1)[1]


def test_stages_of_bottlenecks_become_one_block_whose_first_copy_takes_the_stride():
    imported = archcalc.import_model(models.TinyResNet(), input=(16, 16, 3))
    assert layers_of(imported.text) == (
        "  bottleneck(filters, stride, filters_2):\n"
        "    - residual:\n"
        "        body:\n"
        "          - conv: {name: conv1, filters: filters, kernel: 1, bn: true, act: relu}\n"
        "          - conv: {name: conv2, filters: filters, kernel: 3, padding: 1, bn: true, act: relu, stride: stride}\n"
        "          - conv: {name: conv3, filters: filters_2, kernel: 1, bn: true}\n"
        "        shortcut: auto\n"
        "        projection_bn: true\n"
        "        act: relu\n"
        "layers:\n"
        "  - conv: {name: conv1, filters: 8, kernel: 3, padding: 1, bn: true, act: relu}  # 16×16×8\n"
        "  - bottleneck: {name: layer1, repeat: 2, filters: 4, stride: 1, filters_2: 16}  # 16×16×16\n"
        "  - bottleneck: {name: layer2, repeat: 3, filters: 8, stride: 2 if i == 0 else 1, filters_2: 32}  # 8×8×32\n"
        "  - global_pool: {name: global_pool}  # 1×1×32\n"
        "  - flatten: {name: flatten}  # 32\n"
        "  - dense: {name: fc, units: 10}  # 10\n"
    )
    totals = imported.analysis.totals
    # stem 216 + bn 16; layer1: 448 (with its 8→16 downsample) + 320; layer2: 1,632 (downsample 16→32, s2)
    # + 2 · 1,184; fc 330
    assert totals.params == 232 + 448 + 320 + 1_632 + 2 * 1_184 + 330 == 5_330
    # MACs per position at 16·16: stem 8·27; layer1.0 8·4 + 36·4 + 4·16 + 8·16 (downsample); layer1.1
    # 16·4 + 36·4 + 4·16; layer2.0's conv1 16·8; at 8·8: layer2.0's 72·8 + 8·32 + 16·32 (downsample, s2),
    # layer2.1 and 2.2 32·8 + 72·8 + 8·32 each; fc 32·10
    layer1 = 256 * (32 + 144 + 64 + 128) + 256 * (64 + 144 + 64)
    layer2 = 256 * 128 + 64 * (576 + 256 + 512) + 2 * 64 * (256 + 576 + 256)
    assert totals.macs == 256 * 216 + layer1 + layer2 + 320 == 477_504
    names = [row.name for row in imported.analysis.rows]
    assert {"layer1.0.conv1", "layer1.0.shortcut", "layer2.2.conv3", "layer2.2.add"} <= set(names)


def test_a_module_that_concatenates_its_branches_becomes_branches_named_after_them():
    imported = archcalc.import_model(models.WithInception(), input=(8, 8, 3))
    assert written_layers(imported) == (
        "  - conv: {name: stem, filters: 6, kernel: 3, padding: 1}  # 8×8×6\n"
        "  - branches:  # 8×8×16\n"
        "      name: mixed\n"
        "      paths:\n"
        "        branch1:\n"
        "          - conv: {filters: 4, kernel: 1}  # 8×8×4\n"
        "        branch2:\n"
        "          - conv: {name: '0', filters: 2, kernel: 1, act: relu}  # 8×8×2\n"
        "          - conv: {name: '2', filters: 4, kernel: 3, padding: 1}  # 8×8×4\n"
        "        branch3:\n"
        "          - pool: {name: '0', kernel: 3, stride: 1, padding: 1}  # 8×8×6\n"
        "          - conv: {name: '1', filters: 2, kernel: 1}  # 8×8×2\n"
        "        branch4: []\n"
    )
    # stem 27·6 + 6; branches 6·4 + 4, 6·2 + 2 and 18·4 + 4, 6·2 + 2; every conv at 8·8 positions
    assert imported.analysis.totals.params == 168 + 28 + 14 + 76 + 14 == 300
    assert imported.analysis.totals.macs == 64 * (162 + 24 + 12 + 72 + 12) == 18_048


def test_a_module_whose_inner_value_is_read_outside_it_is_written_out_in_its_parent():
    imported = archcalc.import_model(models.Skipping(), input=(8, 8, 3))
    assert written_layers(imported) == (
        "  - conv: {name: enc_conv1, filters: 4, kernel: 3, padding: 1}  # 8×8×4\n"
        "  - conv: {name: enc_conv2, filters: 4, kernel: 3, padding: 1}  # 8×8×4\n"
        "  - concat: {name: concat, from: [enc_conv2, enc_conv1]}  # 8×8×8\n"
        "  - conv: {name: head, filters: 2, kernel: 1}  # 8×8×2\n"
    )


def test_resnet50_built_from_the_zoo_imports_back_to_the_zoo_spec_shape_and_names():
    original = archcalc.analyze(SPECS / "resnet50.yaml")
    with torch.device("meta"):
        model = archcalc.build(SPECS / "resnet50.yaml")
    imported = archcalc.import_model(model, input=(224, 224, 3))
    uses = [line.split("#")[0].strip() for line in imported.text.splitlines() if "repeat:" in line]
    assert [use.split("{", 1)[1] for use in uses] == [
        "name: layer1, repeat: 3, filters: 64, stride: 1, filters_2: 256}",
        "name: layer2, repeat: 4, filters: 128, stride: 2 if i == 0 else 1, filters_2: 512}",
        "name: layer3, repeat: 6, filters: 256, stride: 2 if i == 0 else 1, filters_2: 1024}",
        "name: layer4, repeat: 3, filters: 512, stride: 2 if i == 0 else 1, filters_2: 2048}",
    ]
    stages = [row.name for row in original.report.rows if row.name.startswith("layer")]
    assert [row.name for row in imported.analysis.rows if row.name.startswith("layer")] == stages


def test_a_structure_that_would_count_otherwise_is_not_written_the_flat_spec_is(monkeypatch):
    def wrong(imported):
        return written.spec_text(imported).replace("filters: 4,", "filters: 5,", 1)

    monkeypatch.setattr(written, "structured_text", wrong)
    imported = archcalc.import_model(models.Skipping(), input=(8, 8, 3))
    assert "filters: 4," in imported.text and "filters: 5," not in imported.text
