"""The memory of training: weights, gradients, optimizer state, and the activations autograd keeps from the
forward pass for the backward pass — each layer kind's own rule (`Layer.saved`, layers/saving.py), walking
the engine's graph in running order.

A tensor several layers keep (a ReLU's output, which the next conv keeps as its input) is counted once, as
is a view of one (flatten's output is its input's storage). Only layers whose output needs a gradient
keep anything (autograd records nothing for a frozen prefix). A checkpointed block (torch.utils.checkpoint)
keeps only its input; it runs again in the backward pass, where what it keeps exists once more for a while:
the largest such block adds that much to the peak, and its forward MACs to the step.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from archcalc.analyses.training import gradient_flow
from archcalc.errors import SettingError
from archcalc.graph import Graph, Node, ancestors
from archcalc.layers.composite import Composite
from archcalc.layers.saving import NOTHING, Saved
from archcalc.report import Report
from archcalc.shapes import numel

OPTIMIZER_STATES = {"sgd": 0, "momentum": 1, "adam": 2, "adamw": 2}
"""fp32 copies of the trained weights each optimizer keeps: SGD none, momentum its velocity, Adam and
AdamW the first and second moments."""
TRAINING_DTYPES = {"fp32": 4, "bf16": 2, "fp16": 2}
"""Activation bytes; bf16 and fp16 mean mixed precision (autocast): weights, gradients and optimizer state
stay fp32 (the master weights), conv/dense run on 2-byte copies of their inputs and weights."""
FP32, INT64 = 4, 8


@dataclass(frozen=True)
class Kept:
    """What the forward pass leaves for the backward pass: activation elements per sample (shared tensors
    once), elements kept in fp32 and int64 whatever the dtype, fp32 elements per batch, and the weights of
    layers that multiply (which autocast keeps 2-byte copies of)."""

    activations: int = 0
    fp32: int = 0
    int64: int = 0
    per_batch: int = 0
    cast_weights: int = 0

    def bytes(self, batch: int, dtype: str) -> int:
        """Bytes for `batch` samples with activations in `dtype` (with mixed precision, the weight copies)."""
        size = TRAINING_DTYPES[dtype]
        copies = self.cast_weights * size if size != FP32 else 0
        per_sample = self.activations * size + self.fp32 * FP32 + self.int64 * INT64
        return batch * per_sample + self.per_batch * FP32 + copies


@dataclass(frozen=True)
class TrainingMemory:
    params: int
    trainable: int
    buffers: int
    kept: Kept
    checkpointed: tuple[str, ...]
    recomputed: Kept
    """What the largest checkpointed block keeps again while the backward pass reruns it."""
    recompute_macs: int
    """The forward MACs of the checkpointed blocks, run again in the backward pass."""

    def breakdown(self, batch: int, dtype: str, optimizer: str) -> dict[str, int]:
        """Bytes of one training step, by what holds them: weights (fp32), gradients and optimizer state
        (fp32, trained weights only), batch norm buffers, the kept activations, and their sum; with
        checkpointing, `recomputed`: what the largest block keeps again while it reruns."""
        parts = {
            "weights": self.params * FP32,
            "gradients": self.trainable * FP32,
            "optimizer_state": self.trainable * FP32 * OPTIMIZER_STATES[optimizer],
            "buffers": self.buffers * FP32,
            "activations": self.kept.bytes(batch, dtype),
        }
        again = {"recomputed": self.recomputed.bytes(batch, dtype)} if self.checkpointed else {}
        return parts | {"total": sum(parts.values())} | again


def training_memory(report: Report, checkpointed: Collection[str] = ()) -> TrainingMemory:
    """The training memory of `report`'s network, with the blocks named in `checkpointed` (row names of
    containers or layers) recomputed in the backward pass rather than kept."""
    graph = report.graph
    assert graph is not None
    blocks = {node: node.name for node in graph.nodes if node.name in checkpointed}
    missing = sorted(set(checkpointed) - set(blocks.values()))
    if missing:
        containers = [node.name for node in graph.nodes if node.is_container and node.role != "root"][:3]
        raise SettingError(f"no row named {', '.join(missing)}; name blocks or layers as the table does, "
                           f"e.g. {', '.join(containers) or graph.order[0].name}", "checkpoint")  # fmt: skip
    kept, recomputed = kept_for_backward(graph, blocks), Kept()
    for block in blocks:
        own = kept_for_backward(graph, {}, within=block)
        recomputed = max(recomputed, own, key=lambda k: (k.activations, k.fp32, k.int64))
    recompute_macs = sum(block.row.macs for block in blocks)
    totals = report.totals
    return TrainingMemory(totals.params, totals.trainable_params, totals.buffers, kept,
                          tuple(blocks.values()), recomputed, recompute_macs)  # fmt: skip


def kept_for_backward(graph: Graph, checkpointed: dict[Node, str], within: Node | None = None) -> Kept:
    """Walk the computing nodes in order (those inside `within` only), sharing storages: every view's
    storage is its input's; a checkpointed block's nodes keep nothing, the block its input (of blocks
    checkpointed inside one another, the outermost: the inner ones run only when it reruns)."""
    storage: dict[Node, Node] = {graph.input: graph.input}
    tensors: set[Node] = set()
    extra = NOTHING
    for node, (inputs, weights) in gradient_flow(graph).items():
        storage[node] = storage[node.inputs[0].value] if _is_view(node) else node
        scope = [node, *ancestors(node)]  # innermost first; a checkpointed layer is its own block
        if not (inputs or weights) or (within is not None and within not in scope):
            continue
        block = next((container for container in reversed(scope) if container in checkpointed), None)
        saved = Saved(input=True) if block is not None else _saved(node, inputs, weights)
        sources = block.inputs if block is not None else node.inputs
        tensors.update(storage[source.value] for source in sources if saved.input)
        tensors.update([storage[node]] if saved.output else [])
        extra += replace(saved, input=False, output=False)
    activations = extra.new + sum(numel(tensor.row.output) for tensor in tensors)
    return Kept(activations, extra.fp32, extra.int64, extra.per_batch, extra.weights)


def _saved(node: Node, inputs: bool, weights: bool) -> Saved:
    """What a computing node keeps: its layer's rule, or for a merge its composite's."""
    row = node.row
    if node.layer is not None:
        return node.layer.saved(row.input, row.output, weights=weights, inputs=inputs)
    owner = node.parent.layer if node.parent is not None else None
    return owner.merge_saved(row.output) if isinstance(owner, Composite) else NOTHING


def _is_view(node: Node) -> bool:
    return node.layer is not None and node.layer.is_view()
