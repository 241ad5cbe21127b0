"""The engine's records: a row renamed for a copy of its layer is the same row under another name."""

from dataclasses import fields, replace

from archcalc.report import LayerRow


def a_row_with_every_field_different() -> LayerRow:
    values = {item.name: index + 1 for index, item in enumerate(fields(LayerRow))}
    texts = {"name": "layer1.0.conv1", "kind": "conv", "summary": "3×3, 64", "input": (8, 8, 3),
             "output": (8, 8, 64), "container": True, "inputs": ("layer1.0",)}  # fmt: skip
    return LayerRow(**(values | texts))


def test_a_renamed_row_is_the_row_with_another_name_and_depth():
    row = a_row_with_every_field_different()
    assert row.renamed("layer1.1.conv1", 7) == replace(row, name="layer1.1.conv1", depth=7)


def test_a_row_told_what_it_reads_keeps_everything_else():
    row = a_row_with_every_field_different()
    before = replace(row)
    assert row.reading(("stem",)) == replace(before, inputs=("stem",))
