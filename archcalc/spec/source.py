"""Read a spec file safely (regular files within the size limit, without blocking) and load its YAML into
plain values with their positions (archcalc.spec.events builds them from the parser's events); every way
it can fail becomes a SpecError at `file:line:col`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from archcalc.errors import Diagnostic, SpecError
from archcalc.limits import limits
from archcalc.spec.events import Builder
from archcalc.spec.positions import SourceMap

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_file(path: Path, display_name: str | None = None) -> tuple[Any, SourceMap]:
    """Read a YAML spec file; every way it can be unreadable becomes a SpecError with a position."""
    name = display_name or str(path)
    data, source = load_text(read_text(path, name), name)
    source.folder = path.parent
    return data, source


def read_text(path: Path, name: str) -> str:
    """The text of a spec file: a regular file, within the size limit, UTF-8 (else a SpecError)."""
    try:
        return _read(path, name).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(name, f"is not UTF-8 text (byte {exc.start}); save the spec as UTF-8") from None


def _read(path: Path, name: str) -> bytes:
    """The bytes of a regular file of at most the file-size limit. Opened without blocking and checked
    after opening, so a FIFO or a device is refused rather than read (a FIFO would wait for ever)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise _fail(name, "no such file") from None
    except OSError as exc:
        raise _fail(name, f"cannot be read: {exc.strerror}") from None
    limit = limits().file_bytes
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise _fail(name, "is a directory, not a spec file; pass one of its .yaml files")
        if not stat.S_ISREG(mode):
            raise _fail(name, f"is {_kind_of(mode)}, not a regular file; pass a spec file")
        data = _read_at_most(descriptor, limit + 1)
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise _fail(name, f"is larger than {limit:,} bytes, the most a spec may have; if it is really a "
                          "spec, raise the limit with `archcalc --limit file_bytes=N`", "AC003")  # fmt: skip
    return data


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining > 0 and (chunk := os.read(descriptor, min(remaining, 2**20))):
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _kind_of(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "a FIFO (named pipe)", stat.S_ISCHR: "a character device",
             stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}  # fmt: skip
    return next((kind for test, kind in kinds.items() if test(mode)), "a special file")


def _fail(name: str, message: str, code: str = "AC001") -> SpecError:
    return SpecError([Diagnostic(name, 0, 0, message, code)])


def load_text(text: str, filename: str = "<spec>") -> tuple[Any, SourceMap]:
    """Parse YAML text into plain data plus the SourceMap of its positions."""
    source = SourceMap(filename)
    loader = _Loader(text)
    try:
        return Builder(loader, source).document(), source
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, filename) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, filename) from None
    finally:
        loader.dispose()


def _reader_error(exc: yaml.reader.ReaderError, text: str, filename: str) -> SpecError:
    """A character YAML does not allow (a control character, most often pasted from a terminal)."""
    before = text[: exc.position]
    line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    escaped = f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"
    message = (f"the control character U+{code:04X} is not allowed in YAML; delete it, or write it as "
               f'"{escaped}" inside a double-quoted string')  # fmt: skip
    return SpecError([Diagnostic(filename, line, col, message, "AC002")])


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, filename: str) -> SpecError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "not valid YAML"
    if mark and text[mark.index : mark.index + 1] == "\t":
        message = "a tab character is not allowed here: YAML indents with spaces only; replace tabs by spaces"
    else:
        context = f" {exc.context}" if exc.context else ""
        if exc.context_mark and exc.context_mark is not mark:
            context += f" (started at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
        message = f"YAML syntax error: {problem}{context}"
    return SpecError([Diagnostic(filename, line, col, message, "AC002")])
