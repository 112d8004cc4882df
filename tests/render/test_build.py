"""`docgen build` renders every attachment, bundles each department, rebuilds only what changed, never publishes 涉密."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

from docgen import api, output
from docgen.evaluate.evaluation import evaluate
from docgen.render import engine, paths, templates
from tests.render.conftest import CONFIDENTIAL_CODE, DEMO_DEPARTMENT

BUNDLE = "build/2025-06/104-朔州市交通运输局-2025年1-6月绩效监控报告.zip"
FOLDER = "build/2025-06/104-朔州市交通运输局"


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def outputs(tree: Path) -> set[str]:
    """Rendered attachments under build/, as tree-relative paths (manifest, summary.json and the 汇总表 left out)."""
    return {
        f"build/{name}"
        for name in files(tree / "build")
        if not name.startswith(".") and name != "summary.json" and not name.endswith("绩效监控汇总表.xlsx")
    }


def test_demo_every_submission_has_its_attachments(demo: api.Result, tmp_path: Path, chdir) -> None:
    """The whole demo: each non-confidential submission its .docx and .xlsx, each department one bundle."""
    chdir(Path(__file__).resolve().parents[2])  # the demo's paths are relative to the repository
    built = engine.render_all(
        [evaluate(s) for s in [*demo.departments, *demo.projects]], tmp_path, templates.find(Path(".")), engine.Options(jobs=2)
    )
    public = [s for s in [*demo.departments, *demo.projects] if not s.confidential]
    for sub in public:
        for path in paths.attachments(tmp_path, sub).values():
            assert path.is_file() and path.stat().st_size > 5000, path
    departments = {(s.period.key, s.department_code, s.department) for s in public}
    assert len(built.bundles) == len(departments) == 5
    assert built.confidential_skipped == 1 and len(built.written) == 2 * len(public)


def test_build_writes_attachments_and_bundle(run, small_tree: Path) -> None:
    result = run("build")
    assert result.exit_code == 0, result.output
    names = outputs(small_tree)
    assert {n for n in names if n.startswith(FOLDER + "/")} == {
        f"{FOLDER}/附件1-104-2025-001-农村公路养护工程.docx",
        f"{FOLDER}/附件2-104-2025-001-农村公路养护工程.xlsx",
        f"{FOLDER}/附件1-104-2025-002-国省干线公路安全生命防护工程.docx",
        f"{FOLDER}/附件2-104-2025-002-国省干线公路安全生命防护工程.xlsx",
        f"{FOLDER}/附件1-104-2025-004-城乡公交一体化运营补贴.docx",
        f"{FOLDER}/附件2-104-2025-004-城乡公交一体化运营补贴.xlsx",
        f"{FOLDER}/附件1-104-朔州市交通运输局-部门整体.docx",
        f"{FOLDER}/附件3-104-朔州市交通运输局-部门整体.xlsx",
    }
    assert BUNDLE in names
    assert "附件：新生成 8 个文件" in result.stderr and "涉密项目 3 个未生成附件" in result.stderr
    assert "生成附件 4/4" in result.stderr  # progress as plain lines when not on a terminal


def test_bundle_holds_the_report_in_filing_order(run, small_tree: Path) -> None:
    assert run("build").exit_code == 0
    with zipfile.ZipFile(small_tree / BUNDLE) as archive:
        names = archive.namelist()
        index = archive.read(names[0]).decode("utf-8-sig")
        folder = "104-朔州市交通运输局-2025年1-6月绩效监控报告/"
        assert names[0] == folder + "目录.txt"
        assert names[1:3] == [folder + "附件1-104-朔州市交通运输局-部门整体.docx", folder + "附件3-104-朔州市交通运输局-部门整体.xlsx"]
        assert names[3].startswith(folder + "附件1-104-2025-001") and len(names) == 9
        assert archive.read(names[1]) == (small_tree / FOLDER / "附件1-104-朔州市交通运输局-部门整体.docx").read_bytes()
        assert {i.date_time for i in archive.infolist()} == {(2025, 6, 30, 0, 0, 0)}  # the period's last day, not 1980
    assert index.startswith("朔州市交通运输局（104）2025年1-6月绩效监控报告\r\n")
    assert "一、部门整体支出绩效监控分析报告" in index and "二、项目支出绩效监控分析报告（3个）" in index
    assert "另有涉密项目3个，按保密规定另行报送" in index


def test_source_date_epoch_dates_the_zip_entries(run, small_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC: 08:00 in Beijing
    assert run("build").exit_code == 0
    with zipfile.ZipFile(small_tree / BUNDLE) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 1, 1, 8, 0, 0)}


def test_a_malformed_source_date_epoch_is_one_chinese_line(run, small_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run("build")
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH 应为整数秒数" in result.stderr and "Traceback" not in result.output
    assert not (small_tree / BUNDLE).exists()


def test_confidential_project_never_lands_in_build(run, small_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert run("build").exit_code == 0
    everything = files(small_tree / "build")
    assert not any(CONFIDENTIAL_CODE in n for n in everything)
    with zipfile.ZipFile(small_tree / BUNDLE) as archive:
        assert not any(CONFIDENTIAL_CODE in n for n in archive.namelist())
        assert CONFIDENTIAL_CODE not in archive.read(archive.namelist()[0]).decode("utf-8-sig")
    secret = tmp_path_factory.mktemp("secret")
    result = run("build", "--include-confidential", str(secret))
    assert result.exit_code == 0, result.output
    rendered = {p.name for p in secret.rglob("*.*") if not p.name.startswith(".")}
    assert {n for n in rendered if CONFIDENTIAL_CODE in n} and len(rendered) == 6  # 3 涉密 projects (pool_confidential)
    assert not any(CONFIDENTIAL_CODE in n for n in files(small_tree / "build"))
    assert "已写入" in result.stderr


def test_confidential_folder_inside_build_is_refused(run, small_tree: Path) -> None:
    result = run("build", "--include-confidential", "build/secret")
    assert result.exit_code == 2 and "不能在" in result.stderr


def test_marking_a_project_confidential_removes_it_from_build(run, small_tree: Path) -> None:
    assert run("build").exit_code == 0
    source = small_tree / "submissions/2025-06" / DEMO_DEPARTMENT / "104-2025-001.yaml"
    old = outputs(small_tree)
    assert any("104-2025-001" in n for n in old)
    source.write_text(source.read_text(encoding="utf-8").replace("涉密: false", "涉密: true"), encoding="utf-8")
    assert "涉密: true" in source.read_text(encoding="utf-8")
    assert run("build").exit_code == 1  # the file says 涉密, the roster not: E311, nothing built, nothing published
    roster = small_tree / "submissions/2025-06/名单.yaml"
    entry = "        预算单位: 朔州市公路事业发展中心\n"
    roster.write_text(roster.read_text(encoding="utf-8").replace(entry, entry + "        涉密: true\n", 1), encoding="utf-8")
    result = run("build")
    assert result.exit_code == 0, result.output
    assert not any("104-2025-001" in n for n in outputs(small_tree))
    assert "已删除 2 个过期的附件" in result.stderr


def test_rebuild_renders_only_what_changed(run, small_tree: Path) -> None:
    assert run("build").exit_code == 0
    before = files(small_tree / "build")
    again = run("build")
    assert "新生成 0 个文件，8 个未变化" in again.stderr
    assert files(small_tree / "build") == before
    source = small_tree / "submissions/2025-06" / DEMO_DEPARTMENT / "104-2025-002.yaml"
    text = source.read_text(encoding="utf-8")
    assert "    下达数: 1100.00\n" in text
    source.write_text(text.replace("    下达数: 1100.00\n", "    下达数: 1000.00\n", 1), encoding="utf-8")
    edited = run("build")
    # only the project's own two: 104's 部门整体 report no longer quotes W414's sums of its projects (drafts leave the
    # paperwork findings to the check's report), so an edit to a project's 下达数 leaves it as it was
    assert "新生成 2 个文件，6 个未变化" in edited.stderr
    after = files(small_tree / "build")
    changed = {n for n in after if after[n] != before.get(n)}
    assert changed == {
        f"{FOLDER[6:]}/附件1-104-2025-002-国省干线公路安全生命防护工程.docx",
        f"{FOLDER[6:]}/附件2-104-2025-002-国省干线公路安全生命防护工程.xlsx",
        BUNDLE[6:],
        "summary.json",
        # the roll-ups (issue 6) list every project's figures, so they follow the edit too
        f"{FOLDER[6:]}/104-朔州市交通运输局-2025年1-6月绩效监控汇总表.xlsx",
        "2025-06/全市-2025年1-6月绩效监控汇总表.xlsx",
    }
    assert not [n for n in after if n.startswith(".docgen-")]  # the manifests are kept in the cache, never in build/
    assert "新生成 8 个文件" in run("build", "--force").stderr


def test_a_changed_template_rerenders_everything(run, small_tree: Path) -> None:
    assert run("build").exit_code == 0
    (small_tree / "templates").mkdir()
    style = Path(templates.BUILTIN / "tables.yaml").read_text(encoding="utf-8").replace("size: 18", "size: 20")
    (small_tree / "templates" / "tables.yaml").write_text(style, encoding="utf-8")
    assert "新生成 8 个文件" in run("build").stderr
    rules = small_tree / "schema" / "rules.yaml"
    assert run("rules", "--init").exit_code == 0  # schema/rules.yaml: the rules in force are an input too
    rules.write_text(rules.read_text(encoding="utf-8") + "涉密汇总最少项目数: 3\n", encoding="utf-8")
    assert "新生成 8 个文件" in run("build").stderr
    rules.write_text(rules.read_text(encoding="utf-8") + "# 阈值待财政局确认\n", encoding="utf-8")
    assert "新生成 8 个文件" in run("build").stderr


def test_deleted_submission_loses_its_outputs(run, small_tree: Path) -> None:
    assert run("build").exit_code == 0
    (small_tree / "submissions/2025-06" / DEMO_DEPARTMENT / "104-2025-004.yaml").unlink()
    result = run("build")
    assert result.exit_code == 0
    assert not any("104-2025-004" in n for n in outputs(small_tree))
    with zipfile.ZipFile(small_tree / BUNDLE) as archive:
        assert not any("104-2025-004" in n for n in archive.namelist())


def test_same_inputs_same_bytes_in_any_folder(run, small_tree: Path) -> None:
    assert run("build").exit_code == 0
    first = files(small_tree / "build")
    os.rename(small_tree / "build", small_tree / "build-1")
    assert run("build", "--jobs", "1").exit_code == 0
    second = files(small_tree / "build")
    for name in first:
        if name.endswith((".docx", ".xlsx", ".zip")):
            assert first[name] == second[name], name


def test_leftovers_of_a_killed_build_are_swept(run, small_tree: Path) -> None:
    assert run("build").exit_code == 0
    leftover = small_tree / FOLDER / ".附件1-x.docx.abc123.tmp"
    leftover.write_bytes(b"half a file")
    (small_tree / "build" / ".pdf-tmp-xyz" / "out0").mkdir(parents=True)
    assert run("build").exit_code == 0
    assert not leftover.exists() and not (small_tree / "build" / ".pdf-tmp-xyz").exists()


def test_pdf_without_libreoffice_is_one_message(run, small_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(small_tree / "no-bin"))  # no soffice on this PATH
    result = run("build", "--pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("未找到 LibreOffice") == 1
    assert len([n for n in outputs(small_tree) if n.endswith((".docx", ".xlsx"))]) == 8


def test_extra_sections_reach_the_report(small_tree: Path) -> None:
    """api.build's hook for drafted texts from elsewhere (the warnings engine drafts 「四、绩效监控结果分析」)."""
    import docx

    built = api.build(small_tree, extra_sections=lambda sub: {"监控总体结论": f"{sub.name}：运行正常。"})
    department = next(s for s in built.result.departments)
    document = docx.Document(str(paths.attachments(small_tree / "build", department)["docx"]))
    texts = [p.text for p in document.paragraphs]
    written = department.report.get("监控总体结论")
    assert (written or f"{department.name}：运行正常。") in texts


