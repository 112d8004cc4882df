"""A department's page publishes the 报送包 and 审核结果反馈 its department's build made, by their exact names
(paths.bundle, paths.feedback), never another file of build/ that begins with its code: a renamed department's old
报送包, a clerk's zip, the bundle of the department 「106-1」 beside 「106」's. The partial example, built for real."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from docgen import api

from .test_incremental import tree

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partial"
PERIOD = "2025-06"
LABEL = "2025年1-6月绩效监控报告.zip"
STALE = b"PK-stale-bundle-never-published"


def _site(root: Path) -> dict[str, bytes]:
    api.site(root, today=date(2025, 7, 20))
    return tree(root / "site")


def _published(site: dict[str, bytes], page: str) -> tuple[str, list[str]]:
    """A department page's HTML, and the files under downloads/ the site holds."""
    return site[page].decode("utf-8"), sorted(p for p in site if p.startswith("downloads/"))


def test_only_the_bundle_the_build_names_is_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    api.build(root)
    folder = root / "build" / PERIOD
    real = folder / f"106-朔州市文化和旅游局-{LABEL}"
    assert real.is_file()
    clean = _site(root)

    # stale files beside 106's real bundle: its old name's, another department's whose code begins with 「106-」,
    # and an old feedback letter under the old name
    for name in (f"106-朔州市文旅局-{LABEL}", f"106-1-朔州市某局-{LABEL}", "审核结果反馈-106-朔州市文旅局.docx"):
        (folder / name).write_bytes(STALE)
    assert _site(root) == clean  # the site of the build as it stands, byte for byte
    page, downloads = _published(clean, f"{PERIOD}/106/index.html")
    assert f"downloads/{PERIOD}/{real.name}" in downloads and f'href="../../downloads/{PERIOD}/{real.name}"' in page
    assert "文旅局" not in page and "某局" not in page and "审核结果反馈" not in page

    # 107's own bundle gone, an old one left instead: no bundle on its page, rather than a near match
    assert ".zip" in _published(clean, f"{PERIOD}/107/index.html")[0]
    (folder / f"107-朔州市体育局-{LABEL}").unlink()
    (folder / f"107-体育局-{LABEL}").write_bytes(STALE)
    site = _site(root)
    page, downloads = _published(site, f"{PERIOD}/107/index.html")
    assert "报送包" not in page and ".zip" not in page
    assert not any(name.startswith(f"downloads/{PERIOD}/107-") and name.endswith(".zip") for name in downloads)
    assert not [name for name, data in site.items() if STALE in data]
    assert not [p for p in (root / "site").rglob("*") if p.is_file() and STALE in p.read_bytes()]
