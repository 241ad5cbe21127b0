"""Writing results to files: regular files only, never half a file, with the permissions a user expects.

A result is written to a temporary file beside its target and renamed into place, so a reader sees the old
file or the new one, never a part. The target must be a regular file or not exist yet: a FIFO, a device or a
folder is refused (writing to one would block, or replace it). A symlink is followed to the file it names,
and stays a symlink. A new file gets the permissions the umask allows (as a shell's `>` would), an existing
one keeps its own.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


class OutputError(Exception):
    """The result cannot be written there; the message says why (the file is named by the caller)."""


def target(path: Path) -> Path:
    """The regular file that writing to `path` replaces (symlinks followed), checked: OutputError if not."""
    if str(path) in ("", "."):
        raise OutputError("needs a file name")
    try:
        resolved = path.resolve(strict=False)
    except (RuntimeError, OSError) as exc:  # a symlink loop
        raise OutputError(f"cannot be resolved ({exc})") from None
    if resolved.is_dir():
        raise OutputError("is a folder; give a file name inside it")
    if resolved.exists() and not resolved.is_file():
        raise OutputError("is not a regular file (a FIFO, a device or a socket); write to a file instead")
    if not resolved.parent.is_dir():
        raise OutputError(f"the folder {resolved.parent} does not exist")
    return resolved


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write(temporary)` to fill a temporary file beside `path`'s target, then rename it into place
    with the target's permissions (or the umask's for a new file). OutputError if it cannot."""
    final = target(path)
    mode = stat.S_IMODE(final.stat().st_mode) if final.exists() else 0o666 & ~_umask()
    try:
        handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, mode)
        os.replace(temporary, final)
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path: Path, text: str | Iterable[str]) -> None:
    """`text`, or its pieces one after the other, as the file `path` (see `write_atomically`)."""
    pieces = [text] if isinstance(text, str) else text

    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8") as file:
            file.writelines(pieces)

    write_atomically(path, write)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
