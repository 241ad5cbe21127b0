"""sizes: which square inputs every window tiles exactly, and the cost across a range (derived by hand)."""

import pytest
from typer.testing import CliRunner

from archcalc.analyses.sizes import parse_range, sweep
from archcalc.cli import app
from archcalc.spec.model import load_spec
from tests.paths import SPECS

runner = CliRunner()


def tiling(stem: str, sizes: range) -> list[int]:
    return [row.size for row in sweep(load_spec(SPECS / f"{stem}.yaml"), sizes) if row.tiles]


def test_alexnet_as_taught_tiles_at_227_not_224():
    # conv1 needs n ≡ 3 (mod 4); then every max-pool (3, stride 2) needs an odd input: 55, 27, 13
    sizes = tiling("alexnet", range(200, 261))
    assert 227 in sizes and 224 not in sizes
    assert sizes == [227, 259]


def test_vgg16_needs_a_multiple_of_32():
    assert tiling("vgg16", range(190, 260)) == [192, 224, 256]


def test_the_sweep_reports_output_and_macs_per_size():
    rows = {row.size: row for row in sweep(load_spec(SPECS / "lenet5.yaml"), range(20, 29))}
    # at 28×28: conv1 24·24·6·25 = 86,400; conv2 8·8·16·150 = 153,600; fc 256·120 + 120·84 + 84·10
    assert rows[28].macs == 86_400 + 153_600 + 256 * 120 + 120 * 84 + 84 * 10
    assert rows[28].output == (10,)
    assert rows[21].dropping == ("pool1",)  # 17×17 into 2×2 pools: one row and column left
    assert not sweep(load_spec(SPECS / "lenet5.yaml"), range(5, 6))[0].fits


def test_the_command_lists_and_sweeps():
    assert runner.invoke(app, ["sizes", "alexnet", "--range", "220:230"]).stdout == (
        "input sizes in 220–230 that every window tiles exactly: 227\n"
    )
    swept = runner.invoke(app, ["sizes", "alexnet", "-r", "226:227", "--sweep"]).stdout
    assert "   227  1000              1,135,256,096  tile exactly" in swept
    assert runner.invoke(app, ["sizes", "alexnet", "-r", "260:200"]).exit_code == 2
    assert runner.invoke(app, ["sizes", "ws-projection", "-r", "1:2"]).exit_code == 1


@pytest.mark.parametrize(
    ("text", "sizes"), [("200:204", [200, 201, 202, 203, 204]), ("200:260:30", [200, 230, 260])]
)
def test_ranges(text, sizes):
    assert list(parse_range(text)) == sizes
