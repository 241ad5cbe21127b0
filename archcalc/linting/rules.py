"""Every lint rule: a stable code, a level, a one-line rationale, and (for warnings and hints) its check.

Errors AC0xx/AC1xx are raised where the spec is read and computed (the messages come from there); the
checks below look at a spec that computes, through the engine's rows and the layers behind them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from archcalc.errors import Problem
from archcalc.layers import Layer
from archcalc.layers.activation import Act
from archcalc.layers.conv import Conv
from archcalc.layers.fused import Fused
from archcalc.layers.norm import BatchNorm
from archcalc.linting.context import Context
from archcalc.shapes import effective_kernel, format_axes, format_shape

Check = Callable[[Context], Iterator[Problem]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    level: str  # "error", "warning" or "info"
    rationale: str
    check: Check | None = None


RULES: dict[str, Rule] = {}


def _rule(code: str, name: str, level: str, rationale: str, check: Check | None = None) -> None:
    RULES[code] = Rule(code, name, level, rationale, check)


def rule(code: str, name: str, level: str, rationale: str) -> Callable[[Check], Check]:
    """Register a check under its code (one line per rule, as the registry of layer kinds)."""

    def register(check: Check) -> Check:
        _rule(code, name, level, rationale, check)
        return check

    return register


for _code, _name, _why in [
    ("AC000", "internal-error", "archcalc failed on this file: a bug to report, not a problem of the spec"),
    ("AC001", "unreadable-file", "the file is missing, a directory or not UTF-8 text"),
    (
        "AC002",
        "yaml-structure",
        "not valid YAML, or not a single plain mapping (syntax, tabs, duplicate keys, tags)",
    ),
    (
        "AC003",
        "limit-exceeded",
        "larger or deeper than archcalc's limits allow (file size, YAML values, nesting, layers, "
        "expressions, numbers): bounded time and memory whatever the input",
    ),
    ("AC010", "unknown-kind", "a layer kind or block that does not exist"),
    ("AC011", "unknown-setting", "a setting the layer kind does not have (often a typo)"),
    ("AC012", "invalid-setting", "a missing setting, or a value of the wrong type or range"),
    ("AC013", "block-arguments", "a block used with a missing or an undefined argument"),
    ("AC014", "block-recursion", "a block that uses itself can never be built"),
    ("AC015", "bad-expression", "an argument expression that cannot be evaluated"),
    ("AC016", "bad-block-definition", "a block definition that cannot be read"),
    (
        "AC017",
        "duplicate-name",
        "two layers of one list share a name, so the table and torch cannot tell them apart",
    ),
    ("AC100", "shape-mismatch", "a layer cannot take the shape it is given"),
    ("AC101", "kernel-too-large", "a window larger than its (padded) input"),
    ("AC102", "empty-output", "a layer whose output has no elements"),
    ("AC103", "residual-mismatch", "the shortcut and the body of a residual block end in different shapes"),
    ("AC104", "merge-mismatch", "branches whose outputs cannot be concatenated or added"),
    ("AC105", "groups-mismatch", "groups that do not divide the channels"),
    ("AC106", "bad-from", "a `from:` naming no earlier layer, or several inputs to a layer that takes one"),
    ("AC401", "params-budget", "more parameters than the budget allows"),
    ("AC402", "macs-budget", "more MACs than the budget allows"),
    ("AC403", "activations-budget", "more activations than the budget allows"),
    ("AC901", "unused-suppression", "a `# archcalc: noqa` that suppresses nothing hides future findings"),
]:
    _rule(_code, _name, "warning" if _code == "AC901" else "error", _why)


def _at(layer: Layer, message: str, code: str) -> Problem:
    return Problem(message, layer.source_path, via=layer.via, code=code)


@rule("AC201", "window-not-tiling", "warning", "pixels the last window cannot reach are silently dropped")
def window_not_tiling(context: Context) -> Iterator[Problem]:
    for name, layer, tiling in context.tilings:
        if tiling.drops_pixels and tiling.leftover:
            x, dropped = context.rows[name].input, tiling.leftover
            exact = [(n + s - left, n - lost) if lost else (n, n)
                     for n, s, (left, lost) in zip(x[:2], tiling.stride, dropped, strict=True)]  # fmt: skip
            message = (f"{layer.kind} '{name}': the {format_shape(tiling.kernel)} window with stride "
                       f"{format_axes(tiling.stride)} leaves {dropped[0][1]} row(s) and {dropped[1][1]} "
                       "column(s) of its "
                       f"{format_shape(x[:2])} input unused; an input of {exact[0][0]}×{exact[1][0]} "
                       f"(or {exact[0][1]}×{exact[1][1]}) would tile exactly")  # fmt: skip
            yield _at(layer, message, "AC201")


@rule(
    "AC202",
    "bias-before-batchnorm",
    "warning",
    "batch norm subtracts the mean, so a bias before it is wasted",
)
def bias_before_batchnorm(context: Context) -> Iterator[Problem]:
    for name, layer in context.layers.items():
        if isinstance(layer, Fused) and layer.bn and layer.has_bias:
            yield _at(
                layer,
                f"{layer.kind} '{name}': a bias before its batch norm is wasted; remove `bias: true`",
                "AC202",
            )
    for first, second in context.neighbours:
        if isinstance(first, Fused) and first.has_bias and not first.bn and isinstance(second, BatchNorm):
            yield _at(first, f"{first.kind} '{first.name}': its {first.width:,} bias values are wasted "
                             "before the batch norm that follows; set `bias: false`", "AC202")  # fmt: skip


def _act(layer: Layer) -> Any:
    """The activation a layer applies (itself for an act, its `act:` setting), or None. Asked of the class's
    fields, not with getattr: a missing attribute costs pydantic a raised and caught exception."""
    if isinstance(layer, Act):
        return layer
    return layer.act if "act" in type(layer).model_fields else None  # type: ignore[attr-defined]


def _softmax(layer: Layer) -> bool:
    act = _act(layer)
    return isinstance(act, Act) and act.fn in ("softmax", "log_softmax")


@rule(
    "AC203",
    "activation-after-softmax",
    "warning",
    "softmax gives probabilities; a further activation distorts them",
)
def activation_after_softmax(context: Context) -> Iterator[Problem]:
    for first, second in context.neighbours:
        if _softmax(first) and _act(second) is not None:
            yield _at(
                second,
                f"{second.kind} '{second.name}': an activation after the softmax of '{first.name}'",
                "AC203",
            )


@rule("AC204", "same-even-kernel", "warning", "'same' with an even kernel pads one side more than the other")
def same_with_even_kernel(context: Context) -> Iterator[Problem]:
    for name, layer in context.layers.items():
        if isinstance(layer, Conv) and layer.padding == "same" and any(k % 2 == 0 for k in layer.kernel):
            (top, bottom), _ = layer.pads()
            yield _at(layer, f"conv '{name}': 'same' with the even kernel {format_shape(layer.kernel)} pads "
                             f"asymmetrically ({top} before, {bottom} after)", "AC204")  # fmt: skip


@rule(
    "AC205",
    "stride-over-kernel",
    "warning",
    "with a stride larger than the window, some input pixels are never seen",
)
def stride_over_kernel(context: Context) -> Iterator[Problem]:
    for name, layer, tiling in context.tilings:
        stride, effective = tiling.stride, effective_kernel(tiling.kernel, tiling.dilation)
        if any(s > f for s, f in zip(stride, effective, strict=True)):
            window = format_shape(effective)
            message = (f"{layer.kind} '{name}': stride {format_axes(stride)} is larger than its {window} "
                       "window: pixels between windows are never seen")  # fmt: skip
            yield _at(layer, message, "AC205")


@rule(
    "AC206", "unused-block", "warning", "a block defined but never used is dead text that may hide a mistake"
)
def unused_block(context: Context) -> Iterator[Problem]:
    for block in context.blocks.values():
        if block.name not in context.used_blocks:
            yield Problem(
                f"block '{block.name}' is defined but never used", block.path, on_key=True, code="AC206"
            )


@rule(
    "AC207",
    "unused-block-argument",
    "error",
    "an argument the block never uses has no effect: a forgotten setting",
)
def unused_block_argument(context: Context) -> Iterator[Problem]:
    for block in context.blocks.values():
        text = repr(block.body)
        for argument in block.defaults:
            if not re.search(rf"\b{re.escape(argument)}\b", text):
                yield Problem(f"block '{block.name}': argument '{argument}' is never used", block.path,
                              on_key=True, code="AC207")  # fmt: skip


@rule(
    "AC208", "dead-end", "warning", "a layer whose output nothing reads and that is no output is wasted work"
)
def dead_end(context: Context) -> Iterator[Problem]:
    graph = context.report.graph
    assert graph is not None
    top = graph.root.lists.get("", [])
    outputs = {name for name, _ in context.report.outputs} or {top[-1].name}
    for node in top:
        if not node.consumers and node.name not in outputs and node.layer is not None:
            message = f"{node.row.kind} '{node.name}': nothing reads its output and it is not in `outputs:`"
            yield _at(node.layer, message, "AC208")


@rule(
    "AC301",
    "dominant-layer",
    "info",
    "one layer holding most of the parameters is the first place to slim a model",
)
def dominant_layer(context: Context) -> Iterator[Problem]:
    total = context.report.totals.params
    for row in context.report.rows:
        if not row.container and total and 2 * row.params > total:
            share = 100 * row.params / total
            message = (
                f"{row.kind} '{row.name}' holds {share:.0f}% of the parameters ({row.params:,} of {total:,})"
            )
            yield _at(context.layers[row.name], message, "AC301")


@rule(
    "AC302", "channels-not-multiple-of-8", "info", "tensor cores and vector units work best on multiples of 8"
)
def channels_not_multiple_of_8(context: Context) -> Iterator[Problem]:
    output_layer = next((row.name for row in reversed(context.report.rows) if not row.container), None)
    for name, layer in context.layers.items():
        if layer.width and layer.width % 8 and name != output_layer:
            yield _at(layer, f"{layer.kind} '{name}': {layer.width} channels is not a multiple of 8", "AC302")
