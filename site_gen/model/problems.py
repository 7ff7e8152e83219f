"""A problem found in the repository, reported as `path:line:column: message`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int = 0
    column: int = 0
    message: str = ""

    def __str__(self) -> str:
        from ..phi.finding import printable  # a file name cannot start a line of its own
        path = printable(self.path)
        if self.line:
            return f"{path}:{self.line}:{self.column or 1}: {self.message}"
        return f"{path}: {self.message}"


class ProblemsFound(Exception):
    """Raised by library loading when the repository cannot be built."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the case repository")

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems)
