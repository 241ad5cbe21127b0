"""Blocks from other specs: `include: [darknet53, ../backbones.yaml]` makes their blocks usable here.

An entry is a file path (relative to the including spec's folder) or a built-in spec's name. What is
included is each file's blocks, its own and those it includes in turn; its layers are not read. A block
keeps the position of its definition: a problem inside it is reported in its own file. Paths into an
included document start with (INCLUDED, its name), which SourceMap resolves.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from archcalc.errors import DocPath, Problem, SpecError, suggest
from archcalc.limits import limits
from archcalc.spec.blocks import Block, parse_blocks
from archcalc.spec.positions import INCLUDED, SourceMap
from archcalc.spec.source import load_file

BUILTIN_DIR = Path(__file__).parent.parent / "specs"


def builtin_names() -> list[str]:
    """Names of the shipped specs (file stems), sorted."""
    return sorted(path.stem for path in BUILTIN_DIR.glob("*.yaml"))


def builtin_spec(name: str) -> Path | None:
    """The shipped spec a bare name (no folder, no .yaml) stands for, if there is one."""
    path = BUILTIN_DIR / f"{name}.yaml"
    bare = "/" not in name and Path(name).suffix not in (".yaml", ".yml")
    return path if bare and path.is_file() else None


def unknown_builtin(name: str) -> str:
    """What to say of a name that is no shipped spec: the closest one, and all of them."""
    names = builtin_names()
    return f"{suggest(name, names)} (built-in specs: {', '.join(names)})"


@dataclass
class _Inclusion:
    """One spec's includes being read: the files open (for cycles) and every file read so far."""

    reserved: set[str]
    root: SourceMap
    """The including spec's map: every included file's map is registered there."""
    opened: tuple[Path, ...] = ()
    read: dict[Path, tuple[dict[str, Block], list[Problem]]] = field(default_factory=dict)


def included_blocks(
    raw: Any, source: SourceMap, reserved: set[str]
) -> tuple[dict[str, Block], list[Problem]]:
    """The blocks the spec of `source` includes, by name, and a problem for each include that fails."""
    return _blocks_of(raw, source, _Inclusion(reserved, source), ())


def _blocks_of(
    raw: Any, source: SourceMap, run: _Inclusion, outer: DocPath
) -> tuple[dict[str, Block], list[Problem]]:
    """The blocks of the includes `raw` of the file of `source`, whose paths start with `outer`."""
    entries = [raw] if isinstance(raw, str) else raw
    if raw is None:
        return {}, []
    if not isinstance(entries, list) or not all(isinstance(entry, str) for entry in entries):
        message = "include: expected spec names or paths, e.g. [darknet53]"
        return {}, [Problem(message, (*outer, "include"), code="AC016")]
    blocks: dict[str, Block] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        where = (*outer, "include", index)
        found = _resolve(entry, source, where)
        if isinstance(found, Problem):
            problems.append(found)
            continue
        included, failures = _file_blocks(*found, where, run)
        problems += failures
        for name, block in included.items():
            if name in blocks and blocks[name].path != block.path:
                message = f"include: block '{name}' is defined in more than one included spec; include one"
                problems.append(Problem(message, where, code="AC016"))
            blocks[name] = block
    return blocks, problems


def _resolve(entry: str, source: SourceMap, where: DocPath) -> tuple[Path, str] | Problem:
    """The file an entry names, and how to name it in messages: a path from the including spec's folder
    (named from the including spec's name), else a built-in spec."""
    path, display = source.folder / entry, Path(source.filename).parent / entry
    if path.is_file():
        return path, str(display)
    builtin = builtin_spec(entry)
    if builtin:
        return builtin, str(builtin)
    message = f"include: no file '{display}' and no built-in spec '{entry}'{unknown_builtin(entry)}"
    return Problem(message, where, code="AC001")


def _file_blocks(
    path: Path, display: str, where: DocPath, run: _Inclusion
) -> tuple[dict[str, Block], list[Problem]]:
    """The blocks one included file offers, their paths made to point into it (read once per spec)."""
    key = path.resolve()
    if key in run.opened:
        chain = " → ".join(p.name for p in (*run.opened, key)[run.opened.index(key) :])
        return {}, [Problem(f"include: '{display}' includes itself ({chain})", where, code="AC014")]
    if key not in run.read and len(run.read) >= limits().files:
        message = (f"include: more than {limits().files} spec files included, all told; raise the limit "
                   "with `archcalc --limit files=N`")  # fmt: skip
        return {}, [Problem(message, where, code="AC003")]
    if key not in run.read:
        run.read[key] = {}, []  # counted against the limit before the files it includes are
        run.read[key] = _read(path, display, where, replace(run, opened=(*run.opened, key)))
    return run.read[key]


def _read(
    path: Path, display: str, where: DocPath, run: _Inclusion
) -> tuple[dict[str, Block], list[Problem]]:
    try:
        data, other = load_file(path, display)
    except SpecError as exc:
        return {}, [Problem(f"include: {exc.diagnostics[0]}", where, code="AC001")]
    if not isinstance(data, dict):
        return {}, [
            Problem(f"include: '{display}' is not a spec (a mapping with blocks)", where, code="AC016")
        ]
    outer = (INCLUDED, run.root.include(other))
    own, problems = parse_blocks(data.get("blocks"), run.reserved)
    nested, failures = _blocks_of(data.get("include"), other, run, outer)
    moved = {name: replace(block, path=(*outer, *block.path)) for name, block in own.items()}
    return {**nested, **moved}, [*(replace(p, path=(*outer, *p.path)) for p in problems), *failures]
