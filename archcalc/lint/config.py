"""What `archcalc lint` checks: selected and ignored rule codes and budgets, from three places.

Defaults < `[tool.archcalc]` in the nearest pyproject.toml < command-line options; a spec may add its own
`lint:` mapping on top (its budgets and ignores apply to that spec only). Codes match by prefix, as in ruff:
`AC2` selects every AC2xx rule. The design hints (AC3xx) are not selected by default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

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
        select = tuple(values.get("select", self.select)) + tuple(values.get("extend_select", ()))
        ignore = self.ignore + tuple(values.get("ignore", ()))
        budgets = self.budgets | {
            key: parse_size(values[key], f"{where}: {key}") for key in BUDGETS if key in values
        }
        return replace(self, select=select, ignore=ignore, budgets=budgets)


def parse_size(value: Any, what: str) -> int:
    """30M → 30,000,000; 5G → 5,000,000,000; 1.5k → 1,500; a plain number as it is (decimal suffixes)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = _SIZE.match(str(value))
    if match is None:
        raise ConfigError(f"{what}: expected a number with an optional K, M, G or T suffix, got {value!r}")
    return round(float(match.group(1)) * _SUFFIX[match.group(2).lower()])


def from_pyproject(start: Path) -> tuple[dict[str, Any], Path | None]:
    """The `[tool.archcalc]` table of the nearest pyproject.toml at or above `start`, and that file."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                table = (
                    tomllib.loads(candidate.read_text(encoding="utf-8")).get("tool", {}).get("archcalc", {})
                )
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{candidate}: {exc}") from None
            return (table if isinstance(table, dict) else {}), candidate
    return {}, None
