"""The bad-input corpus: every folder under cases/invalid is one case; a new case needs no Python.

Each case holds a small submissions/ tree and expected.txt: every finding as `path:line:column: CODE`.
`docgen validate` must exit 1, report exactly those findings, and print no traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CASES = sorted((Path(__file__).parent / "cases" / "invalid").iterdir())


def _expected(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_case(case: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "docgen", "validate", "--format", "json"], cwd=case, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    found = [f"{f['path']}:{f['line']}:{f['column']}: {f['code']}" for f in report["findings"]]
    assert found == _expected(case)
    for finding in report["findings"]:
        assert finding["message"], finding
        assert not any(word in finding["message"] for word in ("is not of type", "is a required property", "Additional properties"))


@pytest.mark.parametrize("case", CASES[:3], ids=[c.name for c in CASES[:3]])
def test_text_format_is_gcc_style(case: Path) -> None:
    """path:line:column: 错误 CODE message — editors and CI annotators jump to it."""
    proc = subprocess.run([sys.executable, "-m", "docgen", "validate"], cwd=case, capture_output=True, text=True)
    first = proc.stdout.splitlines()[0]
    path, line, column, rest = first.split(":", 3)
    assert path.startswith("submissions/") and line.isdigit() and column.isdigit()
    assert rest.split()[0] in ("错误", "警告")
