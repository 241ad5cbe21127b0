"""Diagrams: every layer a node, every edge labelled with the shape it carries, shortcuts and branches drawn."""

from typer.testing import CliRunner

from archcalc.analyses.diagram import build
from archcalc.cli import app
from archcalc.spec.model import load_spec
from tests.paths import GOLDEN, SPECS

runner = CliRunner()


def test_golden_mermaid_and_dot():
    assert (
        runner.invoke(app, ["export", "ws-projection", "-", "--to", "mermaid"]).stdout
        == (GOLDEN / "ws-projection.mmd").read_text()
    )
    assert (
        runner.invoke(app, ["export", "inception-module", "-", "--to", "dot"]).stdout
        == (GOLDEN / "inception-module.dot").read_text()
    )


def test_an_identity_shortcut_is_an_edge_from_the_block_input_to_its_add():
    graph = build(load_spec(SPECS / "resnet18.yaml"))
    edges = {(a, b): label for a, b, label in graph.edges}
    assert edges["pool1", "layer1.0.add"] == "56×56×64"  # a[l] skips the body
    assert edges["layer1.1.add", "layer2.0.shortcut"] == "56×56×64"  # the projection where shapes change
    assert edges["layer2.0.shortcut", "layer2.0.add"] == "28×28×128"


def test_every_engine_row_except_containers_and_paths_is_a_node():
    from archcalc.engine import analyze

    for stem in ("googlenet", "darknet53", "resnet50"):
        spec = load_spec(SPECS / f"{stem}.yaml")
        graph = build(spec)
        drawn = {row.name for row in analyze(spec).rows if not row.container}
        assert drawn == set(graph.labels) - {"input", "output"}
        assert all(a in graph.labels and b in graph.labels for a, b, _ in graph.edges)


def test_a_diagram_goes_to_a_file_without_torch(tmp_path):
    target = tmp_path / "net.mmd"
    assert runner.invoke(app, ["export", "lenet5", str(target), "--to", "mermaid"]).exit_code == 0
    assert target.read_text().startswith("flowchart TD\n")


def test_a_depth_limited_diagram_draws_blocks_as_nodes_with_route_edges_and_every_output():
    text = runner.invoke(app, ["export", "yolov3", "-", "--to", "mermaid", "--depth", "1"]).stdout
    assert '  n_backbone["backbone: sequential backbone"]' in text  # a block drawn as one node
    assert "n_backbone -->|13×13×1024| n_neck13" in text  # its output
    assert "n_backbone -->|26×26×512| n_concat1" in text  # the route from its stage4 to the second head
    assert "n_neck13 -->|13×13×512| n_cbl2" in text  # the lateral branch off the first neck
    for head, size in (("head13", 13), ("head26", 26), ("head52", 52)):
        assert f"n_{head} -->|{size}×{size}×255| n_output_{head}" in text
    assert "subgraph" not in text
    refused = runner.invoke(app, ["export", "yolov3", "x.onnx", "--depth", "1"])
    assert refused.exit_code == 2 and "--depth draws diagrams" in refused.stderr
