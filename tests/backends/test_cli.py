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


def test_verify_train_prints_what_autograd_keeps_and_fails_beyond_the_tolerance(monkeypatch):
    result = runner.invoke(app, ["verify", "lenet5", "--train"])
    # 9,118 elements a sample (tests/analyses/test_training_memory.py), batch 2, 4 bytes
    line = "kept for the backward pass (batch 2, fp32): archcalc 72,944 bytes, torch's autograd saved 72,944"
    assert result.exit_code == 0 and line in result.stdout
    record = json.loads(runner.invoke(app, ["verify", "lenet5", "--train", "-f", "json"]).stdout)
    assert record["kept_for_backward"] == {"batch": 2, "predicted_bytes": 72_944, "measured_bytes": 72_944,
                                           "ok": True}  # fmt: skip
    from archcalc.layers.pool import Pool
    from archcalc.layers.saving import Saved

    monkeypatch.setattr(Pool, "saved", lambda self, x, y, **flags: Saved(new=1_000))
    failed = runner.invoke(app, ["verify", "lenet5", "--train"])
    assert failed.exit_code == 1 and "disagree by more than 5%" in failed.stdout


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


def test_bench_options_that_cannot_apply_are_usage_errors():
    assert runner.invoke(app, ["bench", "lenet5", "--warmup", "some"]).exit_code == 2
    graphs = runner.invoke(app, ["bench", "lenet5", "--cuda-graphs"])
    assert graphs.exit_code == 2 and "CUDA graphs need a CUDA device" in graphs.output
    assert runner.invoke(app, ["bench", "lenet5", "--tf32", "maybe"]).exit_code == 2


def test_bench_records_its_methodology_and_settings():
    out = runner.invoke(
        app, ["bench", "lenet5", "--runs", "3", "--iters", "2", "--warmup", "1", "-f", "json"]
    )
    record = json.loads(out.stdout)
    assert (record["tf32"], record["cudnn_benchmark"], record["cuda_graphs"]) == (False, True, False)
    assert record["rows"][0]["runs"] == 3 and record["rows"][0]["iters_per_run"] == 2
