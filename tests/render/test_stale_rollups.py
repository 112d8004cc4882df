"""A 汇总表 the last run wrote and this one does not (a department renamed or gone from the roster, the profile's area
renamed) is removed: after each change build/ equals a cold build's in a fresh copy, on every path (one edit,
--force, the no-change replay, from the records or the models, sharded and merged). Only what docgen's own manifest
lists is ever removed: a file put in build/ by hand, a link and a planted manifest entry are left alone."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from docgen.cache import Store
from docgen.check import validate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate import generate

PERIOD = "submissions/2025-06"
OLD_NAME = "103-朔州市农业农村局"  # renamed in the roster (its 汇总表 and bundle take the roster's name)
GONE = "104"  # taken out of the roster with its submissions


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


def folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


def invoke(*args: str) -> Result:
    from click.testing import CliRunner

    from docgen.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def built(root: Path, *options: str) -> Result:
    result = invoke("build", "--root", str(root), *options)
    assert result.exit_code == 0, result.output
    return result


def copy_inputs(root: Path, where: Path) -> Path:
    """A fresh checkout of `root`'s inputs (submissions/, docgen.yaml), nothing built."""
    shutil.copytree(root / "submissions", where / "submissions")
    if (root / "docgen.yaml").exists():
        shutil.copy(root / "docgen.yaml", where / "docgen.yaml")
    return where


