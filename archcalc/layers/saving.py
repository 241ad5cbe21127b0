"""What a layer keeps for its backward pass: the tensors autograd saves, as torch's derivative formulas
(tools/autograd/derivatives.yaml) say and as a training step in eager torch measures them.

A layer names the tensors it saves as its input or its output where it keeps the very tensor the graph
passes on (shared with every other layer that keeps it: counted once), and counts the tensors it makes only
to keep (a batch norm's input inside a fused row, an in-place activation's copy of what it overwrites, a
max pool's indices). Elements are per sample, except `per_batch`; the activation dtype applies to `input`,
`output` and `new`, the others have a dtype of their own whatever the activations'.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Saved:
    input: bool = False
    """Its input (every input, for a merge), as the tensor the layer before made."""
    output: bool = False
    """Its output, as the tensor the next layer reads."""
    new: int = 0
    """Elements of tensors made only to be kept, per sample, in the activation dtype."""
    fp32: int = 0
    """Elements kept in fp32 whatever the activations' dtype, per sample (layer/group norm statistics)."""
    int64: int = 0
    """Elements of int64 indices, per sample (max pooling's argmax)."""
    per_batch: int = 0
    """fp32 elements kept once per batch (batch norm's mean and inverse standard deviation per channel)."""
    weights: int = 0
    """Weights it multiplies by and keeps for its input gradient (not biases): parameters themselves in fp32,
    but with mixed precision the 2-byte copies autocast makes of them."""

    def __add__(self, other: Saved) -> Saved:
        """Both layers' tensors (as when one row runs a conv, a batch norm and an activation)."""
        return Saved(
            self.input or other.input, self.output or other.output, self.new + other.new,
            self.fp32 + other.fp32, self.int64 + other.int64, self.per_batch + other.per_batch,
            self.weights + other.weights,
        )  # fmt: skip


NOTHING = Saved()

SAVES_OUTPUT = {"relu", "sigmoid", "tanh", "softmax", "log_softmax"}
"""Activations whose gradient is computed from their output (derivatives.yaml: `result`)."""
SAVES_OUTPUT_IN_PLACE = {"leaky_relu", "elu", "selu", "celu"}
"""Activations that read their input out of place, but their output when applied in place (`leaky_relu_`,
`elu_`: is_result)."""


PADS_KEEPING_INPUT = {"reflect", "replicate"}
"""Padding modes whose torch op keeps its input (zeros and circular padding keep nothing)."""


def activation_saves(fn: str, inplace: bool) -> str:
    """What an activation keeps: 'output'; 'input'; or 'copy', the copy of its input an in-place op whose
    gradient needs the input makes before overwriting it (SiLU, hardswish, ReLU6 in place)."""
    if fn in SAVES_OUTPUT or (inplace and fn in SAVES_OUTPUT_IN_PLACE):
        return "output"
    return "copy" if inplace else "input"
