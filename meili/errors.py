"""User-facing errors: one line that says what and where, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: file, row (1-based line or data row), column or field."""

    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class MeiliError(Exception):
    """Base of every error Meili reports to a user (exit code 2 on the CLI)."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location and str(self.location):
            return f"{self.location}: {self.message}"
        return self.message


class UserError(MeiliError):
    """The user asked for something that cannot be done (bad argument, unknown code...)."""


class NotFoundError(UserError):
    """A named thing (division, zone, indicator, batch) does not exist."""

    exit_code = 3


class ProblemsFound(MeiliError):
    """The command ran and found problems: invalid files, failed files, nothing to compare.

    Exit code 1 on the CLI (a user error is 2, a named thing not found 3).
    """

    exit_code = 1


class Conflict(MeiliError):
    """The thing changed meanwhile (another writer came first) or its state forbids the
    action (exit code 1; HTTP 409)."""

    exit_code = 1
    http_status = 409


class StoreDamaged(MeiliError):
    """A file of the store (lake manifest or part, round, database) is damaged (exit code 4).

    The message names the file and says to run ``meili data check``.
    """

    exit_code = 4

    def __init__(self, file: str | object, problem: str) -> None:
        self.file = str(file)
        self.problem = problem
        super().__init__(f"{self.file}: {problem}; run `meili data check`")


class ValidationFailed(UserError):
    """A file or record failed validation; ``problems`` lists every error found."""

    def __init__(self, message: str, problems: list[MeiliError] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        if len(self.problems) == 1:  # one problem: one line
            return f"{self.problems[0]} ({self.message})"
        lines = [self.message] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)
