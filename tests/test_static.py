"""The site's own static files are well-formed."""

from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "questions" / "static" / "questions"


@pytest.mark.parametrize("name", ["site.css", "admin.css"])
def test_stylesheet_blocks_are_balanced(name):
    # An unclosed block (say, an @media print left open) silently swallows every rule after it.
    depth = 0
    for number, line in enumerate((STATIC / name).read_text().splitlines(), start=1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{name}:{number} closes a block that was never opened"
    assert depth == 0, f"{name} leaves {depth} block(s) open"
