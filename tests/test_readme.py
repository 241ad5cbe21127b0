"""The README's promises about how to install and test, checked against the files that keep them."""

import re

import pytest

from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_after(heading: str) -> str:
    """The one-line shell command in the code block that follows `heading` in the README."""
    match = re.search(re.escape(heading) + r"\s*```bash\n(.+?)\n```", README)
    assert match, f"no code block after {heading!r}"
    return match.group(1)


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command_after("Install and test:") in ci


def test_the_readme_commands_need_no_activated_environment():
    for heading in ("Install and run on a built-in spec:", "Install and test:"):
        command = command_after(heading)
        assert command.startswith("python3 -m venv .venv && ")
        tools = re.findall(r"&& (\S+)", command)
        assert tools and all(tool.startswith(".venv/bin/") for tool in tools), command


def test_the_yolov3_table_and_diagram_in_the_readme_are_what_archcalc_prints():
    from typer.testing import CliRunner

    from archcalc.cli import app

    runner = CliRunner()
    table = runner.invoke(app, ["table", "yolov3", "--depth", "1", "-f", "markdown"]).stdout
    diagram = runner.invoke(app, ["export", "yolov3", "-", "--to", "mermaid", "--depth", "1"]).stdout
    assert table.split("\n", 3)[3] in README  # after its heading and input line
    assert f"```mermaid\n{diagram}```" in README


@pytest.mark.parametrize(
    "command",
    [["table", "vit-b16", "--depth", "2"], ["table", "resnet50", "--mode", "train", "--depth", "1"]],
)
def test_the_vit_and_training_tables_in_the_readme_are_what_archcalc_prints_in_120_columns(command):
    from typer.testing import CliRunner

    from archcalc.cli import app

    result = CliRunner().invoke(app, command, env={"COLUMNS": "120"})
    table = "\n".join(line.rstrip() for line in result.stdout.splitlines())
    assert f"```\n{table}\n```" in README


def test_the_python_section_of_the_readme_runs_as_a_doctest(monkeypatch):
    import doctest

    monkeypatch.chdir(ROOT)  # it lints "specs/"
    section = README.split("## From Python", 1)[1].split("\n## ", 1)[0]
    examples = "\n".join(re.findall(r"```python\n(.+?)```", section, re.DOTALL))
    test = doctest.DocTestParser().get_doctest(examples, {}, "README: From Python", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False) == (0, len(test.examples))
    assert len(test.examples) >= 10


def test_the_readme_says_how_many_tests_need_torch(tmp_path):
    """Counted by collecting the suite with torch and with an import of torch that fails as a missing one."""
    import os
    import subprocess
    import sys

    import pytest

    pytest.importorskip("torch")
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("raise ModuleNotFoundError('no torch', name='torch')\n")

    def collected(extra_path: str) -> int:
        env = {**os.environ, "PYTHONPATH": extra_path}
        out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-p", "no:cacheprovider"],
                             cwd=ROOT, env=env, capture_output=True, text=True).stdout  # fmt: skip
        return int(re.search(r"(\d+) tests? collected", out).group(1))

    total, without = collected(""), collected(str(tmp_path))
    assert f"({total - without} of the {total} tests)" in " ".join(README.split())
