"""What each layer moves through memory beside its FLOPs, derived by hand: inputs + weights + outputs."""

from archcalc.analyses.traffic import traffic
from archcalc.engine import analyze
from archcalc.spec.model import load_spec
from tests.paths import SPECS


def rows(stem, batch, dtype):
    return {row.name: row for row in traffic(analyze(load_spec(SPECS / f"{stem}.yaml")).graph, batch, dtype)}


def test_lenet5_conv1_reads_its_input_and_weights_and_writes_its_output():
    conv1 = rows("lenet5", 2, "fp32")["conv1"]
    assert conv1.flops == 2 * 2 * 117_600  # 2 × MACs × batch
    # the images, then 150 weights and 6 biases
    assert conv1.read_bytes == 2 * 32 * 32 * 4 + (5 * 5 * 6 + 6) * 4
    assert conv1.written_bytes == 2 * 28 * 28 * 6 * 4
    assert conv1.intensity == conv1.flops / (conv1.read_bytes + conv1.written_bytes)


def test_a_pool_computes_nothing_and_moves_its_input_and_output():
    pool = rows("lenet5", 1, "fp32")["pool1"]
    assert (pool.flops, pool.bytes, pool.intensity) == (0, (28 * 28 * 6 + 14 * 14 * 6) * 4, 0.0)


def test_an_add_reads_both_of_its_inputs():
    add = rows("resnet18", 1, "fp32")["layer1.0.add"]
    assert add.read_bytes == 2 * 56 * 56 * 64 * 4 and add.written_bytes == 56 * 56 * 64 * 4


def test_mixed_precision_moves_2_byte_activations_and_weight_copies_but_fp32_batch_norm():
    # 7×7×3×64 weights as bf16 copies; its batch norm's 2·64 params and 2·64 buffers in fp32
    conv1 = rows("resnet18", 1, "bf16")["conv1"]
    assert conv1.read_bytes == 224 * 224 * 3 * 2 + 7 * 7 * 3 * 64 * 2 + (2 * 64 + 2 * 64) * 4
    assert rows("resnet18", 1, "bf16")["layer1.0.add"].written_bytes == 56 * 56 * 64 * 2
