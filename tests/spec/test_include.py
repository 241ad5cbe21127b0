"""`include:` — a spec uses other specs' blocks (built-in or by path); problems are told in the file they
are in, cycles and clashes are refused, and the zoo has one definition of Darknet-53."""

from pathlib import Path

import pytest

from archcalc.engine import analyze
from archcalc.errors import SpecError
from archcalc.limits import Limits, limits, set_limits
from archcalc.spec.model import load_spec
from tests.conftest import messages
from tests.paths import SPECS

PAIR = """name: library
input: [8, 8, 3]
blocks:
  pair(width):
    - conv: {filters: width, kernel: 3, padding: 1}
    - conv: {filters: width, kernel: 1}
layers: [pair: {width: 2}]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_yolov3_uses_darknet53s_backbone_and_reads_its_stages():
    yolo = analyze(load_spec(SPECS / "yolov3.yaml"))
    darknet = analyze(load_spec(SPECS / "darknet53.yaml"))
    backbone = {row.name: row for row in yolo.rows}["backbone"]
    classifier = {row.name: row for row in darknet.rows}["backbone"]
    assert (backbone.params, backbone.macs) == (classifier.params, classifier.macs * 416**2 // 256**2)
    assert [row.inputs for row in yolo.rows if row.kind == "concat"] == [
        ("upsample1", "backbone.stage4"),
        ("upsample2", "backbone.stage3"),
    ]


def test_a_path_is_read_from_the_including_specs_folder(tmp_path):
    write(tmp_path, "lib/pair.yaml", PAIR)
    main = write(tmp_path, "net.yaml", "name: net\ninput: [8, 8, 3]\ninclude: lib/pair.yaml\nlayers:\n"
                                       "  - pair: {width: 4}\n")  # fmt: skip
    # 3×3 'same' to 4 channels (27 + 1)·4 = 112 params, then 1×1 (4 + 1)·4 = 20
    assert analyze(load_spec(main)).totals.params == 112 + 20


def test_an_included_spec_passes_on_the_blocks_it_includes(tmp_path):
    write(tmp_path, "pair.yaml", PAIR)
    write(tmp_path, "middle.yaml", "include: [pair.yaml]\nblocks:\n  two(width):\n    - pair: {width: width}\n"
                                   "    - pair: {width: width}\n")  # fmt: skip
    main = write(
        tmp_path, "net.yaml", "name: n\ninput: [8, 8, 3]\ninclude: [middle.yaml]\nlayers: [two: {width: 1}]\n"
    )
    # (27 + 1)·1 + (1 + 1)·1, then (9 + 1)·1 + (1 + 1)·1
    assert analyze(load_spec(main)).totals.params == 28 + 2 + 10 + 2


def test_a_problem_inside_an_included_block_is_told_in_its_own_file(tmp_path):
    write(tmp_path, "pair.yaml", PAIR.replace("kernel: 1}", "kernal: 1}"))
    main = write(tmp_path, "net.yaml", "name: n\ninput: [8, 8, 3]\ninclude: [pair.yaml]\nlayers:\n"
                                       "  - pair: {width: 4}\n")  # fmt: skip
    with pytest.raises(SpecError) as error:
        load_spec(main, "net.yaml")
    (message,) = messages(error)
    assert message.startswith("pair.yaml:6:30: conv: unknown setting 'kernal'")  # named as net.yaml is
    assert message.endswith("(in block 'pair' used at net.yaml:5:5)")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"net.yaml": "include: [darknet35]"}, "include: no file '{tmp}/darknet35' and no built-in spec "
                                               "'darknet35' — did you mean 'darknet53'?"),
        ({"net.yaml": "include: [a.yaml]", "a.yaml": "include: [b.yaml]", "b.yaml": "include: [a.yaml]"},
         "includes itself (a.yaml → b.yaml → a.yaml)"),
        ({"net.yaml": "include: [bad.yaml]", "bad.yaml": "blocks: [1"}, "include: {tmp}/bad.yaml:2:1: YAML syntax error"),
        ({"net.yaml": "include: [darknet53]\nblocks:\n  res: [flatten]"},
         "block name 'res' is a block of an included spec; choose another name"),
        ({"net.yaml": "include: 3"}, "include: expected spec names or paths, e.g. [darknet53]"),
    ],
)  # fmt: skip
def test_bad_includes_are_refused_where_they_are_written(tmp_path, files, expected):
    for name, text in files.items():
        write(
            tmp_path,
            name,
            text + "\n" if name != "net.yaml" else f"name: n\ninput: [4]\n{text}\nlayers: [flatten]\n",
        )
    with pytest.raises(SpecError) as error:
        load_spec(tmp_path / "net.yaml")
    assert expected.format(tmp=tmp_path) in " ".join(messages(error))


def test_the_number_of_files_included_is_limited(tmp_path):
    for index in range(5):
        write(tmp_path, f"f{index}.yaml", f"include: [f{index + 1}.yaml]\n")
    write(tmp_path, "f5.yaml", "blocks: {}\n")
    main = write(tmp_path, "net.yaml", "name: n\ninput: [4]\ninclude: [f0.yaml]\nlayers: [flatten]\n")
    load_spec(main)
    before = limits()
    set_limits(Limits(files=3))
    try:
        with pytest.raises(SpecError) as error:
            load_spec(main)
    finally:
        set_limits(before)
    assert "more than 3 spec files included, all told" in " ".join(messages(error))
