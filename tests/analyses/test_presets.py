"""Counting presets reproduce other tools' totals exactly (rules and ResNet-50 figures: REFERENCE.md)."""

import pytest
from typer.testing import CliRunner

from archcalc.analyses.presets import PRESETS
from archcalc.cli import app
from archcalc.engine import analyze
from archcalc.spec.model import load_spec
from tests.paths import SPECS

RESNET50_MACS, RESNET50_BIAS_ADDS = 4_089_184_256, 1_000
# ResNet-50's batch norms: 53,120 γ and β (= its buffers) normalising 11,113,984 output elements;
# its adaptive average pool reads 7·7·2048 = 100,352
EXPECTED = {
    ("resnet50", "macs"): RESNET50_MACS,
    ("resnet50", "flops"): 8_178_368_512,
    ("resnet50", "torch"): 8_178_368_512,  # FlopCounterMode on torchvision's ResNet-50
    ("resnet50", "torchvision"): 4_089_185_256,  # torchvision's documented 4.09 GFLOPS, ptflops aten
    ("resnet50", "torchinfo"): 4_089_238_376,  # torchinfo "Total mult-adds"
    ("resnet50", "fvcore"): 4_111_512_576,  # = MACs + 22,227,968 (2 per BN output) + 100,352
    # VGG-16: no batch norm; 13,556,712 bias adds; the adaptive pool reads 7·7·512 = 25,088
    ("vgg16", "torchvision"): 15_470_264_320 + 13_556_712,
    ("vgg16", "torchinfo"): 15_470_264_320 + 13_556_712,
    ("vgg16", "fvcore"): 15_470_264_320 + 7 * 7 * 512,
    # ResNet-18: 4,800 BN channels (9,600 γ and β); 1,000 bias adds; the pool reads 7·7·512
    ("resnet18", "torchinfo"): 1_814_073_344 + 1_000 + 9_600,
    ("resnet18", "torchvision"): 1_814_073_344 + 1_000,
    # LeNet-5: no batch norm, no adaptive pool: fvcore counts exactly the MACs
    ("lenet5", "fvcore"): 416_520,
    ("lenet5", "torchvision"): 416_520 + 6_518,
}


@pytest.mark.parametrize(("stem", "preset"), sorted(EXPECTED))
def test_preset_reproduces_the_tools_total(stem, preset):
    totals = analyze(load_spec(SPECS / f"{stem}.yaml")).totals
    assert PRESETS[preset].count(totals) == EXPECTED[stem, preset]


def test_resnet50_batch_norm_figures_behind_the_presets():
    totals = analyze(load_spec(SPECS / "resnet50.yaml")).totals
    assert (totals.norm_params, totals.norm_outputs, totals.pooled_inputs) == (53_120, 11_113_984, 100_352)


def test_the_table_shows_the_preset_in_its_column_and_summary():
    result = CliRunner().invoke(
        app, ["table", "resnet50", "--count", "torchvision", "-d", "1", "-f", "markdown"]
    )
    assert "| layer | kind | output nH×nW×nC | params | torchvision ops |" in result.stdout
    assert (
        "- torchvision ops: 4,089,185,256 (torchvision GFLOPS / ptflops: MACs + bias adds)" in result.stdout
    )
    assert CliRunner().invoke(app, ["table", "resnet50", "--count", "gflops"]).exit_code == 2


def test_a_tool_preset_worked_out_on_cnns_is_refused_for_a_network_with_attention():
    import archcalc

    for tool in ("torchvision", "torchinfo", "fvcore"):
        with pytest.raises(archcalc.SettingError, match="counts attention is not known to archcalc"):
            archcalc.analyze("vit-b16", count=tool)
    # FlopCounterMode counts the explicit QKᵀ and AV matmuls: 2 × (linear + patch conv + attention MACs)
    assert archcalc.analyze("vit-b16", count="torch").counted == 2 * (
        16_732_895_232 + 115_605_504 + 715_327_488
    )
