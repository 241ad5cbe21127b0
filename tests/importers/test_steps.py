"""Folding imported layers: conv/dense → batch norm → activation become one layer where nothing else reads
the values between them (the costs are the same either way; the spec reads like a hand-written one)."""

from archcalc.importers.steps import INPUT, Imported, Step, fuse


def imported(*steps, outputs=None):
    return Imported("net", "", (8, 8, 3), list(steps), outputs or [steps[-1].name])


def conv(name="conv", inputs=(INPUT,), **settings):
    return Step(name, "conv", {"filters": 4, "kernel": 3, **settings}, list(inputs), (6, 6, 4))


def test_conv_batch_norm_and_relu_read_only_by_each_other_become_one_conv():
    net = imported(conv(bias=False), Step("bn", "batchnorm", {}, ["conv"], (6, 6, 4)),
                   Step("relu", "act", {"fn": "relu"}, ["bn"], (6, 6, 4)))  # fmt: skip
    fuse(net)
    assert [(s.name, s.settings) for s in net.steps] == [
        ("conv", {"filters": 4, "kernel": 3, "bn": True, "act": "relu"})  # no bias: bn's default
    ]
    assert net.outputs == ["conv"]


def test_a_conv_with_a_bias_before_batch_norm_keeps_it_said():
    net = imported(conv(), Step("bn", "batchnorm", {}, ["conv"], (6, 6, 4)))
    fuse(net)
    assert net.steps[0].settings == {"filters": 4, "kernel": 3, "bn": True, "bias": True}


def test_a_value_read_elsewhere_is_not_folded_away():
    net = imported(
        conv(), Step("relu", "act", {"fn": "relu"}, ["conv"], (6, 6, 4)),
        Step("add", "add", {}, ["relu", "conv"], (6, 6, 4)),
    )  # fmt: skip
    fuse(net)
    assert [s.name for s in net.steps] == ["conv", "relu", "add"]


def test_a_batch_norm_with_its_own_settings_stays_a_layer():
    net = imported(conv(), Step("bn", "batchnorm", {"eps": 0.001}, ["conv"], (6, 6, 4)))
    fuse(net)
    assert [s.kind for s in net.steps] == ["conv", "batchnorm"]


def test_readers_of_a_folded_layer_read_the_layer_it_folded_into():
    net = imported(
        conv(), Step("relu", "act", {"fn": "leaky_relu", "slope": 0.1}, ["conv"], (6, 6, 4)),
        conv("conv2", inputs=["relu"]), outputs=["relu", "conv2"],
    )  # fmt: skip
    fuse(net)
    assert net.steps[0].settings["act"] == {"fn": "leaky_relu", "slope": 0.1}
    assert net.steps[1].inputs == ["conv"]
    assert net.outputs == ["conv", "conv2"]
