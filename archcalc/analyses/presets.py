"""Count the way another tool counts, so its total can be reconciled with ours (`--count PRESET`).

Every preset is a formula over the engine's per-layer figures (../shared/REFERENCE.md gives the rules):
  macs         MACs: multiply-accumulates of conv/dense weights (archcalc's own convention)
  flops        2 × MACs
  torch        torch.utils.flop_counter.FlopCounterMode: 2 × MACs
  torchvision  torchvision's documented "GFLOPS" and ptflops' aten backend: MACs + bias adds
  torchinfo    torchinfo's "Total mult-adds": MACs + bias adds + batch norm parameters (γ, β)
  fvcore       fvcore's FlopCountAnalysis: MACs + 2 per batch norm output element (eval, affine)
               + 1 per input element of an adaptive average pool (max-pool, activations and adds skipped)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archcalc.report import Costs


@dataclass(frozen=True)
class Preset:
    label: str
    definition: str
    count: Callable[[Costs], int]


PRESETS = {
    "macs": Preset("MACs", "multiply-accumulates of conv/dense weights", lambda c: c.macs),
    "flops": Preset("FLOPs", "2 × MACs", lambda c: 2 * c.macs),
    "torch": Preset("torch FLOPs", "torch FlopCounterMode: 2 × MACs", lambda c: 2 * c.macs),
    "torchvision": Preset("torchvision ops", "torchvision GFLOPS / ptflops: MACs + bias adds",
                          lambda c: c.macs + c.bias_adds),
    "torchinfo": Preset("torchinfo mult-adds", "torchinfo Total mult-adds: MACs + bias adds + BN params",
                        lambda c: c.macs + c.bias_adds + c.norm_params),
    "fvcore": Preset("fvcore flops", "fvcore: MACs + 2 per BN output + 1 per adaptive avg-pool input",
                     lambda c: c.macs + 2 * c.norm_outputs + c.pooled_inputs),
}  # fmt: skip
