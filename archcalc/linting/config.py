"""What `archcalc lint` checks: selected and ignored rule codes and budgets, from three places.

Defaults < `[tool.archcalc]` in the nearest pyproject.toml < command-line options; a spec may add its own
`lint:` mapping on top (its budgets and ignores apply to that spec only). Codes match by prefix, as in ruff:
`AC2` selects every AC2xx rule. The design hints (AC3xx) are not selected by default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from archcalc.errors import suggest
from archcalc.limits import limits
from archcalc.linting.rules import RULES

DEFAULT_SELECT = ("AC0", "AC1", "AC2", "AC4", "AC9")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)\s*$")
_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
BUDGETS = ("max_params", "max_macs", "max_activations")


class ConfigError(ValueError):
    """A setting that cannot be understood; the message names it."""


@dataclass(frozen=True)
class LintConfig:
    select: tuple[str, ...] = DEFAULT_SELECT
    ignore: tuple[str, ...] = ()
    budgets: dict[str, int] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        """Selected by the longest matching prefix, and not ignored by a longer or equal one."""
        selected = max((len(prefix) for prefix in self.select if code.startswith(prefix)), default=-1)
        ignored = max((len(prefix) for prefix in self.ignore if code.startswith(prefix)), default=-1)
        return selected >= 0 and selected > ignored

    def merged(self, settings: dict[str, Any], where: str) -> LintConfig:
        """This config with `settings` (from pyproject, the command line or a spec) on top."""
        known = {"select", "ignore", "extend_select", *BUDGETS}
        for key in settings:
            if key.replace("-", "_") not in known:
                raise ConfigError(
                    f"{where}: unknown lint setting '{key}' (known: {', '.join(sorted(known))})"
                )
        values = {key.replace("-", "_"): value for key, value in settings.items()}
        given = {key: codes(values[key], f"{where}: {key}") for key in ("select", "extend_select", "ignore")
                 if key in values}  # fmt: skip
        select = given.get("select", self.select) + given.get("extend_select", ())
        ignore = self.ignore + given.get("ignore", ())
        budgets = self.budgets | {
            key: parse_size(values[key], f"{where}: {key}") for key in BUDGETS if key in values
        }
        return replace(self, select=select, ignore=ignore, budgets=budgets)


def codes(value: Any, what: str) -> tuple[str, ...]:
    """Rule codes or prefixes, as ruff takes them: a list of them, or one text with commas or spaces
    between them (`AC2,AC301`). Each must select at least one rule; a typo is an error, never a no-op."""
    items = value if isinstance(value, list | tuple) else [value]
    if not all(isinstance(item, str) for item in items):
        raise ConfigError(f"{what}: expected rule codes like AC2 or AC301 (text), got {value!r}")
    found = tuple(part.upper() for item in items for part in re.split(r"[\s,]+", item) if part)
    for code in found:
        if not any(rule.startswith(code) for rule in RULES) or not code.startswith("AC"):
            raise ConfigError(f"{what}: '{code}' is no rule code or prefix{suggest(code, list(RULES))} "
                              "(see `archcalc rules`)")  # fmt: skip
    return found


def parse_size(value: Any, what: str) -> int:
    """30M → 30,000,000; 5G → 5,000,000,000; 1.5k → 1,500; a plain number as it is (decimal suffixes).
    Exact (no floating point), and at most archcalc.limits' `number`."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limits().number:
        return value
    match = _SIZE.match(str(value)[:100])
    if match is None:
        raise ConfigError(f"{what}: expected a number with an optional K, M, G or T suffix, got "
                          f"{_short(value)}")  # fmt: skip
    size = Fraction(match.group(1)[:30]) * _SUFFIX[match.group(2).lower()]
    if len(match.group(1)) > 30 or size > limits().number:
        raise ConfigError(f"{what}: {_short(value)} is larger than any budget needs (at most "
                          f"{limits().number:,})")  # fmt: skip
    return round(size)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def from_pyproject(start: Path) -> tuple[dict[str, Any], Path | None]:
    """The `[tool.archcalc]` table of the nearest pyproject.toml at or above `start`, and that file."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                document = tomllib.loads(candidate.read_bytes()[: limits().file_bytes].decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
                raise ConfigError(f"{candidate}: cannot be read as TOML: {exc}") from None
            tool = document.get("tool", {})
            table = tool.get("archcalc", {}) if isinstance(tool, dict) else {}
            if not isinstance(table, dict):
                raise ConfigError(f"{candidate}: [tool.archcalc] must be a table of lint settings")
            return table, candidate
    return {}, None
