"""LaTeX tables (booktabs) for papers and course notes: `--format latex` of `table` and `diff`."""

from __future__ import annotations

from collections.abc import Collection, Sequence

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}  # fmt: skip
_MATH = {
    "×": r"$\times$",
    "−": "$-$",
    "→": r"$\to$",
    "⌊": r"$\lfloor$",
    "⌋": r"$\rfloor$",
    "·": r"$\cdot$",
    "Δ": r"$\Delta$",
}


def latex_escape(text: str) -> str:
    """`text` safe inside a LaTeX document: special characters escaped, the course's ×, −, → as math."""
    return "".join(_SPECIAL.get(char) or _MATH.get(char) or char for char in text)


def latex_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    footer: Sequence[Sequence[str]],
    caption: str,
    numeric: Collection[str],
) -> str:
    """A `table` with a booktabs `tabular`: numeric columns right-aligned, `footer` rows after a rule
    (needs `\\usepackage{booktabs}`)."""
    align = "".join("r" if column in numeric else "l" for column in columns)

    def line(cells: Sequence[str]) -> str:
        return " & ".join(latex_escape(cell) for cell in cells) + r" \\"

    body = [line(columns), r"\midrule", *(line(row) for row in rows)]
    if footer:
        body += [r"\midrule", *(line(row) for row in footer)]
    return "\n".join([
        r"\begin{table}", r"\centering", rf"\caption{{{latex_escape(caption)}}}",
        rf"\begin{{tabular}}{{{align}}}", r"\toprule", *body, r"\bottomrule", r"\end{tabular}",
        r"\end{table}", "",
    ])  # fmt: skip
