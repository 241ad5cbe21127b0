"""The torch commands without torch: the install hint and exit code 2, never a traceback."""

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "args", [["verify", "lenet5"], ["bench", "lenet5"], ["export", "lenet5", "out.onnx"]]
)
def test_without_torch_the_torch_commands_say_what_to_install(args, tmp_path):
    blocked = tmp_path / "torch"
    blocked.mkdir()
    (blocked / "__init__.py").write_text(
        "raise ImportError('torch is blocked for this test', name='torch')\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    result = subprocess.run([sys.executable, "-m", "archcalc", *args], env=env, cwd=tmp_path, capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(
        "archcalc: PyTorch is not installed: `pip install 'archcalc[torch]'` adds it"
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.onnx").exists()
