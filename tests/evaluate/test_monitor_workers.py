"""The monitoring rules in worker processes (large trees) give exactly what they give in one process, and fill the
cache with the same entries; the figures are computed once, when first read."""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen import api
from docgen.check import validate
from docgen.evaluate import figures, monitor
from docgen.evaluate.evaluation import evaluate
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers need fork")


@pytest.fixture
def demo(tmp_path: Path, chdir: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr("os.cpu_count", lambda: 2)  # workers even on a one-core runner
    chdir(tmp_path)
    return tmp_path


def _check(monkeypatch: pytest.MonkeyPatch, parallel_from: int, *, cache: bool = False) -> api.Result:
    monkeypatch.setattr(monitor, "PARALLEL_FROM", parallel_from)
    return api.check([Path("submissions")], cache=cache)


def test_rules_in_workers_give_what_they_give_here(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = _check(monkeypatch, 10**6)
    there = _check(monkeypatch, 1)
    assert here.analysis is not None and there.analysis is not None
    assert len(there.analysis.submissions) > 10
    assert there.findings == here.findings and any(f.code.startswith("W4") for f in there.findings)
    assert there.analysis.as_dict() == here.analysis.as_dict()
    assert list(there.analysis.submissions) == list(here.analysis.submissions)  # the same order, for every reader
    # judged elsewhere: the parent has not computed a single table, and computes each when asked, as here
    assert all(sa.computed is None for sa in there.analysis.submissions.values())
    for path, sa in there.analysis.submissions.items():
        assert sa.tables == here.analysis.submissions[path].tables


def test_worker_records_fill_the_cache_as_one_process_does(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "CACHE_FROM", 1)  # the demo is small: cache it as a large tree would be
    home = demo / "cache" / "docgen"

    def shards() -> dict[str, str]:
        return {p.name: p.read_text(encoding="utf-8") for p in home.glob("monitor-*/*.jsonl")}

    serial = _check(monkeypatch, 10**6, cache=True)
    written = shards()
    assert written
    shutil.rmtree(home)
    parallel = _check(monkeypatch, 1, cache=True)
    assert shards() == written and parallel.findings == serial.findings
    again = _check(monkeypatch, 1, cache=True)  # every project from the cache this time
    assert again.findings == serial.findings
    assert again.analysis is not None and serial.analysis is not None
    assert again.analysis.as_dict() == serial.analysis.as_dict()


def test_figures_are_computed_once_when_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    result = api.check([ROOT / "submissions"], cache=False)
    project = result.projects[0]
    calls: list[object] = []
    real = figures.tables
    monkeypatch.setattr(figures, "tables", lambda sub: calls.append(sub) or real(sub))
    ev = evaluate(project)
    assert calls == [] and ev.computed is None
    first = ev.tables
    assert ev.tables is first and calls == [project]
    assert first == real(project)
