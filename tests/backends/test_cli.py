"""verify, bench and export from the command line."""

import json

from typer.testing import CliRunner

from archcalc.cli import app

runner = CliRunner()


def test_verify_passes_and_says_how_many_checks_agreed():
    result = runner.invoke(app, ["verify", "resnet18"])
    assert result.exit_code == 0
    assert "all 45 checks agree: shapes, params and FLOPs" in result.stdout  # 44 rows and the total


def test_verify_json():
    record = json.loads(runner.invoke(app, ["verify", "lenet5", "-f", "json"]).stdout)
    assert record["ok"] and record["total"]["torch_flops"] == 2 * 416_520
    assert [layer["name"] for layer in record["layers"]][:2] == ["conv1", "pool1"]


def test_verify_fails_with_exit_1_on_a_mismatch(monkeypatch):
    from archcalc.layers.conv import Conv

    monkeypatch.setattr(Conv, "macs", lambda self, x, y: 1)
    result = runner.invoke(app, ["verify", "lenet5"])
    assert result.exit_code == 1
    assert "MISMATCH" in result.stdout and "3 of 9 checks disagree" in result.stdout


def test_bench_csv_and_usage_errors():
    result = runner.invoke(
        app, ["bench", "lenet5", "-b", "1,2", "--iters", "2", "--warmup", "0", "-f", "csv"]
    )
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3
    assert runner.invoke(app, ["bench", "lenet5", "--dtype", "fp8"]).exit_code == 2
    assert runner.invoke(app, ["bench", "lenet5", "-b", "0"]).exit_code == 2


def test_export_writes_the_file_and_checks_its_weights(tmp_path):
    target = tmp_path / "lenet5.pt"
    result = runner.invoke(app, ["export", "lenet5", str(target), "--to", "torchscript"])
    assert result.exit_code == 0
    assert result.stdout == f"wrote {target} (torchscript): 61,706 params, as the engine counts\n"
    assert target.stat().st_size > 0


def test_bench_runs_the_spec_with_the_parameters_given_by_set():
    from tests.test_specs import resnet_cifar

    result = CliRunner().invoke(app, ["bench", "resnet-cifar", "--set", "n=2", "--iters", "1", "--warmup", "0",
                                      "-f", "json"])  # fmt: skip
    assert json.loads(result.stdout)["flops_per_sample"] == 2 * resnet_cifar(2)[3]
