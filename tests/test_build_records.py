"""`docgen build` from the streamed records (issue 18, items 1 and 2): the same bytes as a build from the models, and a
build after edits (its records and outputs partly from the cache) the same bytes as a cold one."""

from __future__ import annotations

import base64
import dataclasses
import functools
import gc
import json
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen import api, cache, confidential, output, report
from docgen.cache import Store
from docgen.check.findings import Finding, finding_rows
from docgen.errors import DocgenError
from docgen.form.model import Project
from docgen.messages import LIGHT_NAMES
from docgen.render import engine
from docgen.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import generate

POOLED = ("101-2025-0100", "101-2025-0110", "101-2025-0120")  # 涉密, k of them: their department shows them pooled
WITHHELD = "102-2025-0031"  # 涉密, alone in its department: its totals and its 部门整体 are withheld


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(set(a) ^ set(b)) + [name for name in a if name in b and a[name] != b[name]]


@pytest.fixture()
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder of the test's own: the records (the stream shelf) and the manifests live there."""
    before = os.environ.get("XDG_CACHE_HOME")
    folder = tmp_path_factory.mktemp("cache")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """300 generated projects (enough for the per-file cache, check/validate.CACHE_FROM) with 涉密 ones both pooled
    and withheld; file and roster agree."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751328000")  # dates in every output fixed (render/dates.py)
    root = tmp_path / "repo"
    generate(root, 300)
    period = root / "submissions" / "2025-06"
    roster = period / "名单.yaml"
    text = roster.read_text(encoding="utf-8")
    for code in (*POOLED, WITHHELD):
        path = next(period.rglob(f"{code}.yaml"))
        path.write_text(path.read_text(encoding="utf-8") + "涉密: true\n", encoding="utf-8")
        line = next(line for line in text.splitlines() if f'"{code}"' in line)
        text = text.replace(line, line.removesuffix("}") + ", 涉密: true}")
    roster.write_text(text, encoding="utf-8")
    return root


def spend(path: Path, cents: int) -> None:
    """A clerk's one-figure edit: the first 支出数 of the file up by `cents`."""

    def bump(m: re.Match[str]) -> str:
        return f"支出数: {float(m.group(1)) + cents / 100:.2f}"

    path.write_text(re.sub(r"支出数: ([0-9.]+)", bump, path.read_text(encoding="utf-8"), count=1), encoding="utf-8")


def test_a_build_from_records_equals_one_from_the_models(tree: Path, tmp_path: Path, cache_home: Path) -> None:
    built = api.build(tree)
    assert built.result.submission_records  # built from the records …
    assert all(not p.tables for p in built.result.projects if not p.confidential)  # … holding no public project's model
    records = files(tree / "build")
    assert not any(code in name for name in records for code in (*POOLED, WITHHELD))
    # the same tree built from the models (extra_sections given: the drafts of `check`'s analysis, the defaults)
    ws = Workspace.at(tree)
    models = api.check([ws.submissions], workspace=ws, cache=False)
    assert models.projects and not models.submission_records
    api.build(tree, tmp_path / "models", extra_sections=functools.partial(api._drafted_sections, models), cache=False)
    assert differing(records, files(tmp_path / "models")) == []


