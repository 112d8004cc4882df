"""Every exception docgen raises on purpose, rooted at DocgenError, each with its exit code."""

from __future__ import annotations

import errno


class DocgenError(Exception):
    """A problem to tell the user in one Chinese sentence, without a traceback."""

    exit_code = 3


class InvalidSubmissions(DocgenError):
    """Submissions have errors: nothing was built. `findings` are the errors, `warnings` the rest, for the reporter."""

    exit_code = 1

    def __init__(self, message: str, findings: list | None = None, warnings: list | None = None) -> None:  # type: ignore[type-arg]
        super().__init__(message)
        self.findings = findings or []
        self.warnings = warnings or []


class Leak(DocgenError):
    """What is about to be published holds a 涉密 name, code or figure: the build fails (exit 1)."""

    exit_code = 1


class UsageError(DocgenError):
    """The command line asks for something impossible (exit code 2, as Click's own usage errors)."""

    exit_code = 2


class EnvironmentProblem(DocgenError):
    """Something outside the submissions is missing: a template, git, LibreOffice, MkDocs."""

    exit_code = 3


def write_problem(exc: OSError) -> EnvironmentProblem:
    """A failed write (disk full, read-only, a file where a folder should be) said in Chinese: exit 3, no traceback."""
    from . import messages as M

    name = errno.errorcode.get(exc.errno or 0, "")
    reason = M.WRITE_REASONS.get(name) or exc.strerror or str(exc)
    if not exc.filename:  # a failed write() names no file
        return EnvironmentProblem(M.label("write_failed_unnamed", reason=reason))
    return EnvironmentProblem(M.label("write_failed", path=exc.filename, reason=reason))
