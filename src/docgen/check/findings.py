"""A Finding is one problem in one file, at one line and column, with a stable code."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..messages import message


@dataclass(frozen=True, order=True, slots=True)  # slots: 47,000 of them stay to the end of a 10,000-project build
class Finding:
    """One problem at one place in one file: what every check produces and every reporter prints."""

    path: str
    line: int
    column: int
    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    light: str | None = None  # monitoring findings: "red" | "yellow" | "blue"; None for validation and hints

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "light": self.light,
        }


def _make(severity: str, path: Path | str, line: int, column: int, code: str, /, **args: Any) -> Finding:
    return Finding(str(path), line, column, code, severity, message(code, **args))


def error(path: Path | str, line: int, column: int, code: str, /, **args: Any) -> Finding:
    """Build an error finding with the Chinese text its code stands for."""
    return _make("error", path, line, column, code, **args)


def warning(path: Path | str, line: int, column: int, code: str, /, **args: Any) -> Finding:
    """Build a warning finding with the Chinese text its code stands for."""
    return _make("warning", path, line, column, code, **args)


def hint(path: Path | str, line: int, column: int, code: str, /, **args: Any) -> Finding:
    """Build a hint (severity info): worth a look, never blocking, even with --strict."""
    return _make("info", path, line, column, code, **args)


def finding_rows(findings: list[Finding], path: str | None = None) -> list[list[Any]]:
    """Findings as plain rows, for the per-file cache; with `path` (the file they were found in), a finding at that
    path has 0 for it (the path is a fifth of a cached outcome of the streamed check, and four of its findings)."""
    return [[0 if f.path == path else f.path, f.line, f.column, f.code, f.severity, f.message, f.light] for f in findings]


def findings_from_rows(rows: Any, path: str | None = None) -> list[Finding]:
    """The findings `finding_rows` gave (with the same `path`); TypeError/ValueError when `rows` are not such rows.

    Their paths, codes, severities and lights are interned: read back from the cache, each finding had its own copy
    of strings that 47,000 findings share (~14 MiB of a 10,000-project build's parent)."""
    found = []
    intern = sys.intern
    here = intern(path) if path is not None else None
    for at, line, column, code, severity, text, light in rows:
        if type(at) is int and at == 0 and here is not None:
            at = here
        elif isinstance(at, str):
            at = intern(at)
        else:
            raise TypeError(at)
        if not (type(line) is int and type(column) is int and isinstance(code, str)):
            raise TypeError(code)
        if severity not in _SEVERITIES or not isinstance(text, str) or not (light is None or isinstance(light, str)):
            raise TypeError(severity)
        # its slots set directly, as the frozen __init__ would, at a third of its cost (47,000 read back at 10,000 projects)
        f = _new(Finding)
        _path(f, at)
        _line(f, line)
        _column(f, column)
        _code(f, intern(code))
        _severity(f, intern(severity))
        _message(f, text)
        _light(f, None if light is None else intern(light))
        found.append(f)
    return found


_SEVERITIES = frozenset({"error", "warning", "info"})
_new = object.__new__
_FIELDS = ("path", "line", "column", "code", "severity", "message", "light")
_path, _line, _column, _code, _severity, _message, _light = (Finding.__dict__[name].__set__ for name in _FIELDS)


class Findings:
    """Errors, warnings and hints of anything holding a list of findings (a check's Result, a site page's verdict)."""

    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.is_warning]

    @property
    def infos(self) -> list[Finding]:
        """Hints (蓝灯, 科研类 exemption, values that could not be compared): never block, even with --strict."""
        return [f for f in self.findings if f.severity == "info"]