def cold(root: Path, where: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`root` built from nothing: a fresh copy, an empty cache of its own; returns its build/."""
    before = os.environ["XDG_CACHE_HOME"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(where / "cache"))
    built(copy_inputs(root, where / "repo"))
    monkeypatch.setenv("XDG_CACHE_HOME", before)
    return where / "repo" / "build"


def same_as_cold(root: Path, where: Path, monkeypatch: pytest.MonkeyPatch, build: Path | None = None) -> None:
    """`build` (default: root's) holds the very files and folders of a cold build of `root`."""
    reference = cold(root, where, monkeypatch)
    build = build or root / "build"
    mine, theirs = files(build), files(reference)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []
    assert folders(build) == folders(reference)  # no emptied folder left behind


def rename(root: Path) -> None:
    """The roster renames department 103 (the files keep their 主管部门)."""
    roster = root / PERIOD / "名单.yaml"
    text = roster.read_text(encoding="utf-8")
    roster.write_text(text.replace("主管部门: 朔州市农业农村局\n", "主管部门: 朔州市农业农村厅\n"), encoding="utf-8")


def drop(root: Path) -> None:
    """Department 104 leaves the roster, and its submissions go with it."""
    roster = root / PERIOD / "名单.yaml"
    lines = roster.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f'主管部门代码: "{GONE}"') - 1
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - 主管部门:")), len(lines))
    roster.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    shutil.rmtree(next((root / PERIOD).glob(f"{GONE}-*")))


def county(root: Path) -> None:
    """The county profile: the area's 汇总表 is 「全县-…」, no longer 「全市-…」."""
    (root / "docgen.yaml").write_text("profile: shuozhou-county\n", encoding="utf-8")


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751328000")  # dates in every output fixed (render/dates.py)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    generate(root, 20)
    return root


@pytest.mark.parametrize("streamed", [True, False], ids=["records", "models"])
def test_each_change_leaves_build_as_a_cold_build(streamed: bool, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # from the records (each department rolled up only where changed) or from the models (every department)
    monkeypatch.setattr(validate, "CACHE_FROM", 1 if streamed else 10**6)
    built(tree)
    assert list((tree / "build").rglob(f"{OLD_NAME}-*汇总表.xlsx"))
    rename(tree)
    built(tree)  # one edit
    assert not list((tree / "build").rglob(f"{OLD_NAME}-*汇总表.xlsx"))
    same_as_cold(tree, tmp_path / "renamed", monkeypatch)
    drop(tree)
    built(tree, "--force")
    assert not list((tree / "build").rglob(f"{GONE}-*"))
    same_as_cold(tree, tmp_path / "dropped", monkeypatch)
    county(tree)
    built(tree)
    assert not list((tree / "build").rglob("全市-*")) and list((tree / "build").rglob("全县-*汇总表.xlsx"))
    same_as_cold(tree, tmp_path / "county", monkeypatch)
    built(tree)  # nothing changed: replayed, or built again from the cache
    same_as_cold(tree, tmp_path / "again", monkeypatch)


def test_only_what_docgen_wrote_is_removed(tree: Path, tmp_path: Path) -> None:
    built(tree)
    build = tree / "build"
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(b"not docgen's")
    city = next(build.rglob("全市-*汇总表.xlsx"))
    by_hand = city.with_name("全市-手工汇总表.xlsx")  # a clerk's own file, beside docgen's
    by_hand.write_bytes(b"by hand")
    link = city.with_name("全市-链接.xlsx")
    link.symlink_to(outside)
    department = next(build.rglob(f"{OLD_NAME}-*汇总表.xlsx"))
    department.write_bytes(b"stamped by hand")  # docgen's file, since replaced by the clerk's: theirs now
    manifest = Store(tree).record(build, "rollups-city")
    kept = json.loads(manifest.read_text(encoding="utf-8"))
    for planted in (
        "../../outside.xlsx",
        str(outside),
        "2025-06/全市-链接.xlsx",
        "2025-06/全市-手工汇总表.xlsx",
        "2025-06/../../outside.xlsx",
        "2025-06/a\0b.xlsx",  # no file has this name: the roll-up child must not die on it (the build with it)
    ):
        kept[planted] = ["x", [0, 0, 0]]  # never written by docgen: a planted manifest, not trusted
    own = build / "2025-06" / "手工"  # a clerk's empty folder, and a link: a damaged entry (no signature) matches neither
    own.mkdir()
    kept["2025-06/全市-链接.xlsx"] = kept["2025-06/手工/汇总表.xlsx"] = ["x", None]
    manifest.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    county(tree)
    rename(tree)
    built(tree)
    assert not city.exists()  # docgen's own, no longer written: removed
    assert by_hand.read_bytes() == b"by hand" and outside.read_bytes() == b"not docgen's"
    assert link.is_symlink() and department.read_bytes() == b"stamped by hand" and own.is_dir()
    assert json.loads(manifest.read_text(encoding="utf-8")).keys() == {"2025-06/全县-2025年1-6月绩效监控汇总表.xlsx"}


def shard_outputs(repo: Path) -> list[str]:
    """The department outputs the shard records of `repo` list (none before its first build)."""
    return [
        o["path"] for record in sorted((repo / "shards").glob("*.json")) for o in json.loads(record.read_text(encoding="utf-8"))["outputs"]
    ]


def test_sharded_builds_merged_after_a_change_equal_a_cold_build(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each runner and the merge job keep their checkouts and caches between pipelines; the merge job's build/ gets
    the shards' new outputs in place of their old ones (CI artifacts), and keeps what the merge wrote itself."""
    shards = [tmp_path / f"shard-{k}" for k in (1, 2)]
    merged = tmp_path / "merge"

    def pipeline(change: Callable[[Path], None] | None) -> None:
        for root in [*shards, merged]:
            if change is not None:
                change(root)
            elif not root.exists():
                copy_inputs(tree, root)
        for rel in [rel for root in shards for rel in shard_outputs(root)]:  # the last pipeline's artifacts
            (merged / "build" / rel).unlink()
        for k, root in enumerate(shards, 1):
            built(root, "--shard", f"{k}/2")
            shutil.copytree(root / "build", merged / "build", dirs_exist_ok=True)
        result = invoke("merge", "--root", str(merged), *[str(p) for root in shards for p in sorted((root / "shards").glob("*.json"))])
        assert result.exit_code == 0, result.output

    pipeline(None)
    assert list((merged / "build").rglob(f"{OLD_NAME}-*汇总表.xlsx"))
    for step, change in enumerate((rename, county)):
        change(tree)
        pipeline(change)
        same_as_cold(tree, tmp_path / f"cold-{step}", monkeypatch, merged / "build")


def test_a_folder_its_stale_outputs_left_empty_is_made_again_for_a_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`docgen build`'s two processes each remove the folders their stale outputs leave empty: with the roster's and
    the files' names of a department swapped, the 汇总表 child empties the folder the parent writes attachments into.
    That removal falling between the parent's making the folder and its temporary file never fails the write."""
    from docgen import output

    build = tmp_path / "build"
    stale = build / "2025-06" / "103-朔州市农业农村局" / "103-朔州市农业农村局-2025年1-6月绩效监控汇总表.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"the last run's")
    target = stale.with_name("附件1-103-2025-001-项目.docx")
    make = tempfile.mkstemp
    removed: list[Path] = []

    def swept_first(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if not removed:  # the other process, just before: its stale 汇总表 and the folders it leaves empty
            removed.extend(output.remove_stale([stale], build))
            assert not (build / "2025-06").exists()
        return make(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", swept_first)
    output.write_bytes(target, b"this run's", owner=build)
    assert removed == [stale] and target.read_bytes() == b"this run's"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left beside it

    def always_swept(*args: Any, **kwargs: Any) -> tuple[int, str]:
        shutil.rmtree(build / "2025-06")
        return make(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", always_swept)
    with pytest.raises(FileNotFoundError):  # a folder taken away on every try: a bounded number of tries, then the error
        output.write_bytes(target, b"never", owner=build)


def move_department(root: Path, code: str, old: str, new: str) -> None:
    """Department `code` renamed in its files and the roster (朔州市<old> -> 朔州市<new>), its folder too."""
    (root / PERIOD / f"{code}-{old}").rename(root / PERIOD / f"{code}-{new}")
    for path in (root / PERIOD).rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"朔州市{old}", f"朔州市{new}"), encoding="utf-8")


def delete_project(root: Path, code: str) -> None:
    """A project's file deleted and its line taken out of the roster."""
    next((root / PERIOD).rglob(f"{code}.yaml")).unlink()
    roster = root / PERIOD / "名单.yaml"
    lines = roster.read_text(encoding="utf-8").splitlines(keepends=True)
    roster.write_text("".join(line for line in lines if f'"{code}"' not in line), encoding="utf-8")


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_after_docgen_clean_what_no_submission_makes_is_removed_and_nothing_else(
    cache: bool, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `docgen clean` no manifest lists the last build's outputs: a department renamed, a project deleted and
    one made 涉密 leave nothing of theirs in build/ (the 涉密 one no longer fails the publication check), build/
    equals a cold build's in a fresh copy with or without the cache, and a clerk's own files stay."""
    from tests.hostile.test_confidential_flip import CODE, flip

    built(tree)
    build = tree / "build"
    department = next(build.glob("2025-06/101-*/"))
    mine = {  # a clerk's files beside docgen's, named otherwise: never docgen's to remove
        build / "2025-06" / "全市-手工汇总表.xlsx": b"by hand",
        department / "备注.xlsx": b"notes",
        department / "附件1说明.docx": b"about the report",
        build / "2025-06" / "手工" / "附件1-999-2025-0001-x.docx": b"not in a department's folder",
        build / "说明.txt": b"read me",
    }
    for path, data in mine.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    old = sorted(p.relative_to(build).as_posix() for p in build.rglob("*民政局*"))
    assert old and list(build.rglob("*102-2025-0011*")) and list(build.rglob(f"*{CODE}*"))
    assert invoke("clean", "--root", str(tree)).exit_code == 0
    move_department(tree, "106", "民政局", "民政厅")
    delete_project(tree, "102-2025-0011")
    flip(tree, file=True, roster=True)
    result = invoke(*([] if cache else ["--no-cache"]), "build", "--root", str(tree))
    assert result.exit_code == 0, result.output
    assert "过期的附件" in result.output
    assert not list(build.rglob("*民政局*")) and not list(build.rglob("*102-2025-0011*"))
    assert not list(build.rglob(f"*{CODE}*"))  # and the publication check passed: nothing 涉密 anywhere in build/
    assert {p: p.read_bytes() for p in mine} == mine
    for path in mine:
        path.unlink()
    (build / "2025-06" / "手工").rmdir()
    same_as_cold(tree, tmp_path / "cold", monkeypatch)


def test_after_docgen_clean_a_feedback_letter_named_like_a_bundle_stays(tree: Path) -> None:
    """`docgen feedback`'s letters are not the build's outputs: one whose department's name ends as a 报送包's name
    does (「…-2025年1-6月绩效监控报告」) stays after `docgen clean` and a build, its PDF too."""
    move_department(tree, "106", "民政局", "民政局-2025年1-6月绩效监控报告")
    built(tree)
    assert invoke("feedback", "--root", str(tree), "--period", "2025-06").exit_code == 0
    letter = next((tree / "build" / "2025-06").glob("审核结果反馈-106-*.docx"))
    converted = letter.with_suffix(".pdf")  # as `docgen feedback --pdf` names it (LibreOffice not needed here)
    converted.write_bytes(b"%PDF-1.7 the letter")
    assert invoke("clean", "--root", str(tree)).exit_code == 0
    built(tree)
    assert letter.is_file() and converted.read_bytes() == b"%PDF-1.7 the letter"
