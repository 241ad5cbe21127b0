"""Random valid specs (every layer kind, blocks, residuals, branches): torch agrees with the engine on every
layer's shape, parameters and FLOPs, and runs every spec the engine accepts (the engine refuses what torch
refuses). Seeded; `benchmarks/fuzz.py --random N` runs more."""

import pytest

torch = pytest.importorskip("torch")

from archcalc.backends.torch import build, nchw  # noqa: E402
from archcalc.backends.verify import verify  # noqa: E402
from archcalc.engine import analyze  # noqa: E402
from tests.fuzz.generate import SpecGenerator  # noqa: E402

SEEDS = range(200)


def test_the_generator_covers_every_layer_kind():
    from archcalc.layers import LAYER_KINDS

    seen = {row.kind for seed in SEEDS for row in analyze(SpecGenerator(seed).spec()[1]).rows}
    assert {cls.kind for cls in LAYER_KINDS.values()} <= seen


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
def test_torch_agrees_with_the_engine_on_random_valid_specs():
    disagreements = []
    for seed in SEEDS:
        text, spec = SpecGenerator(seed).spec()
        verification = verify(spec)
        report = analyze(spec)
        with torch.no_grad():
            output = build(spec, report).eval()(torch.zeros(nchw(report.input)))
        if not verification.ok or tuple(output.shape) != nchw(report.output):
            disagreements.append(f"seed {seed}: {[check.name for check in verification.failures]}\n{text}")
    assert disagreements == []
