"""The 报送 (bundle .zip and one-PDF dossier) of a department is named as the roster names it, never as a file typed it:
a 主管部门 like 「../../../../tmp/pwn/局」 is flagged (W413) and reaches neither the cover nor a file name."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from docgen import api
from docgen.render import pdf
from tests.render.conftest import DEMO_DEPARTMENT, ROOT

PERIOD = "2025-06"
HOSTILE = "../../../../tmp/pwn/局"
NAMED = "104-朔州市交通运输局-2025年1-6月绩效监控报告"


def tree(base: Path, department: str = HOSTILE) -> Path:
    """The demo's 交通运输局 and the roster, every file of 104 giving `department` as its 主管部门."""
    period = base / api.SUBMISSIONS / PERIOD
    shutil.copytree(ROOT / api.SUBMISSIONS / PERIOD / DEMO_DEPARTMENT, period / DEMO_DEPARTMENT)
    shutil.copy(ROOT / api.SUBMISSIONS / PERIOD / "名单.yaml", period / "名单.yaml")
    for path in (period / DEMO_DEPARTMENT).glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("主管部门: 朔州市交通运输局", f'主管部门: "{department}"'), encoding="utf-8")
    return base


def test_the_bundle_is_named_as_the_roster_names_the_department(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    result = api.build(root)
    assert [p.name for p in result.rendered.bundles] == [f"{NAMED}.zip"]
    assert not any("pwn" in p.name for p in (root / "build" / PERIOD).glob("*.zip"))
    assert not (tmp_path / "pwn").exists() and not Path("/tmp/pwn").exists()
    codes = {f.code for f in api.check([root / api.SUBMISSIONS]).findings}
    assert "W413" in codes  # the file's own name is flagged, not silently replaced


def test_without_a_difference_the_names_are_the_files(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", "朔州市交通运输局")
    assert [p.name for p in api.build(root).rendered.bundles] == [f"{NAMED}.zip"]


@pytest.mark.skipif(pdf.soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice or pdftotext not installed")
def test_the_dossier_cover_prints_the_rosters_name(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    result = api.build(root, pdf=True)
    assert [p.name for p in result.rendered.dossiers] == [f"{NAMED}.pdf"]
    text = subprocess.run(["pdftotext", "-l", "1", str(result.rendered.dossiers[0]), "-"], capture_output=True, text=True, check=True)
    assert "朔州市交通运输局" in text.stdout and "pwn" not in text.stdout
