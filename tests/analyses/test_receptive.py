"""Receptive field and effective stride: r_out = r_in + (f̂ − 1)·j_in, j_out = j_in·s (derived by hand)."""

from typer.testing import CliRunner

from archcalc.analyses.receptive import receptive_fields
from archcalc.cli import app
from archcalc.engine import analyze
from archcalc.spec.model import load_spec
from tests.conftest import spec_from
from tests.paths import SPECS


def fields_of(spec):
    return {name: field.describe() for name, field in receptive_fields(analyze(spec)).items()}


def test_vgg16_last_conv_sees_196_pixels_and_its_last_pool_212():
    # 3×3 convs add 2·j; 2×2 pools add 1·j and double j: 5, 6 | 10, 14, 16 | 24 … 44 | 60 … 100 | 132, 164, 196, 212
    fields = fields_of(load_spec(SPECS / "vgg16.yaml"))
    assert fields["conv13"] == ("196", "16")
    assert fields["pool5"] == ("212", "32")
    assert fields["adaptive_pool1"] == ("212", "32")  # 7×7 to 7×7 at 224: a no-op
    assert fields["dense1"] == ("all", "32")


def test_alexnet_conv1_sees_11_pixels_with_stride_4():
    fields = fields_of(load_spec(SPECS / "alexnet.yaml"))
    assert fields["conv1"] == ("11", "4")
    assert fields["pool1"] == ("19", "8")  # 11 + (3 − 1)·4


def test_dilation_and_per_axis_kernels():
    spec = spec_from("name: t\ninput: [32, 32, 3]\nlayers:\n  - conv: {filters: 4, kernel: 3, dilation: 2}\n"
                     "  - conv: {filters: 4, kernel: [1, 7], stride: [1, 2]}\n")  # fmt: skip
    fields = fields_of(spec)
    assert fields["conv1"] == ("5", "1")  # effective kernel 2·(3 − 1) + 1
    assert fields["conv2"] == ("5×11", "1×2")


def test_a_residual_block_takes_its_largest_path():
    spec = spec_from("name: t\ninput: [16, 16, 4]\nlayers:\n  - residual:\n      body:\n"
                     "        - conv: {filters: 8, kernel: 3, stride: 2, padding: 1}\n"
                     "        - conv: {filters: 8, kernel: 3, padding: 1}\n      shortcut: projection\n")  # fmt: skip
    fields = fields_of(spec)
    assert fields["residual1.conv2"] == ("7", "2")  # 3, then 3 + 2·2
    assert fields["residual1"] == ("7", "2")


def test_the_table_shows_the_columns_on_request():
    result = CliRunner().invoke(app, ["table", "vgg16", "--columns", "rf,stride", "-f", "markdown"])
    assert "| layer | kind | output nH×nW×nC | RF | stride | params | MACs |" in result.stdout
    assert "| conv13 | conv 3×3 s1 p1, relu | 14×14×512 | 196 | 16 |" in result.stdout
    assert CliRunner().invoke(app, ["table", "vgg16", "--columns", "fov"]).exit_code == 2
