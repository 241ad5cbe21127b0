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
    assert result.stderr.startswith(  # run from this checkout: the extra of the checkout, and the CPU wheel
        "archcalc: PyTorch is not installed: `pip install -e '.[torch]'` adds it; for the CPU-only build "
        "(enough here): `pip install torch --index-url https://download.pytorch.org/whl/cpu`"
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.onnx").exists()


def test_an_installed_archcalc_names_its_extra(tmp_path):
    from archcalc.backends import install_hint

    assert install_hint(tmp_path / "site-packages" / "archcalc").startswith(
        "PyTorch is not installed: `pip install 'archcalc[torch]'` adds it"
    )
