"""Where the test data lives, for tests in any folder."""

from pathlib import Path

ROOT = Path(__file__).parent.parent
SPECS = ROOT / "specs"
TESTS = ROOT / "tests"
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
