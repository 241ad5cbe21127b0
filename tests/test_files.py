"""Results are written as a user expects: atomically, to regular files only, with the usual permissions."""

import os
import stat

import pytest
from typer.testing import CliRunner

from archcalc.cli import app

runner = CliRunner()


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def table_to(target, *options):
    return runner.invoke(app, ["table", "lenet5", "--format", "csv", "-o", str(target), *options])


def test_a_new_file_gets_the_umasks_permissions_and_an_existing_one_keeps_its_own(tmp_path):
    previous = os.umask(0o027)
    try:
        assert table_to(tmp_path / "new.csv").exit_code == 0
        assert mode(tmp_path / "new.csv") == 0o640
        kept = tmp_path / "kept.csv"
        kept.write_text("old")
        kept.chmod(0o604)
        assert table_to(kept).exit_code == 0
        assert mode(kept) == 0o604 and kept.read_text().startswith("name,kind")
    finally:
        os.umask(previous)


def test_special_files_and_folders_are_refused_and_left_as_they_were(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    result = table_to(fifo)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"{fifo}: cannot write: is not a regular file (a FIFO, a device or a socket); write to a file instead\n"
    )
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert table_to(tmp_path).stderr == f"{tmp_path}: cannot write: is a folder; give a file name inside it\n"
    missing = tmp_path / "nowhere" / "x.csv"
    assert (
        table_to(missing).stderr == f"{missing}: cannot write: the folder {missing.parent} does not exist\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.fifo"]  # no temporary file left behind


def test_a_device_node_is_refused(tmp_path):
    node = tmp_path / "out.null"
    try:
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert table_to(node).exit_code == 1
    assert stat.S_ISCHR(node.stat().st_mode)


def test_a_symlink_is_followed_and_stays_a_symlink_and_a_loop_is_named(tmp_path):
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old")
    link.symlink_to(real)
    assert table_to(link).exit_code == 0
    assert link.is_symlink() and real.read_text().startswith("name,kind")
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    result = table_to(tmp_path / "l1")
    assert result.exit_code == 1 and "cannot write: cannot be resolved (Symlink loop" in result.stderr


def test_dash_prints_text_and_is_refused_for_binary_formats(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    printed = runner.invoke(app, ["export", "lenet5", "-", "--to", "mermaid"])
    assert printed.exit_code == 0 and printed.stdout.startswith("flowchart TD")
    refused = runner.invoke(app, ["export", "lenet5", "-", "--to", "onnx"])
    assert refused.exit_code == 2 and "onnx is binary: give a file name, not '-'" in refused.stderr
    assert list(tmp_path.iterdir()) == []
