"""A mutation fuzzer for specs: seeded, so any failure replays from its seed and its number.

Each mutation starts from a real spec (the zoo and tests/data) and changes its text the ways people and
tools break files: deleting, repeating or swapping spans and lines, truncating, inserting YAML punctuation,
control characters or tabs, replacing numbers by extreme ones, names by other names, and nesting values.
`run_one` puts a mutated file through a command in-process and says how it ended; a run that raises, exits
with a code other than 0, 1 or 2, or passes its time bound is a failure.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import typer.main
from typer._click.exceptions import ClickException

from archcalc.cli import app

ROOT = Path(__file__).parent.parent.parent
SEEDS = sorted([*(ROOT / "specs").glob("*.yaml"), *(ROOT / "tests" / "data").rglob("*.yaml")])
COMMANDS = (("table", "--format", "json"), ("lint",), ("explain",))

NUMBERS = ["0", "-1", "1", "2", "3", "7", "224", "65536", "99999999999999999999", "1e400", "0.5", ".nan",
           "-0", "0x10", "1_000", "True", "null", "~"]  # fmt: skip
WORDS = ["conv", "pool", "dense", "residual", "branches", "seq", "flatten", "global_pool", "act", "relu",
         "same", "valid", "repeat", "name", "body", "shortcut", "projection", "zero_pad", "paths", "merge",
         "concat", "add", "layers", "blocks", "input", "filters", "kernel", "stride", "padding", "groups",
         "i", "nH", "H", "W", "bn", "units", "dilation", "ceil_mode", "op", "max", "avg"]  # fmt: skip
PUNCTUATION = ["[", "]", "{", "}", ":", ",", "-", "*a", "&a", "!!str", "<<:", "'", '"', "#", "|", ">",
               "\t", "\x07", "\x1b[31m", "\x00", "\ufeff", "\r", "\n  ", "?", "%", "@", "`", "---"]  # fmt: skip


def _span(text: str, rng: random.Random) -> tuple[int, int]:
    start = rng.randrange(len(text) + 1)
    return start, min(len(text), start + rng.randint(0, 40))


def _delete(text: str, rng: random.Random) -> str:
    start, end = _span(text, rng)
    return text[:start] + text[end:]


def _repeat(text: str, rng: random.Random) -> str:
    start, end = _span(text, rng)
    return text[:end] + text[start:end] * rng.randint(1, 4) + text[end:]


def _insert(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(PUNCTUATION + WORDS + NUMBERS) + text[at:]


def _swap_lines(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def _drop_line(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def _reindent(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    at = rng.randrange(len(lines))
    lines[at] = (" " * rng.choice([1, 2, 4, 8]) + lines[at]) if rng.random() < 0.5 else lines[at].lstrip()
    return "\n".join(lines)


def _truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text) + 1)]


def _token(text: str, rng: random.Random, kind: str) -> str:
    """Replace one number (kind "number") or one word (kind "word") by another."""
    pattern = r"-?\d+" if kind == "number" else r"[A-Za-z_]\w*"
    matches = list(re.finditer(pattern, text))
    if not matches:
        return _insert(text, rng)
    match = rng.choice(matches)
    pool = NUMBERS if kind == "number" else WORDS
    return text[: match.start()] + rng.choice(pool) + text[match.end() :]


def _nest(text: str, rng: random.Random) -> str:
    """Wrap a value in brackets, once or many times."""
    at = text.find(": ", rng.randrange(len(text) + 1))
    if at < 0:
        return _insert(text, rng)
    depth = rng.choice([1, 2, 10, 100])
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    return text[: at + 2] + "[" * depth + text[at + 2 : end] + "]" * depth + text[end:]


MUTATIONS: list[Callable[[str, random.Random], str]] = [
    _delete, _repeat, _insert, _insert, _swap_lines, _drop_line, _reindent, _truncate, _nest,
    lambda text, rng: _token(text, rng, "number"), lambda text, rng: _token(text, rng, "number"),
    lambda text, rng: _token(text, rng, "word"),
]  # fmt: skip


def mutated(seed: int, count: int) -> Iterator[tuple[int, Path, str]]:
    """`count` mutated specs from `seed`: (number, the spec it came from, its text)."""
    rng = random.Random(seed)
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in SEEDS}
    for number in range(count):
        source = rng.choice(SEEDS)
        text = texts[source]
        for _ in range(rng.choice([1, 1, 2, 3, 5])):
            text = rng.choice(MUTATIONS)(text, rng)
        yield number, source, text


@dataclass(frozen=True)
class Outcome:
    command: str
    exit_code: int | None
    seconds: float
    problem: str | None
    """None when the run ended as it should: exit 0, 1 or 2, no exception, within the time bound."""


class _TooSlow(BaseException):  # not an Exception: the command guard must not swallow it
    pass


COMMAND = typer.main.get_command(app)
"""The click command, built once (typer's CliRunner rebuilds it on every call: most of a small run)."""


def invoke(args: list[str]) -> tuple[int | None, str, BaseException | None]:
    """Run the command line in-process: (exit code, stderr, the exception that escaped, if any)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = COMMAND.main(args, prog_name="archcalc", standalone_mode=False)
        except ClickException as exc:
            return exc.exit_code, err.getvalue(), None
        except _TooSlow:
            raise
        except BaseException as exc:
            return None, err.getvalue(), exc
    return code or 0, err.getvalue(), None


def run_one(path: Path, command: tuple[str, ...], bound: float = 10.0) -> Outcome:
    """Run `archcalc <command> <path>` in-process under a time bound (a real-time alarm)."""

    def alarm(*_: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, bound)
    start = time.perf_counter()
    try:
        code, stderr, exception = invoke([command[0], str(path), *command[1:]])
    except _TooSlow:
        return Outcome(command[0], None, time.perf_counter() - start, f"no answer within {bound:g} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - start
    if exception is not None:
        return Outcome(command[0], None, seconds, f"{type(exception).__name__}: {exception}")
    if code not in (0, 1, 2):
        return Outcome(command[0], code, seconds, f"exit {code}: {stderr[-300:]}")
    return Outcome(command[0], code, seconds, None)
