"""Memory a spec needs: parameters per dtype, and activations for inference (peak) and for training.

Inference keeps only what is still to be read: a layer's input and output coexist while it runs, then the
input is freed — except the network's input, which the caller holds throughout, and where a block still
needs it (a residual's shortcut, the other paths of a branch set); a path's output lives until the merge,
and a conv or dense with a fused batch norm briefly holds two outputs. The peak of that walk is the
inference figure, as eager torch allocates (fused activations work in place). Training keeps every
layer's output for the backward pass, plus the input: the sum of all activations. Figures are elements
per sample; bytes = elements × batch × dtype size.
"""

from __future__ import annotations

from dataclasses import dataclass

from archcalc.engine import implicit_shortcut, merge_row, walk
from archcalc.layers import Layer
from archcalc.layers.composite import Composite
from archcalc.report import LayerRow
from archcalc.shapes import Shape, numel
from archcalc.spec.model import Spec

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}


@dataclass(frozen=True)
class Memory:
    params: int
    buffers: int
    inference_peak: int
    """Most activation elements alive at once in one forward pass, per sample (input included)."""
    training: int
    """Activation elements kept for the backward pass, per sample: the input and every layer's output."""

    def bytes(self, elements: int, batch: int, dtype: str) -> int:
        return elements * batch * DTYPE_BYTES[dtype]


def memory(spec: Spec, input_shape: Shape | None = None) -> Memory:
    report, layers = walk(spec, input_shape)
    rows = {row.name: row for row in report.rows}
    x = numel(report.input)  # the caller holds the input for the whole forward pass
    peak = _Peak(rows, layers).run(spec.layers, "", x, shared=True, held=x)[0]
    training = numel(report.input) + report.totals.activations
    return Memory(report.totals.params, report.totals.buffers, peak, training)


@dataclass
class _Peak:
    rows: dict[str, LayerRow]
    layers: dict[str, Layer]

    def run(self, layers: list[Layer], prefix: str, x: int, shared: bool, held: int) -> tuple[int, int]:
        """(peak, output size) of a list whose input has `x` elements; `shared`: the input is counted in
        `held` already (a block's input that its shortcut still needs)."""
        current = 0 if shared else x
        peak = held + current
        for layer in layers:
            name = f"{prefix}{layer.name}"
            y = numel(self.rows[name].output)
            if isinstance(layer, Composite):
                peak = max(peak, self.composite(layer, name, x, held, current))
            else:
                peak = max(peak, held + current + layer.outputs_alive() * y)
            x, current = y, y
        return peak, x

    def composite(self, layer: Composite, name: str, x: int, held: int, current: int) -> int:
        """The peak inside a composite whose input has `x` elements, `current` of them not yet in `held`."""
        merge = merge_row(self.rows, name)
        if merge is None:  # a sequence: its layers run one after the other
            return self.run(layer.part_lists()[0][1], f"{name}.", x, current == 0, held)[0]
        held += current  # the input stays alive until the merge: the shortcut or another path reads it
        peak, ends = held, 0
        for scope, parts in layer.part_lists():
            part_peak, end = self.run(parts, f"{name}.{scope}", x, shared=True, held=held + ends)
            peak, ends = max(peak, part_peak), ends + (end if parts else 0)
        shortcut = implicit_shortcut(self.layers, name)
        if shortcut:
            out = numel(self.rows[shortcut].output)
            peak, ends = max(peak, held + ends + self.layers[shortcut].outputs_alive() * out), ends + out
        return max(peak, held + ends + numel(self.rows[merge].output))
