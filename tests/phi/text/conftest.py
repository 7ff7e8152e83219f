"""Shared helpers for the PHI text detector tests (fixtures are written inline, no shared/ data)."""
from __future__ import annotations

import pytest

from site_gen.phi.finding import Category
from site_gen.phi.text import analyze


def _found(text: str, needle: str, category: Category | None = None) -> bool:
    """True if some span overlaps `needle` in `text` (and has `category`, when given)."""
    start = text.index(needle)
    end = start + len(needle)
    return any(s.start < end and start < s.end and (category is None or s.category == category)
               for s in analyze(text))


@pytest.fixture
def found():
    return _found
