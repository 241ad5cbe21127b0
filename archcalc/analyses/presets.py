"""Count the way another tool counts, so its total can be reconciled with ours (`--count PRESET`).

Every preset is a formula over the engine's per-layer figures (../shared/REFERENCE.md gives the rules):
  macs         MACs: multiply-accumulates of conv/dense weights and of attention's QKᵀ and AV (archcalc's own)
  flops        2 × MACs
  torch        torch.utils.flop_counter.FlopCounterMode: 2 × MACs
  torchvision  torchvision's documented "GFLOPS" and ptflops' aten backend: MACs + bias adds
  torchinfo    torchinfo's "Total mult-adds": MACs + bias adds + batch norm parameters (γ, β)
  fvcore       fvcore's FlopCountAnalysis: MACs + 2 per batch norm output element (eval, affine)
               + 1 per input element of an adaptive average pool (max-pool, activations and adds skipped)
The last three were worked out on CNNs; how those tools count attention is not known here, so they are
refused for a network with attention rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archcalc.errors import SettingError
from archcalc.report import Costs


@dataclass(frozen=True)
class Counting:
    """One way of counting: a sum of the engine's counts, or the parameter count. Every preset is one;
    `archcalc reconcile` tries them all (analyses/reconcile.py)."""

    mac_factor: int = 1
    bias: bool = False
    norm: str = ""  # "", "params" (γ, β: torchinfo) or "outputs" (2 per output element: fvcore)
    pooled: bool = False
    params: bool = False

    def count(self, costs: Costs) -> Any:
        """m · MACs [+ bias adds] [+ BN params | + 2 per BN output] [+ adaptive-pool inputs]: an exact
        integer, or a formula in the symbolic sizes."""
        if self.params:
            return costs.params
        total = costs.macs if self.mac_factor == 1 else self.mac_factor * costs.macs
        if self.bias:
            total = total + costs.bias_adds
        if self.norm:
            total = total + (costs.norm_params if self.norm == "params" else 2 * costs.norm_outputs)
        return total + costs.pooled_inputs if self.pooled else total

    def formula(self) -> str:
        """`MACs + bias adds + BN params (γ, β)`."""
        if self.params:
            return "params (every nn.Parameter)"
        terms = ["MACs" if self.mac_factor == 1 else "FLOPs (2 × MACs)"]
        terms += ["bias adds"] * self.bias
        terms += {"": [], "params": ["BN params (γ, β)"], "outputs": ["2 per BN output"]}[self.norm]
        terms += ["adaptive-pool inputs"] * self.pooled
        return " + ".join(terms)

    @property
    def presets(self) -> list[str]:
        """The presets (`--count`) that count this way."""
        return [name for name, preset in PRESETS.items() if preset.counting == self]


@dataclass(frozen=True)
class Preset:
    label: str
    definition: str
    counting: Counting
    attention: bool = False
    """Whether the tool's rule is known for attention (the other tools' rules were calibrated on CNNs)."""

    def count(self, costs: Costs) -> Any:
        return self.counting.count(costs)

    def check_applies(self, totals: Costs, name: str) -> None:
        """Refuse (`--count name`) to count a network with attention by a rule not known for attention."""
        if totals.attention_macs != 0 and not self.attention:
            tool = self.label.split()[0]
            raise SettingError(f"{name!r}: how {tool} counts attention is not known to archcalc (its rule "
                               "was worked out on CNNs); use macs, flops or torch", "count")  # fmt: skip


PRESETS = {
    "macs": Preset("MACs", "multiply-accumulates of conv/dense weights and attention's QKᵀ, AV", Counting(),
                   attention=True),
    "flops": Preset("FLOPs", "2 × MACs", Counting(mac_factor=2), attention=True),
    "torch": Preset("torch FLOPs", "torch FlopCounterMode: 2 × MACs", Counting(mac_factor=2), attention=True),
    "torchvision": Preset("torchvision ops", "torchvision GFLOPS / ptflops: MACs + bias adds",
                          Counting(bias=True)),
    "torchinfo": Preset("torchinfo mult-adds", "torchinfo Total mult-adds: MACs + bias adds + BN params",
                        Counting(bias=True, norm="params")),
    "fvcore": Preset("fvcore flops", "fvcore: MACs + 2 per BN output + 1 per adaptive avg-pool input",
                     Counting(norm="outputs", pooled=True)),
}  # fmt: skip
