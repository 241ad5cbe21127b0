"""`archcalc import MODEL`: a spec printed or written (-o), or every op no kind expresses named and exit 1
with nothing written; usage errors (exit 2) for what the command line got wrong."""

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from archcalc.cli import app
from tests.paths import ROOT

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "80"})


@pytest.fixture
def onnx_file(tmp_path):
    pytest.importorskip("onnx")
    from tests.importers.test_onnx import small_net

    return small_net(tmp_path / "small.onnx")


def test_the_spec_is_printed_and_reads_like_any_other(onnx_file, tmp_path):
    result = run("import", str(onnx_file))
    assert result.exit_code == 0
    assert result.stdout.startswith("name: small\n")
    spec = tmp_path / "small.yaml"
    spec.write_text(result.stdout)
    assert run("lint", str(spec)).exit_code == 0
    assert "762" in run("table", str(spec)).stdout  # 112 + 650 params, as worked out in test_onnx


def test_with_output_the_file_is_written_and_its_totals_said(onnx_file, tmp_path):
    result = run("import", str(onnx_file), "-o", str(tmp_path / "net.yaml"))
    assert result.exit_code == 0
    assert result.stderr == (f"wrote {tmp_path / 'net.yaml'}: 4 layers, 762 params, 7,552 MACs; every layer's "
                             "shape agrees with the model's\n")  # fmt: skip
    assert (tmp_path / "net.yaml").read_text().startswith("name: small\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["tests.importers.models:SmallResNet"],
            "Invalid value for --input: a PyTorch model needs the input it runs on",
        ),
        (["x.onnx", "--input", "8x8x3"], "Invalid value for --input: an ONNX file has its own input size"),
        (["x.onnx", "--arg", "n=1"], "Invalid value for --arg: arguments are for a PyTorch model's factory"),
        (
            ["m:f", "--input", "8x8x3", "--arg", "n"],
            "Invalid value for --arg: expected NAME=VALUE like num_classes=10, got 'n'",
        ),
        (
            ["m:f", "--input", "HxWx3"],
            "Invalid value for --input: an imported model runs on sizes that are numbers",
        ),
    ],
)
def test_what_the_command_line_got_wrong_is_a_usage_error(args, message):
    result = run("import", *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())


def test_importing_onnx_never_imports_torch(onnx_file, tmp_path):
    poison = tmp_path / "torch"
    poison.mkdir()
    (poison / "__init__.py").write_text("raise SystemExit('torch was imported')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    script = ("import sys\nfrom typer.testing import CliRunner\nfrom archcalc.cli import app\n"
              f"assert CliRunner().invoke(app, ['import', {str(onnx_file)!r}]).exit_code == 0\n"
              "assert 'torch' not in sys.modules\nprint('ok')\n")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.stdout == "ok\n", result.stderr