@pytest.mark.skipif(
    sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="the 汇总表 run in a forked child on multi-core Linux only"
)
def test_a_failing_rollup_fails_the_build_in_one_chinese_line(run, small_tree: Path, monkeypatch) -> None:
    """The city's 汇总表 is written by a forked child: its failure is reported, not swallowed, and shows no traceback."""

    def broken(result, out, *args):
        raise OSError("磁盘已满")

    monkeypatch.setattr(api, "write_city_rollup", broken)
    result = run("build")
    assert result.exit_code == 3
    assert "生成汇总表的子进程出错" in result.stderr and "Traceback" not in result.stderr


def test_the_sweep_spares_a_temporary_whose_writer_is_alive(small_tree: Path) -> None:
    """The 汇总表 child writes while the parent sweeps what killed builds left: only the dead writers' files go."""
    folder = small_tree / "build"
    folder.mkdir(parents=True, exist_ok=True)
    live = folder / f".汇总表.xlsx.{os.getpid()}-abc.tmp"
    live.write_bytes(b"being written")
    dead = folder / ".汇总表.xlsx.999999999-abc.tmp"  # no such process
    dead.write_bytes(b"left by a killed build")
    engine.sweep_temporaries(folder)
    assert live.exists() and not dead.exists()


def test_the_sweep_refuses_a_linked_folder_on_its_one_walk(small_tree: Path, tmp_path: Path) -> None:
    """The walk that sweeps what killed builds left is the one that refuses a folder linked out of build/ (the render
    stage's first step): a link planted in build/2025-06/ stops it before anything is removed or written."""
    folder = small_tree / "build" / "2025-06"
    folder.mkdir(parents=True)
    dead = folder / ".附件1-x.docx.999999999-abc.tmp"  # no such process
    dead.write_bytes(b"left by a killed build")
    (folder / "link").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(output.UnsafeOutput):
        engine.sweep_temporaries(small_tree / "build")
    assert dead.exists()
