"""Every lint rule with a check has a failing and a passing example (a new rule without both fails here)."""

from pathlib import Path

import pytest

from archcalc.linting.config import LintConfig
from archcalc.linting.rules import RULES
from archcalc.linting.runner import lint_file

HEAD = "name: t\ninput: [32, 32, 3]\nlayers:\n"
EXAMPLES = {
    # code: (a spec the rule flags, the same spec fixed)
    "AC201": (HEAD + "  - conv: {filters: 8, kernel: 3, stride: 2}\n",  # (32 − 3) % 2 = 1 row and column left
              HEAD + "  - conv: {filters: 8, kernel: 3, stride: 2, padding: 1}\n"),
    "AC202": (HEAD + "  - conv: {filters: 8, kernel: 3}\n  - batchnorm\n",
              HEAD + "  - conv: {filters: 8, kernel: 3, bias: false}\n  - batchnorm\n"),
    "AC203": (HEAD + "  - flatten\n  - dense: {units: 10, act: softmax}\n  - act: relu\n",
              HEAD + "  - flatten\n  - dense: {units: 10, act: relu}\n  - act: softmax\n"),
    "AC204": (HEAD + "  - conv: {filters: 8, kernel: 4, padding: same}\n",
              HEAD + "  - conv: {filters: 8, kernel: 3, padding: same}\n"),
    "AC205": (HEAD + "  - pool: {kernel: 2, stride: 4}\n",
              HEAD + "  - pool: {kernel: 4, stride: 4}\n"),
    "AC206": ("name: t\ninput: [4]\nblocks:\n  spare:\n    - identity\nlayers: [identity]\n",
              "name: t\ninput: [4]\nblocks:\n  spare:\n    - identity\nlayers: [spare]\n"),
    "AC207": ("name: t\ninput: [4]\nblocks:\n  b(width):\n    - dense: 4\nlayers:\n  - b: {width: 2}\n",
              "name: t\ninput: [4]\nblocks:\n  b(width):\n    - dense: width\nlayers:\n  - b: {width: 2}\n"),
    "AC208": (HEAD + "  - conv: {name: spare, filters: 8, kernel: 3}\n  - conv: {from: -2, filters: 8, kernel: 3}\n",
              HEAD + "  - conv: {name: spare, filters: 8, kernel: 3}\n  - conv: {from: -1, filters: 8, kernel: 3}\n"),
    "AC301": (HEAD + "  - flatten\n  - dense: 64\n  - dense: 8\n",  # 196,672 of 197,192 params
              HEAD + "  - conv: {filters: 8, kernel: 3}\n  - conv: {filters: 8, kernel: 3}\n  - conv: {filters: 8, kernel: 3}\n"),
    "AC302": (HEAD + "  - conv: {filters: 6, kernel: 5}\n  - flatten\n  - dense: 10\n",
              HEAD + "  - conv: {filters: 8, kernel: 5}\n  - flatten\n  - dense: 10\n"),
}  # fmt: skip


def codes(text: str, tmp_path: Path) -> list[str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    return [finding.code for finding in lint_file(spec, LintConfig(select=("AC",)))]


@pytest.mark.parametrize("code", sorted(code for code, rule in RULES.items() if rule.check))
def test_every_rule_fails_its_bad_example_and_passes_its_fix(code, tmp_path):
    assert code in EXAMPLES, f"add a failing and a passing example for {code}"
    failing, passing = EXAMPLES[code]
    assert code in codes(failing, tmp_path)
    assert code not in codes(passing, tmp_path)


def test_every_rule_has_a_level_a_name_and_a_rationale():
    for code, rule in RULES.items():
        assert code.startswith("AC") and len(code) == 5
        assert rule.level in ("error", "warning", "info") and rule.name and rule.rationale


def test_padding_that_absorbs_the_remainder_drops_nothing(tmp_path):
    # torchvision AlexNet's conv1: (224 + 2·2 − 11) % 4 = 1 position left over, but it is padding
    assert "AC201" not in codes(
        HEAD.replace("32, 32", "224, 224") + "  - conv: {filters: 64, kernel: 11, stride: 4, padding: 2}\n",
        tmp_path,
    )


def test_the_lectures_alexnet_at_224_is_told_that_227_tiles(tmp_path):
    text = HEAD.replace("32, 32", "224, 224") + "  - conv: {filters: 96, kernel: 11, stride: 4}\n"
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    (finding,) = lint_file(spec, LintConfig())
    assert finding.code == "AC201"
    assert finding.diagnostic.message.endswith(
        "leaves 1 row(s) and 1 column(s) of its 224×224 input unused; an input of 227×227 (or 223×223) would tile exactly"
    )


def test_a_pair_of_layers_a_repeat_copies_is_judged_once_and_reported_once(tmp_path):
    from archcalc.engine import analyze
    from archcalc.linting.context import Context
    from tests.conftest import spec_from

    text = ("name: t\ninput: [8, 8, 4]\nblocks:\n  unit:\n    - conv: {filters: 4, kernel: 3, padding: 1}\n"
            "    - batchnorm\nlayers:\n  - unit: {repeat: 3}\n")  # fmt: skip
    spec = spec_from(text)
    pairs = [(first.kind, second.kind) for first, second in Context(spec, analyze(spec)).neighbours]
    assert pairs.count(("conv", "batchnorm")) == 1  # the 3 copies share their layers
    assert codes(text, tmp_path).count("AC202") == 1
