"""The check's workers send documents back packed (data and flat position runs); the parent gets the same documents,
positions and findings as one process does."""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen import api
from docgen.check import validate
from docgen.evaluate import monitor
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers need fork")


@pytest.fixture
def demo(tmp_path: Path, chdir: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr("os.cpu_count", lambda: 2)  # workers even on a one-core runner
    chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("cache", [False, True])
def test_documents_from_workers_are_the_documents_read_here(demo: Path, monkeypatch: pytest.MonkeyPatch, cache: bool) -> None:
    monkeypatch.setattr(validate, "CACHE_FROM", 1)
    monkeypatch.setattr(validate, "PARALLEL_FROM", 10**6)
    here = api.check([Path("submissions")], cache=False)
    monkeypatch.setattr(validate, "PARALLEL_FROM", 1)
    monkeypatch.setattr(monitor, "PARALLEL_FROM", 1)
    there = api.check([Path("submissions")], cache=cache)
    assert there.findings == here.findings and there.ok == here.ok
    assert list(there.documents) == list(here.documents) and len(there.documents) > 10
    packed = [doc for doc in there.documents.values() if "_packed" in doc.__dict__]
    assert packed  # sent back packed: the tables are rebuilt only where asked for
    for name, doc in there.documents.items():
        mine = here.documents[name]
        assert doc.data == mine.data and doc.root == mine.root
        assert doc.positions == mine.positions and doc.key_positions == mine.key_positions
    assert there.projects == here.projects and there.departments == here.departments
