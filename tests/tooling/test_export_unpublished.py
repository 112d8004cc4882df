"""`docgen export` writes fill-in workbooks to build/export/: they carry last period's figures for the units alone, so
neither the site nor any CI template publishes them, and a 涉密 project is never exported (issue 16 item 3)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from tests.conftest import ROOT

TEMPLATES = sorted((ROOT / "ci-templates").rglob("*.yml"))
HUBEI = ROOT / "examples" / "profiles" / "hubei"


def _uploads(path: Path) -> list[tuple[str, Any]]:
    """(where, artifact spec) of every upload of build/ in a template: GitHub's upload steps, GitLab's artifacts."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: list[tuple[str, Any]] = []
    for name, job in data.get("jobs", {}).items():  # GitHub Actions
        for step in job.get("steps", []):
            spec = step.get("with", {})
            if step.get("uses", "").startswith("actions/upload") and "build/" in str(spec.get("path", "")).split():
                found.append((f"{path.name}:{name}", spec))
    for name, job in data.items():  # GitLab CI
        artifacts = job.get("artifacts") if isinstance(job, dict) else None
        if isinstance(artifacts, dict) and "build/" in (artifacts.get("paths") or []):
            found.append((f"{path.name}:{name}", artifacts))
    return found


def test_no_ci_template_uploads_the_export_folder() -> None:
    uploads = [u for template in TEMPLATES for u in _uploads(template)]
    assert len(uploads) >= 5  # both platforms, plain and sharded
    for where, spec in uploads:
        if "path" in spec:
            assert "!build/export/" in spec["path"].split(), where
        else:
            assert "build/export/**" in spec.get("exclude", []), where


def test_a_template_that_forgot_the_exclusion_is_caught(tmp_path: Path) -> None:
    template = tmp_path / "t.yml"
    template.write_text("build:\n  script: [docgen build]\n  artifacts:\n    paths: [build/]\n", encoding="utf-8")
    [(_, spec)] = _uploads(template)
    assert "build/export/**" not in spec.get("exclude", [])


def _digests(folder: Path) -> dict[str, Path]:
    return {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in folder.rglob("*") if p.is_file()}


def test_the_site_publishes_nothing_from_build_export(tmp_path: Path, run, chdir) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(HUBEI, repo)
    chdir(repo)
    assert run("build").exit_code == 0
    assert run("export", "--period", "2025-06").exit_code == 0
    exported = _digests(repo / "build" / "export")
    assert exported
    done = run("site")
    assert done.exit_code == 0, done.stderr
    published = _digests(repo / "site")
    assert not exported.keys() & published.keys()
    downloads = [p for p in (repo / "site").rglob("*") if p.is_file() and p.suffix in (".xlsx", ".docx", ".pdf", ".zip")]
    assert downloads and not any("export" in p.parts for p in downloads)
    assert not {p.name for p in (repo / "build" / "export").rglob("*.xlsx")} & {p.name for p in downloads}


@pytest.mark.parametrize("per", ["unit", "project"])
def test_a_confidential_project_is_never_exported(tmp_path: Path, run, chdir, per: str) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(HUBEI, repo)
    chdir(repo)
    project = repo / "submissions/2025-06/301-文化和旅游局/301-2025-002.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("预算单位:", "涉密: true\n预算单位:", 1), encoding="utf-8")
    roster = repo / "submissions/2025-06/名单.yaml"
    text = roster.read_text(encoding="utf-8")
    marked = text.replace("项目名称: 公共图书馆免费开放\n", "项目名称: 公共图书馆免费开放\n        涉密: true\n", 1)
    assert marked != text
    roster.write_text(marked, encoding="utf-8")
    done = run("export", "--period", "2025-06", "--per", per)
    assert done.exit_code == 0, done.stderr
    assert "涉密项目 1 个未导出" in done.stderr
    books = sorted((repo / "build" / "export").rglob("*.xlsx"))
    texts = []
    for book in books:
        wb = openpyxl.load_workbook(book)
        texts += [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        assert "301-2025-002" not in wb.sheetnames and "301-2025-002" not in book.name
    assert texts and not any("公共图书馆免费开放" in t for t in texts)
    assert any("工业遗产申遗经费" in t for t in texts)
