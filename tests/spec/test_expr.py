"""Block arguments in settings: a whitelist of integer arithmetic, never Python's eval."""

import pytest

from archcalc.spec.expr import ExpressionError, evaluate, substitute

ENV = {"width": 64, "stride": 2, "i": 0, "plain": False}
CALLS = "only make_divisible(v, d), max(…) and min(…) can be called, with whole numbers"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("width", 64),
        ("width * 4", 256),
        ("width // 2 + 1", 33),
        ("width % 3", 1),
        ("-stride", -2),
        ("2 if i == 0 else 1", 2),
        ("1 < stride <= 2", True),
        ("not plain and stride > 1", True),
        ("(width - 16) * (stride + 1)", 144),
        ("max(width // 4, 24)", 24),
        ("min(width, stride, 9)", 2),
        # torchvision's _make_divisible(v, 8): nearest multiple of 8, at least 8, never 10% below v
        ("make_divisible(72 // 4, 8)", 24),  # 18 → 16 is below 16.2 = 0.9·18, so 24 (MobileNetV3's SE)
        ("make_divisible(120 // 4, 8)", 32),  # 30 → 32
        ("make_divisible(960 // 4, 8)", 240),
        ("make_divisible(3, 8)", 8),  # at least the divisor
        ("make_divisible(width * 3 // 4, 8)", 48),
    ],
)
def test_integer_arithmetic_on_arguments(text, value):
    assert evaluate(text, ENV) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("width / 2", "use // for whole-number division"),
        ("widht * 4", "unknown name 'widht' — did you mean 'width'? (known: i, plain, stride, width)"),
        ("__import__('os').system('ls')", CALLS),
        ("width.bit_length()", CALLS),
        ("print(width)", CALLS),
        ("max(width, base=2)", CALLS),
        ("make_divisible(width)", "make_divisible takes 2 argument(s), not 1"),
        ("max()", "max takes at least 1 argument(s), not 0"),
        ("make_divisible(width, 0)", "make_divisible needs a divisor of at least 1"),
        ("max(width, 1.5)", "only whole numbers and true/false are allowed, not 1.5"),
        ("[width][0]", "subscript is not allowed in an expression"),
        ("width * 1.5", "only whole numbers and true/false are allowed, not 1.5"),
        ("width // 0", "division by zero"),
        ("plain + 1", "arithmetic needs whole numbers, got False"),
        ("width ** 2", "operator Pow is not allowed"),
    ],
)
def test_anything_else_is_refused_with_a_reason(text, reason):
    with pytest.raises(ExpressionError) as error:
        evaluate(text, ENV)
    assert str(error.value) == f"'{text}': {reason}"


def test_substitute_reads_only_what_cannot_mean_itself():
    settings = {"filters": "width * 4", "stride": "stride", "padding": "same", "act": {"fn": "relu"},
                "kernel": [1, "stride"], "name": "res-block", "count": "8"}  # fmt: skip
    assert substitute(settings, ENV) == {"filters": 256, "stride": 2, "padding": "same", "act": {"fn": "relu"},
                                         "kernel": [1, 2], "name": "res-block", "count": "8"}  # fmt: skip


def test_constant_arithmetic_works_outside_blocks_too():
    assert substitute({"units": "4096 * 2"}, {}) == {"units": 8192}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("~width + 0", "operator Invert is not allowed"),
        ("8 if act < 3 else 4", "cannot order text and a number ('relu', 3)"),
        ("'a' < 'b'", "only whole numbers and true/false are allowed, not 'a'"),
        (" * ".join(["width"] * 10), "makes a number beyond 1,000,000,000,000,000,000"),  # 64¹⁰ ≈ 1.15·10¹⁸
    ],
)
def test_operators_outside_the_whitelist_and_overflow_are_refused(text, reason):
    with pytest.raises(ExpressionError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        evaluate(text, ENV | {"act": "relu"})


def test_text_compares_only_for_equality():
    assert evaluate("act == name", {"act": "relu", "name": "relu"}) is True
    with pytest.raises(ExpressionError, match="text can be compared with == and != only"):
        evaluate("act < name", {"act": "relu", "name": "tanh"})


def test_expressions_are_bounded_in_length_and_depth_before_they_are_evaluated(limited):
    limited(expression_chars=50, expression_depth=10)
    with pytest.raises(ExpressionError, match="an expression of 77 characters is longer than the 50 allowed"):
        evaluate(" + ".join(["1"] * 20), {})
    with pytest.raises(ExpressionError, match="nests more than 10 terms deep"):
        evaluate("1" + " + 1" * 10, {})
    assert substitute("x" * 60, {}) == "x" * 60  # a long name is text, not an expression


def test_a_call_of_a_known_function_is_an_expression_other_text_stays_text():
    settings = {"filters": "make_divisible(width // 4, 8)", "fn": "relu(x)", "other": "max"}
    assert substitute(settings, ENV) == {"filters": 16, "fn": "relu(x)", "other": "max"}
