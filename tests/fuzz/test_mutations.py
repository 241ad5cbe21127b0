"""Mutated copies of every shipped spec and test spec never crash archcalc, whatever they hold.

Seeded (the failure list names the mutant's number, so `mutated(SEED, n)` replays it); `benchmarks/fuzz.py`
runs the same with unbounded seeds for as long as it is given.
"""

from tests.fuzz.mutate import COMMANDS, mutated, run_one

SEED = 20261123
COUNT = 2000


def test_mutated_specs_end_in_exit_0_1_or_2_within_the_time_bound(tmp_path):
    failures = []
    for number, source, text in mutated(SEED, COUNT):
        path = tmp_path / f"mutant-{number}.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        for command in COMMANDS:
            outcome = run_one(path, command)
            if outcome.problem:
                failures.append(f"mutant {number} of {source.name}, {outcome.command}: {outcome.problem}")
    assert failures == []
