"""Every exception docgen raises on purpose, rooted at DocgenError, each with its exit code."""

from __future__ import annotations


class DocgenError(Exception):
    """A problem to tell the user in one Chinese sentence, without a traceback."""

    exit_code = 3


class InvalidSubmissions(DocgenError):
    """Submissions have errors: nothing was built. `findings` are the errors, for the reporter to list."""

    exit_code = 1

    def __init__(self, message: str, findings: list | None = None) -> None:  # type: ignore[type-arg]
        super().__init__(message)
        self.findings = findings or []


class UsageError(DocgenError):
    """The command line asks for something impossible (exit code 2, as Click's own usage errors)."""

    exit_code = 2


class EnvironmentProblem(DocgenError):
    """Something outside the submissions is missing: a template, git, LibreOffice, MkDocs."""

    exit_code = 3
