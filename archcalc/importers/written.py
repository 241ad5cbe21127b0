"""An imported model written as a spec, and checked: the spec archcalc reads back must give every layer the
shape the model gave it, or nothing is written."""

from __future__ import annotations

from typing import Any

import yaml

from archcalc.engine import analyze
from archcalc.errors import SpecError
from archcalc.importers.blocks import fold_repeats
from archcalc.importers.entries import Entry, Unstructured, entries
from archcalc.importers.steps import INPUT, Imported, Step, error
from archcalc.importers.structure import exit_of, tree
from archcalc.report import Report
from archcalc.shapes import format_shape
from archcalc.spec.model import parse_spec_text


def spec_text(imported: Imported) -> str:
    """The spec, one layer per line with the shape the model gives it as a comment; `from:` only where a
    layer reads something other than the layer before it."""
    lines = [*_header(imported), "layers:"]
    previous = INPUT
    for position, step in enumerate(imported.steps):
        shape = f"  # {format_shape(step.shape)}" if step.shape else ""
        lines.append(f"  - {step.kind}: {_flow(_settings(step, previous, position))}{shape}")
        previous = step.name
    if imported.outputs != [previous]:
        lines.append(f"outputs: {_flow(imported.outputs)}")
    return "\n".join(lines) + "\n"


def _header(imported: Imported) -> list[str]:
    return [
        f"name: {_flow(imported.title)}",
        f"description: {_flow(imported.description)}",
        f"input: {_flow(list(imported.input))}",
    ]


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


def structured_text(imported: Imported) -> str:
    """The spec with the model's structure: its modules as sequences, residual blocks and branches."""
    shapes = {step.name: step.shape for step in imported.steps if step.shape is not None}
    top = tree(imported)
    layers = entries(top, {INPUT: imported.input, **shapes})
    blocks = fold_repeats(layers)
    lines = [
        *_header(imported),
        *(["blocks:"] if blocks else []),
        *(line for signature, body in blocks.items() for line in [f"  {signature}:", *_listed(body, "    ")]),
        "layers:",
        *_listed(layers, "  "),
    ]
    names = {exit_of(item): entry.settings["name"] for item, entry in zip(top.items, layers, strict=True)}
    if imported.outputs != [top.exit]:
        lines.append(f"outputs: {_flow([names[name] for name in imported.outputs])}")
    return "\n".join(lines) + "\n"


def _listed(entries: list[Entry], indent: str) -> list[str]:
    """Each entry on one line (`- conv: {…}  # shape`), or a composite's settings and lists beneath it."""
    lines = []
    for entry in entries:
        shape = f"  # {format_shape(entry.shape)}" if entry.shape else ""
        if not entry.lists:
            lines.append(f"{indent}- {entry.kind}: {_flow(entry.settings)}{shape}")
            continue
        lines.append(f"{indent}- {entry.kind}:{shape}")
        inner, settings = indent + "    ", entry.settings
        head = {key: settings[key] for key in ("name", "from") if key in settings}
        lines += [f"{inner}{key}: {_flow(value)}" for key, value in head.items()]
        for key, value in entry.lists.items():
            lines += _list_setting(key, value, inner)
        lines += [f"{inner}{key}: {_flow(value)}" for key, value in settings.items() if key not in head]
    return lines


def _list_setting(key: str, value: Any, indent: str) -> list[str]:
    if isinstance(value, dict):  # named paths
        return [f"{indent}{key}:", *(line for name, listed in value.items()
                                     for line in _list_setting(name, listed, indent + "  "))]  # fmt: skip
    return [f"{indent}{key}: []"] if not value else [f"{indent}{key}:", *_listed(value, indent + "  ")]


def checked(imported: Imported, source: str) -> tuple[str, Report]:
    """The spec text and archcalc's analysis of it, after checking that every layer has the shape the
    model gave it (a difference is archcalc's bug, reported rather than written). The flat spec is checked
    layer by layer; the structured one is written where it counts the same as the flat one."""
    text = spec_text(imported)
    report = analyze(parse_spec_text(text, source))
    rows = {row.name: row for row in report.rows}
    for step in imported.steps:
        row = rows.get(step.name)
        if row is None or (step.shape is not None and tuple(row.output) != tuple(step.shape)):
            ours, theirs = format_shape(row.output) if row else "nothing", format_shape(step.shape or ())
            message = f"archcalc computes {ours} for '{step.name}' but the model gives {theirs}"
            raise error(source, f"{message}: a bug in archcalc's importer, please report it")
    return _structured(imported, report, source) or (text, report)


def _structured(imported: Imported, flat: Report, source: str) -> tuple[str, Report] | None:
    """The structured spec and its analysis, if it has the flat spec's costs, weight layers and outputs."""
    try:
        text = structured_text(imported)
        report = analyze(parse_spec_text(text, source))
    except (Unstructured, SpecError):
        return None
    return (text, report) if _same(report, flat) else None


def _same(report: Report, flat: Report) -> bool:
    """Equal counts (all but `activations`, the sum of the rows' outputs, which folding changes), equal
    (output, MACs) of every weight layer in order, and equal outputs."""

    def weights(report: Report) -> list[tuple[Any, int]]:
        return [(row.output, row.macs) for row in report.rows if not row.container and row.macs]

    def counts(report: Report) -> dict[str, int]:
        return {name: value for name, value in report.totals.counts().items() if name != "activations"}

    def outputs(report: Report) -> list[Any]:
        return [report.output, *(shape for _, shape in report.outputs)]

    return all(measure(report) == measure(flat) for measure in (counts, weights, outputs))
