"""The backend tests need torch (the CPU wheel, torch==2.13.0, in .ci/run); without it they are skipped."""

import pytest

pytest.importorskip("torch")
