"""How much input archcalc accepts, so that no file, option or expression can make it hang or exhaust memory.

Every limit is far above any real network (ResNet-1001 has 3,339 layers, its spec 8 levels of nesting and a
few thousand YAML nodes) and each is checked *before* the work it bounds: a YAML alias bomb is refused while
its events are read, a `repeat:` of 10⁹ before one copy is made. `archcalc --limit layers=500000 …` raises
one for a run; `Limits()` documents the defaults (also in the README).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 16 * 2**20
    """Size of a spec file (16 MiB; the zoo's largest is 9 KiB)."""
    yaml_nodes: int = 250_000
    """YAML values after aliases are expanded (the 'billion laughs' bound)."""
    nesting: int = 64
    """Depth of nested YAML lists and mappings."""
    layers: int = 120_000
    """Rows of the table (layers, merges, paths) after blocks and `repeat:` are expanded: room for the
    100,000-layer benchmark; a walk of that size takes seconds."""
    expression_chars: int = 1_000
    """Length of one arithmetic expression."""
    expression_depth: int = 50
    """Nesting of one expression's terms (parentheses, operators)."""
    number: int = 10**18
    """The largest whole number a spec, an expression or an option may hold or make."""
    sizes: int = 100_000
    """Input sizes one `archcalc sizes --range` may analyse."""
    files: int = 64
    """Spec files one spec may include (`include:`), however deep."""

    def raised(self, settings: dict[str, int]) -> Limits:
        """These limits with some replaced (`archcalc --limit NAME=VALUE`); ValueError for an unknown name."""
        known = {field.name for field in fields(self)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(f"unknown limit '{unknown[0]}' (limits: {', '.join(sorted(known))})")
        return replace(self, **settings)


_current = Limits()


def limits() -> Limits:
    """The limits in force for this run."""
    return _current


def set_limits(new: Limits) -> None:
    global _current  # noqa: PLW0603 (one setting per process, set by the command line before any work)
    _current = new


def too_large(value: int) -> bool:
    """True for a whole number beyond the `number` limit (either sign)."""
    return abs(value) > _current.number
