"""Which input sizes tile exactly, and what a range of sizes costs (`archcalc sizes`).

A size tiles exactly when no conv or pool window written in the spec leaves any of its input's own pixels
unreached (the same rule as lint's AC201: leftover positions that are padding cost nothing; ceil_mode pools
keep their partial window; projection shortcuts, which archcalc adds, are not judged). Sizes are square,
nH = nW = n, with the spec's own channels.
"""

from __future__ import annotations

from dataclasses import dataclass

from archcalc.engine import analyze
from archcalc.errors import Diagnostic, SpecError
from archcalc.limits import limits
from archcalc.shapes import Shape
from archcalc.spec.model import Spec


@dataclass(frozen=True)
class SizeRow:
    size: int
    fits: bool
    """False when some layer cannot take the size at all (a kernel larger than its input)."""
    dropping: tuple[str, ...] = ()
    """The layers whose windows leave real pixels unreached."""
    output: Shape = ()
    macs: int = 0

    @property
    def tiles(self) -> bool:
        return self.fits and not self.dropping


def sweep(spec: Spec, sizes: range) -> list[SizeRow]:
    """Every size of `sizes`, analysed: does it fit, does it tile, its output shape and MACs."""
    if len(spec.input) != 3:
        problem = "the input is a vector: there are no input sizes to choose"
        raise SpecError([Diagnostic(spec.source.filename, 0, 0, problem, "AC100")])
    return [_row(spec, size) for size in sizes]


def _row(spec: Spec, size: int) -> SizeRow:
    try:
        report = analyze(spec, (size, size, int(spec.input[2])))
    except SpecError:
        return SizeRow(size, fits=False)
    assert report.graph is not None
    dropping = tuple(
        node.name for node in report.graph
        if node.layer and not node.layer.implicit
        and (tiling := node.layer.tiling(node.row.input)) and tiling.drops_pixels
    )  # fmt: skip
    return SizeRow(size, True, dropping, report.output, report.totals.macs)


def parse_range(text: str) -> range:
    """`200:260` → sizes 200 to 260 inclusive; `200:260:4` steps by 4. At most the `sizes` limit of them."""
    parts = [
        int(part) if part.strip().isdigit() and len(part.strip()) <= 19 else 0 for part in text.split(":")
    ]
    if len(parts) not in (2, 3) or parts[0] < 1 or parts[1] < parts[0] or (len(parts) == 3 and parts[2] < 1):
        raise ValueError(f"expected FIRST:LAST or FIRST:LAST:STEP with 1 ≤ FIRST ≤ LAST, got {text[:40]!r}")
    sizes = range(parts[0], parts[1] + 1, parts[2] if len(parts) == 3 else 1)
    if len(sizes) > limits().sizes:
        raise ValueError(
            f"{len(sizes):,} sizes is more than the {limits().sizes:,} one run analyses; use a "
            "STEP (FIRST:LAST:STEP) or raise the limit with `archcalc --limit sizes=N`"
        )
    return sizes