def cold(tree: Path, where: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The tree built from nothing: an empty cache, every output rendered."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(where / "cache"))
    api.build(tree, where / "build", force=True)
    return files(where / "build")


def test_a_build_after_edits_equals_a_cold_build(tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api.build(tree)
    period = tree / "submissions" / "2025-06"
    spend(next(period.rglob("103-2025-0012.yaml")), 1)  # a public figure
    target = next(period.rglob("105-2025-0014.yaml"))  # a narrative: its drafted sections stay, its 附件1 changes
    target.write_text(target.read_text(encoding="utf-8").replace("项目年度绩效目标: ", "项目年度绩效目标: 按期完成。"), encoding="utf-8")
    again = api.build(tree)
    assert again.rendered.unchanged > 0 and len(again.rendered.written) == 4  # two submissions' attachments, no more
    assert differing(files(tree / "build"), cold(tree, tmp_path / "first", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    spend(next(period.rglob(f"{POOLED[1]}.yaml")), 7)  # a 涉密 figure: the pooled row and what is redacted change
    api.build(tree)
    assert differing(files(tree / "build"), cold(tree, tmp_path / "second", monkeypatch)) == []


def test_a_bundle_written_again_after_an_edit_copies_its_unchanged_attachments_from_the_last(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: after one edit the edited department's bundle is written again from the last one: every attachment
    but the edited project's two is copied from it as it is (bundle.write), and build/ is the bytes of a cold build.
    A bundle that is not the very file the last build wrote (written again by hand) is written whole from the files."""
    api.build(tree)
    period = tree / "submissions" / "2025-06"
    given: list[dict[str, int]] = []
    write = engine.bundle.write

    def spied(build: Path, group: Any, bundled: dict[str, int] | None = None) -> Path:
        given.append(dict(bundled or {}))
        return write(build, group, bundled)

    monkeypatch.setattr(engine.bundle, "write", spied)
    spend(next(period.rglob("103-2025-0012.yaml")), 1)
    api.build(tree)
    target = next((tree / "build").rglob("103-*.zip"))
    with zipfile.ZipFile(target) as archive:
        members = [name.rpartition("/")[2] for name in archive.namelist()[1:]]
    assert len(given) == 1 and sorted(given[0]) == sorted(m for m in members if "-103-2025-0012-" not in m) and len(members) > 10
    assert differing(files(tree / "build"), cold(tree, tmp_path / "first", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))

    target.write_bytes(target.read_bytes())  # the same bytes, but not the file the last build recorded
    spend(next(period.rglob("103-2025-0012.yaml")), 2)
    api.build(tree)
    assert given[-1] == {}
    assert differing(files(tree / "build"), cold(tree, tmp_path / "second", monkeypatch)) == []


def test_a_projects_identity_is_the_project_its_constructor_makes(tree: Path, cache_home: Path) -> None:
    """The identities a build's view makes of the records (api._identity, filled in from a blank project rather than
    by the constructor) are the very Projects the constructor makes, field for field, each with dicts of its own."""
    ws = Workspace.at(tree)
    checked = api._buildable(ws, ws.build, None, cache=True, strict=False, records=True)
    view = api._RecordsView.of(ws, checked)
    assert len(view.pairs) > 250
    for who, rec in view.pairs:
        made = Project(
            path=Path(rec.path),
            period=who.period,
            name=rec.name,
            code=rec.code or "",
            department=rec.department,
            department_code=rec.department_code,
            unit=rec.unit or "",
            tables={},
            target="",
            indicators=(),
            reviews=who.reviews,
            research=rec.research,
            confidential=rec.confidential,
            form=checked.profile.form("project"),
        )
        assert who == made and vars(who) == vars(made)
    assert len({id(getattr(who, name)) for who, _ in view.pairs for name in ("tables", "report", "texts")}) == 3 * len(view.pairs)


def test_a_file_changed_after_the_check_is_not_rendered_from_other_bytes(tree: Path, cache_home: Path) -> None:
    ws = Workspace.at(tree)
    checked = api._buildable(ws, ws.build, None, cache=True, strict=False, records=True)
    view = api._RecordsView.of(ws, checked)
    who = next(p for p in view.result.projects if isinstance(p, Project) and not p.confidential)
    assert view.whole(who).tables  # read again from the same bytes: the whole model
    spend(tree / who.path, 3)
    with pytest.raises(DocgenError, match=re.escape(who.path.name)):
        view.whole(who)


def test_one_edit_builds_with_files_deleted_and_added_equal_cold_builds(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18's one-edit build, step by step on the same cache: each incremental build (its 汇总表 from the
    prepared writer, its manifests' signatures kept from the check for freshness) the bytes of a cold one."""
    api.build(tree)
    period = tree / "submissions" / "2025-06"
    gone = next(period.rglob("106-2025-0015.yaml"))
    text = gone.read_text(encoding="utf-8")
    gone.unlink()  # a roster's project not filed (any more): its outputs go, its department's 汇总表 counts it missing
    api.build(tree)
    assert not any("106-2025-0015" in name for name in files(tree / "build"))
    assert differing(files(tree / "build"), cold(tree, tmp_path / "deleted", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    gone.write_text(text, encoding="utf-8")  # filed again
    again = api.build(tree)
    assert len(again.rendered.written) == 2 and again.rendered.unchanged > 0  # its attachments only
    assert differing(files(tree / "build"), cold(tree, tmp_path / "added", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    spend(next(period.rglob(f"{POOLED[0]}.yaml")), 3)  # a 涉密 figure: what every output redacts may change
    api.build(tree)
    assert differing(files(tree / "build"), cold(tree, tmp_path / "secret", monkeypatch)) == []


def parts(cache: Path) -> dict[str, bytes]:
    """The city's 汇总表 parts kept in the cache (render/rollup_parts.py): one shard per department."""
    return {p.name: p.read_bytes() for folder in cache.glob("docgen/rollup-city-*") for p in sorted(folder.iterdir())}


def test_the_city_rollup_keeps_each_unchanged_department_and_equals_cold_builds(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: a department's part of the city's 汇总表 is kept while what its 汇总表 is made of is unchanged; after a
    figure edit only that department's part is rewritten, and every build after an edit that changes validity or
    涉密 elsewhere (a duplicate code across departments, a 涉密 flag in file and roster) is the bytes of a cold one."""
    api.build(tree)
    before = parts(cache_home)
    assert len(before) == 10  # one shard per department
    period = tree / "submissions" / "2025-06"
    spend(next(period.rglob("103-2025-0012.yaml")), 1)  # (a) a figure
    api.build(tree)
    after = parts(cache_home)
    assert set(after) == set(before)
    assert sum(before[name] != after[name] for name in before) == 1  # the department edited, no other
    assert differing(files(tree / "build"), cold(tree, tmp_path / "figure", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))

    # (b) a code that 105 already has, in 103's file: E309 refuses the build; given another code, it builds again
    moved = next(period.rglob("103-2025-0022.yaml"))
    text = moved.read_text(encoding="utf-8")
    moved.write_text(text.replace('项目代码: "103-2025-0022"', '项目代码: "105-2025-0014"'), encoding="utf-8")
    with pytest.raises(api.InvalidSubmissions) as refused:
        api.build(tree)
    assert any(f.code == "E309" for f in refused.value.findings)
    moved.write_text(text.replace("项目名称: ", "项目名称: 改名的"), encoding="utf-8")
    api.build(tree)
    assert differing(files(tree / "build"), cold(tree, tmp_path / "duplicate", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))

    # (c) 涉密 in file and roster: 104 gets one (withheld: its totals go), 101 loses one of its three (k: withheld too)
    roster = period / "名单.yaml"
    listed = roster.read_text(encoding="utf-8")
    secret = next(period.rglob("104-2025-0013.yaml"))
    secret.write_text(secret.read_text(encoding="utf-8") + "涉密: true\n", encoding="utf-8")
    line = next(line for line in listed.splitlines() if '"104-2025-0013"' in line)
    listed = listed.replace(line, line.removesuffix("}") + ", 涉密: true}")
    public = next(period.rglob(f"{POOLED[2]}.yaml"))
    public.write_text(public.read_text(encoding="utf-8").replace("涉密: true\n", ""), encoding="utf-8")
    listed = listed.replace(f'"{POOLED[2]}", 涉密: true', f'"{POOLED[2]}"')
    line = next(line for line in listed.splitlines() if f'"{POOLED[2]}"' in line)
    listed = listed.replace(line, line.replace(", 涉密: true", ""))
    roster.write_text(listed, encoding="utf-8")
    api.build(tree)
    assert differing(files(tree / "build"), cold(tree, tmp_path / "secret", monkeypatch)) == []


def _damage(shard: Path, change: Callable[[list[Any]], list[Any]]) -> None:
    """The shard's part as `change` leaves it."""
    header, line = shard.read_text(encoding="utf-8").split("\n")[:2]
    path, key, value = cache.loads(line)
    shard.write_text(header + "\n" + cache.dumps([path, key, change(value)]) + "\n", encoding="utf-8")


def _markup(value: list[Any]) -> list[Any]:
    """Markup in place of the department's project rows, its size and CRC made to match, its seal not."""
    raw = b"<row><c><v>1</v></c></row></sheetData><sheetData><row><c><v>2</v></c></row>"
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    deflated = compressor.compress(raw) + compressor.flush(zlib.Z_SYNC_FLUSH)
    value[9][0][2:5] = [zlib.crc32(raw), len(raw), base64.b64encode(deflated).decode("ascii")]
    return value


def _one_more(value: list[Any]) -> list[Any]:
    value[9][1][0] += 1  # a warning more than the piece holds: the sheet's size would be wrong
    return value


def _cut(value: list[Any]) -> list[Any]:
    value[9][0][4] = value[9][0][4][:-5]  # the rows' bytes cut short
    return value


def test_a_damaged_city_part_in_the_cache_is_a_miss(tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A part read back is data, never trusted: one whose rows carry markup, whose shape is another, whose count of
    rows is not its piece's or whose bytes are cut short is rolled up again (rollup_parts.decode: a piece's bytes
    must be those its seal was made for), and the build is the bytes of a cold one."""
    api.build(tree)
    shards = sorted(p for folder in cache_home.glob("docgen/rollup-city-*") for p in folder.iterdir())
    for shard, change in zip(shards, [_markup, lambda value: [*value, "more"], _one_more, _cut], strict=False):
        _damage(shard, change)
    touched = next((tree / "submissions").rglob("103-2025-0012.yaml"))
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns - 10**10))  # same bytes: every key kept
    api.build(tree)
    assert parts(cache_home).keys() == {shard.name for shard in shards}
    assert differing(files(tree / "build"), cold(tree, tmp_path / "cold", monkeypatch)) == []


def _cells(path: Path) -> list[str]:
    """Every text in the workbook's cells, sheet by sheet."""
    book = openpyxl.load_workbook(path, read_only=True)
    return [str(value) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for value in row if value is not None]


def test_a_project_made_secret_leaves_the_kept_pieces_of_the_city_rollup(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """涉密 decided by file and roster after a build: the department's kept piece (its rows as written, in the cache)
    is not spliced in again; the project is in no cell of the city's 汇总表 and in no kept piece, and the build is
    the bytes of a cold one."""
    api.build(tree)
    period = tree / "submissions" / "2025-06"
    secret = next(period.rglob("104-2025-0013.yaml"))
    city = next((tree / "build").rglob("全市*汇总表.xlsx"))
    assert any("104-2025-0013" in text for text in _cells(city))
    before = parts(cache_home)
    roster = period / "名单.yaml"
    listed = roster.read_text(encoding="utf-8")
    line = next(line for line in listed.splitlines() if '"104-2025-0013"' in line)
    roster.write_text(listed.replace(line, line.removesuffix("}") + ", 涉密: true}"), encoding="utf-8")
    secret.write_text(secret.read_text(encoding="utf-8") + "涉密: true\n", encoding="utf-8")
    api.build(tree)
    after = parts(cache_home)
    assert [name for name in before if before[name] != after[name]] != []
    assert not any("104-2025-0013" in text for text in _cells(city))
    for shard in after.values():
        for line in shard.split(b"\n")[1:]:
            if line:
                for piece in cache.loads(line.decode("utf-8"))[2][9]:
                    assert b"104-2025-0013" not in zlib.decompressobj(-15).decompress(base64.b64decode(piece[4]))
    assert differing(files(tree / "build"), cold(tree, tmp_path / "cold", monkeypatch)) == []


def plans(cache: Path) -> dict[str, bytes]:
    """Each department's render plan kept in the cache (engine._Plans): one shard each."""
    return {p.name: p.read_bytes() for folder in cache.glob(f"docgen/{engine.PLANS}-*") for p in sorted(folder.iterdir())}


def one_department_made_again(tree: Path, kept: Callable[[], dict[str, bytes]]) -> Path:
    """Build, spend one figure more in one department's project, build again: of what is `kept` in the cache, one
    piece per department, only that department's changes. Returns the period folder."""
    api.build(tree)
    period = tree / "submissions" / "2025-06"
    before = kept()
    assert len(before) == 10  # one per department
    spend(next(period.rglob("103-2025-0012.yaml")), 1)
    api.build(tree)
    after = kept()
    assert set(after) == set(before) and sum(before[name] != after[name] for name in before) == 1
    return period


def secret_in_a_later_roster(tree: Path, secret: str = "108-2025-0017") -> str:
    """A project built as public, made 涉密 by another period's roster (a code 涉密 in any period is in every
    period), its own file untouched: returns its code."""
    assert secret in (tree / "build" / "summary.json").read_text(encoding="utf-8")
    later = tree / "submissions" / "2025-09"
    later.mkdir()
    (later / "名单.yaml").write_text(
        '年度: 2025\n截至月份: 9\n截止日期: "2025-10-31"\n部门:\n  - 主管部门: 朔州市文化和旅游局\n'
        '    主管部门代码: "108"\n    预算单位: [朔州市文化和旅游局本级]\n    应报项目:\n'
        f'      - {{项目代码: "{secret}", 项目名称: 某项目, 预算单位: 朔州市文化和旅游局本级, 涉密: true}}\n',
        encoding="utf-8",
    )
    return secret


def test_the_render_plan_keeps_each_unchanged_department_and_equals_cold_builds(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: an unchanged department's render plan (its projects' keys and attachment names) is read back from
    the cache; after one edit only that department's is made again, and the build is the bytes of a cold one. A
    project made 涉密 by another period's roster (a code 涉密 in any period is in every period), its file untouched,
    leaves every output at the next build; a damaged plan is a miss."""
    period = one_department_made_again(tree, functools.partial(plans, cache_home))
    assert differing(files(tree / "build"), cold(tree, tmp_path / "figure", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))

    secret = secret_in_a_later_roster(tree)
    api.build(tree)
    built = files(tree / "build")
    assert not any(secret in name or secret.encode() in data for name, data in built.items())
    assert differing(built, cold(tree, tmp_path / "secret", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))

    for shard, name in zip(sorted(next(cache_home.glob(f"docgen/{engine.PLANS}-*")).iterdir())[:2], ("../x.docx", ""), strict=True):
        header, *lines = shard.read_text(encoding="utf-8").split("\n")
        rows = [cache.loads(line) for line in lines if line.startswith('["') and '/plan",' in line]
        path, key, plan = rows[0]
        row = next(iter(plan.values()))
        row[1] = name  # a file outside its department's folder; no name
        kept = [line for line in lines if line and '/plan",' not in line]
        shard.write_text("\n".join([header, cache.dumps([path, key, plan]), *kept]) + "\n", encoding="utf-8")
    spend(next(period.rglob("105-2025-0014.yaml")), 2)
    api.build(tree)
    assert differing(files(tree / "build"), cold(tree, tmp_path / "damaged", monkeypatch)) == []


def _kept_bundle(home: Path, code: str, change: Callable[[list[Any]], list[Any]]) -> None:
    """Change the bundle kept with one department's render plan (engine._Plans: what keeps a department whole)."""
    for shard in next(home.glob(f"docgen/{engine.PLANS}-*")).iterdir():
        header, *lines = shard.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if line.startswith(f'["2025-06/{code}/bundle",'):
                path, key, memo = cache.loads(line)
                lines[i] = cache.dumps([path, key, change(memo)])
                shard.write_text("\n".join([header, *lines]), encoding="utf-8")
                return
    raise AssertionError(code)


def test_an_unchanged_department_is_kept_whole_only_while_its_outputs_are_the_files_written(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: after one edit, a department with nothing changed is kept whole (its plan and its bundle's key read
    back, each output's signature compared, nothing else weighed), but only while every one of its outputs and its
    bundle is the file docgen wrote: an attachment replaced by hand, a bundle deleted, an attachment made a symlink
    are written again, and a kept bundle key that is damaged or wrong is a miss. Each build is the bytes of a cold
    one."""
    api.build(tree)
    period = tree / "submissions" / "2025-06"
    spend(next(period.rglob("103-2025-0012.yaml")), 1)
    api.build(tree)  # every department's bundle key now kept with its plan
    kept = [line for shard in plans(cache_home).values() for line in shard.split(b"\n")[1:] if line]
    assert (
        sum(b'/plan",' in line for line in kept) == 10 and sum(b'/bundle",' in line for line in kept) == 8
    )  # not 101 (pooled) nor 102 (withheld)
    build = tree / "build"
    replaced = next(build.rglob("附件1-105-2025-0014-*.docx"))
    replaced.write_bytes(b"not the file docgen wrote")
    bundle = next(build.rglob("107-*.zip"))
    bundle.unlink()
    linked = next(build.rglob("附件2-108-2025-0017-*.xlsx"))
    (tmp_path / "elsewhere.xlsx").write_bytes(linked.read_bytes())
    linked.unlink()
    linked.symlink_to(tmp_path / "elsewhere.xlsx")
    _kept_bundle(cache_home, "109", lambda memo: ["0" * 64, *memo[1:]])  # a key no bundle was written with
    _kept_bundle(cache_home, "110", lambda memo: [memo[0], memo[1], [], *memo[3:]])  # no 部门整体
    spend(next(period.rglob("103-2025-0012.yaml")), 2)
    again = api.build(tree)
    assert {p.name for p in again.rendered.written} >= {replaced.name, linked.name}
    assert bundle.is_file() and not linked.is_symlink()
    assert differing(files(build), cold(tree, tmp_path / "cold", monkeypatch)) == []


def manifest_shards(home: Path) -> dict[str, bytes]:
    """The manifest of build/ in the cache (engine.Manifest): a shard per folder of outputs."""
    return {p.name: p.read_bytes() for folder in home.glob(f"docgen/outputs-*/{engine.MANIFEST}-*") for p in sorted(folder.iterdir())}


def _shard_of(home: Path, code: str) -> Path:
    """The manifest shard of a department's folder of build/."""
    shards = next(home.glob(f"docgen/outputs-*/{engine.MANIFEST}-*")).iterdir()
    return next(p for p in shards if f"/{code}-" in p.read_text("utf-8").split("\n")[0])


def test_the_manifest_is_kept_per_folder_and_a_kept_department_is_read_as_it_is(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: the manifest of build/ is a shard per folder of outputs. After one edit only the edited department's
    shard and its period's (the bundles) are written again; the other departments are kept whole from theirs, one
    stat a file, and the build is the bytes of a cold one. A shard is data, never trusted: one whose keys are not the
    ones its department's plan was sealed with is not kept whole (its file with another key is rendered again), one
    with a name that leads out of its folder is not kept whole either and that entry is ignored with a warning, and
    a shard of a folder outside build/ is ignored and deleted through never."""
    api.build(tree)
    period = tree / "submissions" / "2025-06"
    spend(next(period.rglob("103-2025-0012.yaml")), 1)
    api.build(tree)  # the bundle of every plain department now sealed with its folder's shard
    before = manifest_shards(cache_home)
    assert len(before) == 11  # ten departments' folders and the period's
    spend(next(period.rglob("103-2025-0012.yaml")), 2)
    kept_whole: list[bool] = []
    keep_whole = engine.Manifest.keep_whole

    def counted(self: engine.Manifest, *args: Any) -> bool:
        kept_whole.append(keep_whole(self, *args))
        return kept_whole[-1]

    monkeypatch.setattr(engine.Manifest, "keep_whole", counted)
    again = api.build(tree)
    after = manifest_shards(cache_home)
    assert sorted(kept_whole) == [True] * 7  # 101 (pooled) and 102 (withheld) are planned one by one, 103 was edited
    assert set(after) == set(before) and sum(before[name] != after[name] for name in before) == 2
    assert {p.name for p in again.rendered.written} == {p.name for p in tree.joinpath("build").rglob("*-103-2025-0012-*")}
    assert differing(files(tree / "build"), cold(tree, tmp_path / "cold", monkeypatch)) == []
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))

    resealed = _shard_of(cache_home, "107")  # a key that is not the one its department's plan was sealed with
    head, names, keys, signatures, _ = resealed.read_text("utf-8").split("\n")
    stored, first = cache.loads(keys), cache.loads(names)[0]
    resealed.write_text("\n".join([head, names, cache.dumps(["0" * 64, *stored[1:]]), signatures, ""]), "utf-8")
    outside = _shard_of(cache_home, "108")  # a name out of its folder
    head, names, keys, signatures, _ = outside.read_text("utf-8").split("\n")
    victim = tmp_path / "victim.docx"
    victim.write_text("keep me", encoding="utf-8")
    grown = [[*cache.loads(names), "../../../victim.docx"], [*cache.loads(keys), "0" * 64], [*cache.loads(signatures), 0, 0, 0]]
    outside.write_text("\n".join([head, *map(cache.dumps, grown), ""]), "utf-8")
    planted = next(cache_home.glob(f"docgen/outputs-*/{engine.MANIFEST}-*")) / engine._shard_file("2025-06/../..")
    owner = str(tree / "build")
    header = {"format": engine.MANIFEST_FORMAT, "owner": owner, "folder": "2025-06/../.."}
    planted.write_text("\n".join(map(cache.dumps, [header, ["victim.docx"], ["0" * 64], [0, 0, 0]])) + "\n", "utf-8")
    spend(next(period.rglob("103-2025-0012.yaml")), 3)
    kept_whole.clear()
    again = api.build(tree)
    assert sorted(kept_whole) == [False, False, True, True, True, True, True]  # 107's: sealed otherwise; 108's: not whole
    assert first in {p.name for p in again.rendered.written}
    shown = [p for p in again.rendered.problems if "victim.docx" in p]
    assert len(shown) == 2 and victim.read_text(encoding="utf-8") == "keep me" and not planted.exists()
    assert differing(files(tree / "build"), cold(tree, tmp_path / "planted", monkeypatch)) == []


def summary_parts(cache: Path) -> dict[str, bytes]:
    """Each department's piece of summary.json kept in the cache (api.SUMMARY_PARTS): one file each."""
    return {p.name: p.read_bytes() for folder in cache.glob(f"docgen/{api.SUMMARY_PARTS}-*") for p in sorted(folder.iterdir())}


def test_summary_json_keeps_each_unchanged_department_piece_and_equals_cold_builds(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: summary.json after one edit is one department's entries made again and the others' read back from
    the cache, the bytes of a cold build's. A project made 涉密 by another period's roster, its file untouched, is
    in no piece read back (its department's piece is made again: it is only counted); a damaged piece is a miss."""
    period = one_department_made_again(tree, functools.partial(summary_parts, cache_home))
    assert files(tree / "build")["summary.json"] == cold(tree, tmp_path / "figure", monkeypatch)["summary.json"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))

    secret = secret_in_a_later_roster(tree)
    api.build(tree)
    summary = files(tree / "build")["summary.json"]
    assert secret.encode() not in summary
    assert summary == cold(tree, tmp_path / "secret", monkeypatch)["summary.json"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))

    for kept in sorted(next(cache_home.glob(f"docgen/{api.SUMMARY_PARTS}-*")).iterdir())[:2]:
        kept.write_bytes(kept.read_bytes()[:-40])  # a piece cut short
    spend(next(period.rglob("105-2025-0014.yaml")), 2)
    api.build(tree)
    assert files(tree / "build")["summary.json"] == cold(tree, tmp_path / "damaged", monkeypatch)["summary.json"]


def test_a_build_just_after_an_edit_prints_what_the_rollup_child_made(tree: Path, cache_home: Path) -> None:
    """A build started within SETTLED_NS of an edit is not remembered for a replay (its walk cannot vouch for the
    file), yet what it prints is the text the roll-up child made, the same as made from its findings, and the
    child's file is not left in the cache."""
    api.build(tree)
    spend(next((tree / "submissions" / "2025-06").rglob("103-2025-0012.yaml")), 1)
    built = api.build(tree)
    text, line = api._report_text(built.result.findings, len(built.result.files))
    assert isinstance(built.text, bytes) and text is not None and built.text == text.encode() and built.summary_line == line
    assert not Store(tree).record(tree / "build", "report").exists()


def test_a_build_after_an_edit_leaves_nothing_frozen(tree: Path, cache_home: Path) -> None:
    """`build` freezes what its check kept for its own length, and the check what it holds while it checks the edited
    file here (collections then walk only what is made after): frozen, its cycles would never be collected in a
    process that builds again (a server, these tests)."""
    api.build(tree)
    assert gc.get_freeze_count() == 0
    spend(next((tree / "submissions" / "2025-06").rglob("103-2025-0012.yaml")), 1)
    api.build(tree)
    assert gc.get_freeze_count() == 0


def test_an_output_written_in_pieces_is_whole_or_not_there(tmp_path: Path) -> None:
    """summary.json is written piece by piece (output.write_chunks): a failure halfway leaves the file as it was and
    no temporary behind."""
    target = tmp_path / "build" / "summary.json"
    output.write_chunks(target, (piece.encode("utf-8") for piece in ('{"a":', "1}")), owner=tmp_path / "build")
    assert target.read_text(encoding="utf-8") == '{"a":1}'

    def broken() -> Iterator[bytes]:
        yield b'{"a":'
        raise OSError("disk full")

    with pytest.raises(OSError):
        output.write_chunks(target, broken(), owner=tmp_path / "build")
    assert target.read_text(encoding="utf-8") == '{"a":1}'
    assert [p.name for p in target.parent.iterdir()] == ["summary.json"]


def test_a_build_that_stops_after_its_check_leaves_nothing_frozen(tree: Path, cache_home: Path) -> None:
    """A broken template (a project's templates/report.docx that is no .docx) stops the build after its check has
    been frozen: it is unfrozen all the same, so a process that goes on collects as before."""
    broken = tree / "templates" / "report.docx"
    broken.parent.mkdir()
    broken.write_bytes(b"not a docx")
    try:
        with pytest.raises(DocgenError):
            api.build(tree, force=True)
        assert gc.get_freeze_count() == 0
    finally:
        broken.unlink()
        broken.parent.rmdir()


def test_the_report_keeps_each_unchanged_folder_share_and_equals_one_made_from_the_findings(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: what the roll-up child hands the parent to print and keep for a replay (api._write_told) is each
    folder's share read back from the cache while its findings are the same, also as other objects (a finding read
    from the cache shares its path with its file's other findings, one just checked may not), and made again where a
    finding changed or the kept share is damaged; always the bytes made from the findings whole. The text is said to be
    plain (nothing for JSON to escape but line feeds) only when it is, and its JSON literal is then json.dumps's."""
    built = api.build(tree)  # its child kept every folder's share
    kept = Store(tree).texts(api.REPORT_PARTS)
    told = (tmp_path / "told", "token")
    made: list[int] = []
    warning_text = api._warning_text
    monkeypatch.setattr(api, "_warning_text", lambda findings: made.append(len(findings)) or warning_text(findings))

    def written(findings: list[Finding]) -> bytes:
        api._write_told(told, dataclasses.replace(built.result, findings=findings), kept)
        return told[0].read_bytes()

    def whole(findings: list[Finding]) -> bytes:
        lights = {f: f"【{LIGHT_NAMES[f.light]}】" if f.light else "" for f in findings}
        text = "\n".join(f"{f.path}:{f.line}:{f.column}: 警告 {f.code} {lights[f]}{f.message}" for f in findings if f.is_warning)
        line = report.summary_line(findings, len(built.result.files))
        rows = json.dumps(json.dumps(finding_rows(findings), ensure_ascii=False, separators=(",", ":")), ensure_ascii=False)
        plain = re.search(r'[\x00-\x09\x0b-\x1f"\\]', text) is None
        return f"token\n{json.dumps([line, len(text.encode()), plain], ensure_ascii=False)}\n{text}{rows}".encode()

    findings = built.result.findings
    assert len({os.path.dirname(f.path) for f in findings}) == 10  # a share each department
    assert written(findings) == whole(findings) and made == []
    copies = [dataclasses.replace(f, path="".join(list(f.path)), message="".join(list(f.message))) for f in findings]
    assert written(copies) == whole(findings) and made == []

    edited = next(i for i, f in enumerate(findings) if "103-2025-0012" in f.path and f.is_warning)
    changed = [*findings[:edited], dataclasses.replace(findings[edited], message=findings[edited].message + "。"), *findings[edited + 1 :]]
    folder = [f for f in findings if os.path.dirname(f.path) == os.path.dirname(findings[edited].path)]
    assert written(changed) == whole(changed) and made == [len(folder)]

    for part in sorted(next(cache_home.glob(f"docgen/{api.REPORT_PARTS}-*")).iterdir()):
        part.write_bytes(part.read_bytes().replace("。".encode(), "，".encode()))  # damaged: its digest no longer holds
    made.clear()
    assert written(changed) == whole(changed) and len(made) >= 1
    assert api._report_part(b"3\nabcrows") is None  # a share as an older docgen kept it (no plain flag): a miss

    said = api._told(told)
    assert said is not None and said[3] is True  # the generated tree's warnings: nothing to escape but line feeds
    for odd in ('引号"', "反斜杠\\", "制表\t", "回车\r", "\x01"):  # each makes its folder's text not plain
        quoted = [*changed[:edited], dataclasses.replace(changed[edited], message=changed[edited].message + odd), *changed[edited + 1 :]]
        assert written(quoted) == whole(quoted)
        said = api._told(told)
        assert said is not None and said[3] is False
    words = "\n".join(["甲", "乙 丙：「丁」 1.5%", ""])
    assert b"".join(api._literal(words.encode(), 4, plain=True)) == json.dumps(words, ensure_ascii=False).encode()


def test_a_path_is_shown_as_typed_without_being_parsed() -> None:
    """api._typed: str(Path(path)) for every path, also those it does not parse; a finding without a file (no path)
    as it is."""
    assert api._typed("") == ""
    odd = [".", "./", "..", "a", "a/b", "a//b", "./a", "a/./b", "a/", "a/.", "a/b/.", ".a/b", "a/.b", "../a", "a\\b", "子/文"]
    assert [api._typed(path) for path in odd] == [str(Path(path)) for path in odd]


def test_a_records_texts_kept_apart_are_used_only_as_their_outcome_vouches(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record's texts travel as the tail of its cache line (Shelf.take_apart), unparsed until read: a tail whose
    checksum is not the one its outcome holds (a drafted section rewritten), or one cut off, is a miss, the file is
    checked again, and a build that renders everything is the bytes of a cold one."""
    monkeypatch.chdir(tree)  # the per-file cache is the one of the project the user stands in
    api.build(tree)
    shards = sorted(p for folder in cache_home.glob("docgen/stream-*") for p in folder.iterdir())
    damaged = 0
    for shard in shards:
        header, *lines = shard.read_bytes().split(b"\n")
        out = []
        for index, line in enumerate(lines):
            head, mark, tail = line.partition(cache.TAIL)
            if mark and index % 2:
                tail = tail.replace("序时进度".encode(), "篡改进度".encode())  # the drafted sections' words, checksum not
            elif mark:
                mark = tail = b""  # cut off
            damaged += bool(line) and line != head + mark + tail
            out.append(head + mark + tail)
        shard.write_bytes(b"\n".join([header, *out]))
    assert shards and damaged > 100, (shards, damaged)
    api.build(tree, force=True)
    built = files(tree / "build")
    assert not any("篡改".encode() in data for data in built.values())
    assert differing(built, cold(tree, tmp_path / "cold", monkeypatch)) == []


def test_the_secret_figures_are_asked_of_the_records_only_until_each_is_seen_public(tree: Path, cache_home: Path) -> None:
    """Issue 18: what each public project prints (its record's numbers) is asked only until every secret figure was
    seen in a public one (nothing more can be discarded after that; 10,000 records at 10,000 projects); the 涉密 list
    from the records is the one the models give."""
    ws = Workspace.at(tree)
    view = api._RecordsView.of(ws, api._buildable(ws, ws.build, None, cache=True, strict=False, records=True))
    found = confidential.secrets(tree, view.result, store=Store(tree), load=view.load, amounts=view.printed)
    models = api.check([ws.submissions], workspace=ws, cache=False)
    assert found.figures and found.digest() == confidential.secrets(tree, models, store=None).digest()
    asked: list[Any] = []

    def printing_all(sub: Any, secret: Any) -> list[Any]:  # the first public project asked prints every secret figure
        asked.append(sub)
        return sorted(secret.figures)

    assert not confidential.secrets(tree, view.result, store=Store(tree), load=view.load, amounts=printing_all).figures
    assert len(asked) == 1


def test_a_bundle_damaged_in_place_is_written_whole_not_copied_from(
    tree: Path, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attachment's bytes in the last bundle changed in place, its size and times put back (rsync --inplace -t,
    a failing disk): the next build's bundle is not spliced from it (each copied entry's bytes are checked against
    its CRC) but written whole: a sound zip, the bytes of a cold build's."""
    import os

    api.build(tree)
    target = next((tree / "build").rglob("103-*.zip"))
    before = target.stat()
    with zipfile.ZipFile(target) as archive:
        entry = next(i for i in archive.infolist() if i.filename.endswith(".docx") and "-103-2025-0012-" not in i.filename)
    at = entry.header_offset + 30 + len(entry.filename.encode()) + 200
    with target.open("r+b") as handle:
        handle.seek(at)
        byte = handle.read(1)
        handle.seek(at)
        handle.write(bytes([byte[0] ^ 0xFF]))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    spend(next((tree / "submissions" / "2025-06").rglob("103-2025-0012.yaml")), 3)
    api.build(tree)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
    assert differing(files(tree / "build"), cold(tree, tmp_path / "cold", monkeypatch)) == []
