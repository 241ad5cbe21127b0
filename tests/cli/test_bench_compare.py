"""bench-compare: two saved results side by side, without torch."""

import json

from typer.testing import CliRunner

from archcalc.cli import app

runner = CliRunner()


def result(median_ms, threads, batches=(1, 8)):
    rows = [{"batch": batch, "status": "ok", "median_ms": median_ms * batch, "samples_per_s": 1000 / median_ms}
            for batch in batches]  # fmt: skip
    return {"name": "ResNet-50", "device": "cpu", "dtype": "fp32", "threads": threads, "rows": rows}


def test_the_ratio_per_batch_size_and_what_differs(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(result(2.0, 2)))
    (tmp_path / "b.json").write_text(json.dumps(result(3.0, 1, batches=(8, 32))))
    out = runner.invoke(app, ["bench-compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")])
    assert out.exit_code == 0
    assert "1.500" in out.stdout  # batch 8 only: 24 ms against 16 ms
    assert "threads: 2 → 1" in out.stdout and "│     1 │" not in out.stdout


def test_a_file_that_is_not_a_result_is_refused_by_name(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(result(2.0, 2)))
    (tmp_path / "spec.yaml").write_text("name: t\n")
    out = runner.invoke(app, ["bench-compare", str(tmp_path / "a.json"), str(tmp_path / "spec.yaml")])
    assert out.exit_code == 1 and "spec.yaml: not a benchmark result" in out.output
    (tmp_path / "list.json").write_text("[1, 2]")
    out = runner.invoke(app, ["bench-compare", str(tmp_path / "a.json"), str(tmp_path / "list.json")])
    assert out.exit_code == 1 and "no name, device, rows" in out.output


def test_malformed_results_are_refused_without_a_traceback(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(result(2.0, 2)))
    broken = {
        "rows.json": {"name": "x", "device": "cpu", "rows": 5},
        "row.json": {"name": "x", "device": "cpu", "rows": [{"batch": 1, "status": "ok"}]},
        "zero.json": {"name": "x", "device": "cpu", "rows": [{"batch": 1, "status": "ok", "median_ms": 0,
                                                               "samples_per_s": 1}]},
    }  # fmt: skip
    for name, record in broken.items():
        (tmp_path / name).write_text(json.dumps(record))
    (tmp_path / "deep.json").write_text("[" * 100_000)
    for name in [*broken, "deep.json", "missing.json", "."]:
        out = runner.invoke(app, ["bench-compare", str(tmp_path / "a.json"), str(tmp_path / name)])
        assert out.exit_code == 1 and "not a benchmark result" in out.output, name
