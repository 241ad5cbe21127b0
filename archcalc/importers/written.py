"""An imported model written as a spec, and checked: the spec archcalc reads back must give every layer the
shape the model gave it, or nothing is written."""

from __future__ import annotations

from typing import Any

import yaml

from archcalc.engine import analyze
from archcalc.importers.steps import INPUT, Imported, Step, error
from archcalc.report import Report
from archcalc.shapes import format_shape
from archcalc.spec.model import parse_spec_text


def spec_text(imported: Imported) -> str:
    """The spec, one layer per line with the shape the model gives it as a comment; `from:` only where a
    layer reads something other than the layer before it."""
    lines = [
        f"name: {_flow(imported.title)}",
        f"description: {_flow(imported.description)}",
        f"input: {_flow(list(imported.input))}",
        "layers:",
    ]
    previous = INPUT
    for position, step in enumerate(imported.steps):
        shape = f"  # {format_shape(step.shape)}" if step.shape else ""
        lines.append(f"  - {step.kind}: {_flow(_settings(step, previous, position))}{shape}")
        previous = step.name
    if imported.outputs != [previous]:
        lines.append(f"outputs: {_flow(imported.outputs)}")
    return "\n".join(lines) + "\n"


def _settings(step: Step, previous: str, position: int) -> dict[str, Any]:
    settings = {"name": step.name, **step.settings}
    if step.inputs != [previous]:
        sources = [-(position + 1) if name == INPUT else name for name in step.inputs]  # the input: the start
        settings["from"] = sources[0] if len(sources) == 1 else sources
    return settings


def _flow(value: Any) -> str:
    """A YAML value on one line: `{name: conv1, filters: 64, kernel: 7}`, `[224, 224, 3]`."""
    text = yaml.safe_dump(value, default_flow_style=True, width=2**31, sort_keys=False, allow_unicode=True)
    return text.removesuffix("\n...\n").strip()  # a plain scalar ends its document


def checked(imported: Imported, source: str) -> tuple[str, Report]:
    """The spec text and archcalc's analysis of it, after checking that every layer has the shape the
    model gave it (a difference is archcalc's bug, reported rather than written)."""
    text = spec_text(imported)
    report = analyze(parse_spec_text(text, source))
    rows = {row.name: row for row in report.rows}
    for step in imported.steps:
        row = rows.get(step.name)
        if row is None or (step.shape is not None and tuple(row.output) != tuple(step.shape)):
            ours, theirs = format_shape(row.output) if row else "nothing", format_shape(step.shape or ())
            message = f"archcalc computes {ours} for '{step.name}' but the model gives {theirs}"
            raise error(source, f"{message}: a bug in archcalc's importer, please report it")
    return text, report
