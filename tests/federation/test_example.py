"""examples/federation/ is what tools/make_federation_example.py writes, and its documented command works."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "federation"
sys.path.insert(0, str(ROOT / "tools"))

from make_federation_example import make  # noqa: E402


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "README.md"}


def test_the_committed_example_is_current(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH", ""))  # make() sets it: restored after
    make(tmp_path)
    assert tree(tmp_path) == tree(EXAMPLE), "examples/federation/ is stale: run python tools/make_federation_example.py"


def test_the_documented_command_rolls_up_the_three_counties(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(EXAMPLE)
    args = [a for region in ("平鲁区", "山阴县", "右玉县") for a in ("--from", f"exports/{region}")]
    result = CliRunner().invoke(cli, ["merge", "--root", str(tmp_path), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "已汇总 3 个下级导出（3 个地区、1 期）" in result.output
    written = tmp_path / "build" / "federation"
    assert (written / "汇总.md").read_bytes() == (EXAMPLE / "city" / "汇总.md").read_bytes()
    assert "103-2025-0012" not in (written / "汇总.md").read_text(encoding="utf-8")  # 山阴县's 涉密 project
