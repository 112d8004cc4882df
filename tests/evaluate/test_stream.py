"""The streamed check (evaluate/stream.py, `api.check(stream=True)`, what `docgen validate` runs): each project file
checked, evaluated and judged in one pass, the parent keeping records, never Documents, and the findings exactly
those of the check that keeps every model: same codes, same file:line:col, same messages, same order."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from docgen import api
from docgen.check.findings import Finding
from docgen.evaluate.record import SubmissionRecord, record_of
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate

DEMOS = [
    ROOT,
    ROOT / "examples" / "partial",
    ROOT / "examples" / "review-loop",
    *sorted(p for p in (ROOT / "examples" / "profiles").iterdir() if (p / "submissions").is_dir()),
]


def rows(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.path, f.line, f.column, f.code, f.severity, f.message, f.light) for f in findings]


def both(root: Path) -> tuple[api.Result, api.Result]:
    ws = api.Workspace.at(root)
    kept = api.check([root / "submissions"], workspace=ws, cache=False)
    streamed = api.check([root / "submissions"], workspace=ws, cache=False, stream=True)
    return kept, streamed


@pytest.mark.parametrize("root", DEMOS, ids=lambda p: p.name)
def test_every_demo_gives_the_same_findings_streamed(root: Path) -> None:
    kept, streamed = both(root)
    assert rows(streamed.findings) == rows(kept.findings)
    assert streamed.findings and streamed.submission_records
    assert not streamed.documents.keys() & {str(p) for p in kept.paths if api.kind_of(p) == "project"}  # no project's Document kept


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """320 generated projects (enough for the worker processes) and an earlier period, with what the rules across
    files catch: a code twice (E309), 涉密 in the file only (E311), a project the roster does not list (W302; 涉密
    in every period then), a department's stated count (W311, W312), a file that does not parse, one that breaks its
    shape, and the same projects three months before (W417, W418)."""
    root = tmp_path_factory.mktemp("stream") / "repo"
    generate(root, 320)
    june = root / "submissions" / "2025-06"
    education = june / "101-教育局"
    projects = sorted(education.glob("101-*.yaml"))
    shutil.copy(projects[0], education / "101-copy.yaml")  # the same 项目代码 twice: E309
    _edit(projects[1], "预算单位:", "涉密: true\n预算单位:")  # the roster says otherwise: E311
    _edit(projects[2], "项目名称:", "项目名称: [不成\n")  # does not parse
    _edit(projects[3], '项目代码: "', '项目编码: "')  # breaks its shape: no model, nothing judged
    _edit(education / "部门整体.yaml", "年度绩效目标:", "监控项目数: 3\n年度绩效目标:")  # W311, W312
    march = root / "submissions" / "2025-03" / "101-教育局"
    march.mkdir(parents=True)
    roster = (june / "名单.yaml").read_text(encoding="utf-8").replace("截至月份: 6", "截至月份: 3")
    unlisted = projects[5].stem  # on June's roster, not on March's: 涉密 in March, so in June too (W413 there)
    roster = "\n".join(line for line in roster.splitlines() if f'"{unlisted}"' not in line) + "\n"
    (march.parent / "名单.yaml").write_text(roster, encoding="utf-8")
    for source in projects[4:12]:
        text = source.read_text(encoding="utf-8").replace("截至月份: 6", "截至月份: 3").replace("支出数: ", "支出数: 1")
        (march / source.name).write_text(text, encoding="utf-8")
    return root


def test_a_hostile_tree_gives_the_same_findings_streamed(hostile: Path) -> None:
    kept, streamed = both(hostile)
    assert rows(streamed.findings) == rows(kept.findings)
    codes = {f.code for f in streamed.findings}
    assert {"E309", "E311", "W302", "W311", "W312", "W413", "E203", "E102"} <= codes, codes
    assert any(f.code.startswith("W41") and "2025-03" not in f.path for f in streamed.findings)


def records_of_models(root: Path) -> tuple[dict[str, SubmissionRecord], dict[str, SubmissionRecord]]:
    """The records streamed with their figures, and those made from the kept models' evaluations (record_of)."""
    ws = api.Workspace.at(root)
    kept, _ = both(root)
    streamed = api.check([root / "submissions"], workspace=ws, cache=False, stream=True, figures=True)
    assert kept.analysis is not None and all(r.digest for r in streamed.submission_records)
    valid = {str(s.path) for s in [*kept.projects, *kept.departments]}
    made = {ws.key(p): record_of(ev, ws.key(p), valid=p in valid) for p, ev in kept.analysis.submissions.items()}
    return {r.path: replace(r, digest="") for r in streamed.submission_records}, made


