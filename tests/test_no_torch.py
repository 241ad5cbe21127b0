"""`archcalc table` and the CLI import never touch torch: a poisoned `torch` on the path proves it."""

import os
import subprocess
import sys

from tests.paths import SPECS


def test_table_never_imports_torch(tmp_path):
    poison = tmp_path / "torch"
    poison.mkdir()
    (poison / "__init__.py").write_text("raise SystemExit('torch was imported')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    specs = SPECS
    script = (
        f"import sys\nSPECS = {str(specs)!r}\n"
        "from typer.testing import CliRunner\n"
        "from archcalc.cli import app\n"
        "for args in (['table', 'vgg16'], ['table', 'lenet5', '-f', 'json'], ['list'], ['lint', SPECS],\n"
        "             ['explain', 'alexnet'], ['export', 'resnet18', '-', '--to', 'mermaid'], ['schema'],\n"
        "             ['memory', 'resnet50', '--mode', 'train', '--optimizer', 'adamw'], ['table', 'vit-b16', '--mode', 'train']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        "assert 'torch' not in sys.modules\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.stdout == "ok\n", result.stderr
