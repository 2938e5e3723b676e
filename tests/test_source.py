"""The code's own notes: figures belong to the README's measurements, not to comments."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    path
    for folder in ("questions", "interviewbank")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts
)
TIMING = re.compile(r"\b\d[\d,.]* ?(ms|µs)\b")


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_comment_quotes_a_timing_that_would_go_stale(path):
    """Timings change with every machine and release; the README's "Performance" section
    keeps them beside the run that measured them, and comments say why."""
    quoted = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if TIMING.search(line)
    ]
    assert not quoted
