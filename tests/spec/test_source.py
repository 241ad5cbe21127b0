"""Loading YAML: plain data only, every value positioned, every unreadable file explained."""

import pytest

from archcalc.errors import SpecError
from archcalc.spec.source import load_file, load_text


def diagnostics(text: str) -> list[str]:
    with pytest.raises(SpecError) as error:
        load_text(text, "s.yaml")
    return [str(d) for d in error.value.diagnostics]


def test_values_and_keys_are_positioned():
    data, source = load_text("name: x\nlayers:\n  - conv: {filters: 6}\n", "s.yaml")
    assert data == {"name": "x", "layers": [{"conv": {"filters": 6}}]}
    assert source.locate(("layers", 0, "conv", "filters")) == (3, 21)
    assert source.locate(("layers", 0, "conv", "filters"), on_key=True) == (3, 12)


def test_unknown_paths_fall_back_to_the_nearest_ancestor():
    _, source = load_text("layers:\n  - conv: 5\n", "s.yaml")
    assert source.locate(("layers", 0, "conv", "kernel", 1)) == (2, 11)


def test_merge_keys_and_anchors_work():
    data, _ = load_text("base: &b {kernel: 3}\nuse: {<<: *b, filters: 8}\n")
    assert data["use"] == {"kernel": 3, "filters": 8}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "s.yaml:1:1: the file is empty; a spec needs 'input' and 'layers'"),
        ("# only a comment\n", "s.yaml:1:1: the file is empty; a spec needs 'input' and 'layers'"),
        ("name: a\nname: b\n", "s.yaml:2:1: duplicate key 'name' (first given on line 1); keep only one"),
        (
            "a: [1\n",
            "s.yaml:2:1: YAML syntax error: did not find expected ',' or ']' while parsing a flow sequence"
            " (started at line 1, column 4)",
        ),
        (
            "a:\n\t- b\n",
            "s.yaml:2:1: a tab character is not allowed here: YAML indents with spaces only;"
            " replace tabs by spaces",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "s.yaml:2:1: the file holds more than one YAML document ('---'); a spec is a single document",
        ),
        ("a: &x [*x]\n", "s.yaml:1:4: an alias refers to itself; YAML anchors cannot recurse"),
        (
            "a: !!python/object/apply:os.system [echo]\n",
            "s.yaml:1:4: unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system': a spec holds"
            " plain data only (no tags)",
        ),
        ("[1, 2]: x\n", "s.yaml:1:1: mapping keys must be names or whole numbers, got [1, 2]"),
    ],
)
def test_unreadable_yaml_is_explained_with_its_position(text, expected):
    assert diagnostics(text) == [expected]


def test_missing_file_directory_and_bad_encoding(tmp_path):
    cases = {
        tmp_path / "none.yaml": "no such file",
        tmp_path: "is a directory, not a spec file; pass one of its .yaml files",
    }
    binary = tmp_path / "latin1.yaml"
    binary.write_bytes(b"name: caf\xe9\n")
    cases[binary] = "is not UTF-8 text (byte 9); save the spec as UTF-8"
    for path, message in cases.items():
        with pytest.raises(SpecError) as error:
            load_file(path)
        assert str(error.value) == f"{path}: {message}"