@pytest.mark.parametrize("root", DEMOS[:3], ids=lambda p: p.name)
def test_the_demos_records_are_those_of_their_models(root: Path) -> None:
    streamed, made = records_of_models(root)
    assert streamed == made


def test_the_records_say_what_the_models_say(hostile: Path) -> None:
    streamed, made = records_of_models(hostile)
    assert streamed == made
    assert sum(r.confidential for r in streamed.values()) >= 2  # the 涉密 one, and the one unlisted in March (both periods)
    assert {r.kind for r in streamed.values()} == {"project", "department"} and not all(r.valid for r in streamed.values())
    assert all(r.summary["tables"] for r in streamed.values() if r.kind == "project")


def test_validate_prints_the_same_as_before(hostile: Path, chdir: Callable[[Path], None]) -> None:
    from click.testing import CliRunner

    from docgen import report
    from docgen.cli import cli

    kept, _ = both(hostile)
    chdir(hostile)
    streamed = CliRunner().invoke(cli, ["--no-cache", "validate"], catch_exceptions=False)
    shown = api.Workspace.at(hostile).shown
    assert streamed.exit_code == 1
    assert streamed.stdout == report.render(report.for_user(kept.findings, shown, "text"), "text", len(kept.files)) + "\n"


def test_kept_outcomes_give_the_same_findings_and_an_edit_is_seen(
    hostile: Path, tmp_path: Path, chdir: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen import cache
    from docgen.cache import Store

    # the copy counted settled at once, as a tree is a second later: each outcome is kept with its file's signature
    # (a file that settles after its outcome was kept has its line written again once, with the signature: a shard)
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    tree = tmp_path / "repo"
    shutil.copytree(hostile, tree)
    chdir(tree)
    ws = api.Workspace.at(tree)
    kept = rows(api.check([tree / "submissions"], workspace=ws, cache=False).findings)
    cold = api.check([tree / "submissions"], workspace=ws, stream=True)
    folder = Store(ws.root).location("stream")
    assert any(folder.iterdir())  # the outcomes were kept, in the user's cache folder
    written = {shard: shard.stat().st_mtime_ns for shard in folder.iterdir()}
    warm = api.check([tree / "submissions"], workspace=ws, stream=True)
    assert rows(cold.findings) == rows(warm.findings) == kept
    assert {shard: shard.stat().st_mtime_ns for shard in folder.iterdir()} == written  # every outcome read back: none made again
    edited = next((tree / "submissions" / "2025-06" / "102-卫生健康委员会").glob("102-*.yaml"))
    _edit(edited, "支出数: ", "支出数: 9")
    after = api.check([tree / "submissions"], workspace=ws, stream=True)
    assert rows(after.findings) == rows(api.check([tree / "submissions"], workspace=ws, cache=False).findings) != kept
    for shard in folder.iterdir():  # a damaged entry, or one of another shape, is a miss, never a finding
        head, *lines = shard.read_text(encoding="utf-8").rstrip("\n").split("\n")  # by newlines only: a mark is after \x1d
        damaged = [
            line[: len(line) // 2] if i % 2 else line[: line.index(",", line.index('",') + 2)] + ",[1,2]]" for i, line in enumerate(lines)
        ]
        shard.write_text("\n".join([head, *damaged]) + "\n", encoding="utf-8")
    assert rows(api.check([tree / "submissions"], workspace=ws, stream=True).findings) == rows(after.findings)


def _counted(
    hostile: Path, tmp_path: Path, chdir: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, api.Workspace, list[str], list[str], list[str]]:
    """A copy of the hostile tree checked once (streamed, cached), each file's reads counted from here on: the tree,
    its workspace, the reads (cleared by the caller), the findings' rows, and the files read twice (judged again as
    涉密 in another period)."""
    from docgen import cache
    from docgen.evaluate import stream

    tree = tmp_path / "repo"
    shutil.copytree(hostile, tree)
    chdir(tree)
    ws = api.Workspace.at(tree)
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # the copy is seconds old: count it settled, as a tree is a second later
    monkeypatch.setattr(stream, "PARALLEL_FROM", 10_000)  # every read in this process, where it is counted
    read: list[str] = []
    real = stream.read_bounded

    def counted(path: Path, root: Path | None = None) -> tuple[bytes | None, list[Finding]]:
        read.append(str(path))
        return real(path, root)

    monkeypatch.setattr(stream, "read_bounded", counted)
    cold = rows(api.check([tree / "submissions"], workspace=ws, stream=True).findings)
    return tree, ws, read, cold, sorted({name for name in read if read.count(name) > 1})


def test_a_warm_check_reads_no_unchanged_file_and_sees_an_edit_that_keeps_size_and_times(
    hostile: Path, tmp_path: Path, chdir: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A settled file whose signature (size, times, inode) is the one recorded when its bytes were digested is not
    read again; an edit of the same length with its modification time put back still changes the change time."""
    import os

    from docgen import cache

    tree, ws, read, cold, rejudged = _counted(hostile, tmp_path, chdir, monkeypatch)
    assert len(set(read)) > 300 and len(rejudged) < 3  # each read once, where it is checked: nothing was kept to key
    read.clear()
    assert rows(api.check([tree / "submissions"], workspace=ws, stream=True).findings) == cold
    assert sorted(read) == rejudged  # every kept outcome found by its file's signature: not one file read for it
    edited = next((tree / "submissions" / "2025-06" / "102-卫生健康委员会").glob("102-*.yaml"))
    before = edited.stat()
    _edit(edited, "支出数: 1", "支出数: 9")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert edited.stat().st_size == before.st_size and edited.stat().st_mtime_ns == before.st_mtime_ns
    after = rows(api.check([tree / "submissions"], workspace=ws, stream=True).findings)
    assert set(read) == {*rejudged, str(ws.relative(edited))}  # only the edited file (keyed, then checked) is read
    assert after == rows(api.check([tree / "submissions"], workspace=ws, cache=False, stream=True).findings) != cold
    monkeypatch.setattr(cache, "SETTLED_NS", 1_000_000_000)
    read.clear()
    _edit(edited, "支出数: 9", "支出数: 1")  # edited within the last second: its times vouch for nothing, it is read
    assert rows(api.check([tree / "submissions"], workspace=ws, stream=True).findings) == cold
    assert str(ws.relative(edited)) in read


def test_a_file_touched_but_not_changed_is_read_once_and_its_new_signature_kept(
    hostile: Path, tmp_path: Path, chdir: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout or a copy gives files new times with the same bytes: the next check reads each for its digest
    (its outcome still holds), keeps the signature it has now with the outcome, and the check after reads none."""
    import os

    tree, ws, read, cold, rejudged = _counted(hostile, tmp_path, chdir, monkeypatch)
    touched = sorted((tree / "submissions" / "2025-06" / "102-卫生健康委员会").glob("102-*.yaml"))[:3]
    for path in touched:
        os.utime(path)  # new times (and change time), the same bytes
    read.clear()
    assert rows(api.check([tree / "submissions"], workspace=ws, stream=True).findings) == cold
    assert sorted(set(read) - set(rejudged)) == sorted(str(ws.relative(p)) for p in touched)  # read for their digests
    read.clear()
    assert rows(api.check([tree / "submissions"], workspace=ws, stream=True).findings) == cold
    assert sorted(read) == rejudged  # their new signatures were kept: none read again
