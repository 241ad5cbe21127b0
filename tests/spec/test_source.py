"""Loading YAML: plain data only, every value positioned, every unreadable file explained."""

from pathlib import Path

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


def test_special_files_are_refused_without_being_read(tmp_path):
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # reading it would wait for a writer for ever
    with pytest.raises(SpecError) as error:
        load_file(fifo)
    assert str(error.value) == f"{fifo}: is a FIFO (named pipe), not a regular file; pass a spec file"
    with pytest.raises(SpecError) as error:
        load_file(Path("/dev/zero"))
    assert str(error.value) == "/dev/zero: is a character device, not a regular file; pass a spec file"


def test_a_symlink_loop_is_named_as_such(tmp_path):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    with pytest.raises(SpecError, match="cannot be read: Too many levels of symbolic links"):
        load_file(tmp_path / "a.yaml")


def test_files_larger_than_the_limit_are_refused_before_they_are_parsed(tmp_path, limited):
    limited(file_bytes=100)
    spec = tmp_path / "big.yaml"
    spec.write_text("name: x\n" + "# padding\n" * 20)
    with pytest.raises(SpecError) as error:
        load_file(spec)
    assert "is larger than 100 bytes, the most a spec may have" in str(error.value)
    assert error.value.diagnostics[0].code == "AC003"


def test_nesting_is_bounded_without_recursion():
    assert diagnostics("a: " + "[" * 65 + "]" * 65 + "\n") == [
        "s.yaml:1:67: lists and mappings nested more than 64 deep; a spec never needs that many (raise the "
        "limit with `archcalc --limit nesting=N`)"
    ]
    data, _ = load_text("a: " + "[" * 63 + "]" * 63 + "\n")  # 64 levels with the mapping: allowed
    assert isinstance(data["a"], list)


def test_alias_expansion_is_counted_as_the_events_arrive(limited):
    limited(yaml_nodes=100)
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b]\n"
    # keys count too: line 1 makes 12 (the root, key a, the list and its 9 items), b's key and list 14, and
    # each *a adds 10, so the 9th *a (column 40) is the first past 100
    assert diagnostics(text) == [
        "s.yaml:2:40: more than 100 YAML values once aliases are expanded (an alias bomb?); raise the limit "
        "with `archcalc --limit yaml_nodes=N` if the spec is really that large"
    ]


def test_numbers_beyond_the_limit_are_refused_before_python_converts_them():
    assert diagnostics(f"a: {'9' * 4400}\n") == [
        "s.yaml:1:4: a 4,400-character whole number is larger than any a spec needs (at most "
        "1,000,000,000,000,000,000); check for a typo"
    ]
    assert diagnostics("a: 1_000_000_000_000_000_001\n")[0].startswith("s.yaml:1:4: a 19-digit whole number")


def test_control_characters_and_undefined_aliases_are_explained():
    assert diagnostics("a: b\x1bc\n") == [
        's.yaml:1:5: the control character U+001B is not allowed in YAML; delete it, or write it as "\\x1B" '
        "inside a double-quoted string"
    ]
    assert diagnostics("a: *nowhere\n") == ["s.yaml:1:4: YAML syntax error: found undefined alias 'nowhere'"]


def test_merge_keys_follow_yaml_1_1_and_keep_positions():
    text = "x: &x {kernel: 3, stride: 2}\ny: &y {kernel: 5, padding: 1}\nz: {<<: [*x, *y], stride: 1}\n"
    data, source = load_text(text, "s.yaml")
    assert data["z"] == {"kernel": 3, "padding": 1, "stride": 1}  # the first source wins; explicit keys win
    assert source.locate(("z", "padding")) == (2, 28)  # where the merged value was written
    assert diagnostics("x: 1\nz: {<<: *x}\n".replace("x: 1", "x: &x 1")) == [
        "s.yaml:2:5: a merge key `<<` takes a mapping (`<<: *anchor`) or a list of them"
    ]


def test_a_scalar_read_again_resolves_as_yaml_1_1_does_and_its_bounds_still_hold(limited):
    text = "[yes, yes, No, '3', 3, 3, 0x10, 0x10, 1_000, 017, 0o17, null, ~, 'null', 1.5, .inf, 2024-01-01]\n"
    expected = [True, True, False, "3", 3, 3, 16, 16, 1000, 15, "0o17", None, None, "null", 1.5, float("inf"),
                "2024-01-01"]  # fmt: skip
    for _ in range(2):  # the second time, every scalar has been read before
        assert load_text(text, "s.yaml")[0] == expected
    assert load_text("a: 5000\n", "s.yaml")[0] == {"a": 5000}
    limited(number=4999)
    assert diagnostics("a: 5000\n")[0].startswith("s.yaml:1:4: a 4-digit whole number is larger")
