"""User-facing errors: every one is a list of diagnostics printed as `file:line:col: message`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches

DocPath = tuple[str | int, ...]
"""Where a value sits inside a spec document, e.g. ("layers", 3, "conv", "kernel")."""

Via = tuple[tuple[str, DocPath], ...]
"""The block uses that led to a layer, outermost first: (block name, where it was used)."""


@dataclass(frozen=True)
class Problem:
    """A complaint about part of a spec, before it is given a file position."""

    message: str
    path: DocPath = ()
    on_key: bool = False  # point at the key itself (an unknown key) rather than at its value
    via: Via = ()  # for a problem inside a block: the uses of blocks that instantiated it
    code: str = "AC012"  # the lint rule it falls under (`archcalc rules`); most problems are bad values


@dataclass(frozen=True)
class Diagnostic:
    """A complaint with its position in a file (line and col are 1-based; 0 when unknown)."""

    file: str
    line: int
    col: int
    message: str
    code: str = "AC012"

    def __str__(self) -> str:
        """`file:line:col: message`, with control characters escaped (names come from the user's file)."""
        if self.line:
            return escape(f"{self.file}:{self.line}:{self.col}: {self.message}")
        return escape(f"{self.file}: {self.message}")


class SpecError(Exception):
    """Bad input: the spec cannot be read, validated or computed. Never a bug in archcalc."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class ShapeError(ValueError):
    """A layer cannot take its input (raised by shape rules; the engine adds the layer's position).

    `code` is the lint rule it falls under: AC100 in general, or a more precise AC101–AC105.
    """

    def __init__(self, message: str, code: str = "AC100") -> None:
        super().__init__(message)
        self.code = code


def closest(word: object, choices: list[str]) -> str | None:
    """The choice most like `word` (difflib's ratio ≥ 0.6), if any: the "did you mean" of every message.
    `word` is what the user wrote, maybe a number (a mapping key may be one)."""
    close = get_close_matches(str(word)[:200], choices, n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: object, choices: list[str]) -> str:
    """` — did you mean 'filters'?` when a choice is close to `word`, else nothing."""
    close = closest(word, choices)
    return f" — did you mean '{close}'?" if close else ""


_UNPRINTABLE = {
    code: f"\\u{code:04x}" for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if code not in (0x09, 0x0A)
}


def escape(text: str) -> str:
    """`text` safe for a terminal: control characters but tab and newline (escape sequences among them)
    written as \\u00NN, which is also how JSON writes them (so escaped JSON stays valid and exact)."""
    return _CONTROL.sub(lambda match: _UNPRINTABLE[ord(match.group())], text)


_CONTROL = re.compile("[" + "".join(map(chr, _UNPRINTABLE)) + "]")
"""The same characters as a pattern: finding none in 40 MB of JSON takes milliseconds (`str.translate`
with a mapping looks up every character: seconds)."""


class SettingError(SpecError):
    """A value given with the spec (`set=`, `input=`, `count=`) that it cannot take: a usage error."""

    def __init__(self, message: str, option: str) -> None:
        super().__init__([Diagnostic(option, 0, 0, message, "AC012")])
        self.option = option
        self.message = message
