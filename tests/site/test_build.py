"""The status site built from a real repository: strict MkDocs build, pages, history, secrets, offline."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from docgen.site import generate as S

from .conftest import SECRETS, Built

PROJECT_PAGE = "2025-06/101/101-2025-001.html"


def text_of(html: str) -> str:
    """Visible text of the article, whitespace squeezed: what a reader sees."""
    body = html[html.index("<article") : html.index("</article>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def test_cli_builds_strictly_and_reports(built: Built) -> None:
    assert built.exit_code == 0, built.output
    assert "站点已生成" in built.output and "1 份有错误" in built.output
    for page in (
        "index.html",
        "2025-06/index.html",
        "2025-06/101/index.html",
        PROJECT_PAGE,
        "recent.html",
        "guide/submit.html",
        "guide/rules.html",
        "guide/forms.html",
        "search/search_index.json",
        "search/search_index.js",
    ):
        assert (built.site / page).is_file(), page


def test_dashboard_counts_deadline_and_missing(built: Built) -> None:
    text = text_of(built.page("2025-06/index.html"))
    assert "2025年7月31日" in text and "还剩 11 天" in text
    # 101 expects 3 visible projects (002 is confidential), 102 none visible: 3 expected, 2 submitted, 1 valid
    assert "3 应报项目（不含涉密项目）" in text and "2 已提交" in text and "1 通过校验" in text and "1 有错误" in text
    assert "101-2025-003 校园安全改造" in text  # the missing one, named
    assert "部门整体监控表（附件3）" in text  # 102's department file is missing
    assert "<svg" in built.page("2025-06/index.html")  # the chart of 支出进度 by department
    assert "序时进度 50.00%" in text


def test_department_page_has_overall_figures_and_sortable_projects(built: Built) -> None:
    html = built.page("2025-06/101/index.html")
    text = text_of(html)
    # one 涉密 project (fewer than k = 3): the 部门整体 figures would reveal its money, so they are withheld
    assert "1. 预算安排及执行进度（万元）：按资金性质" not in text and "部门整体的资金表、支出进度、绩效目标" in text
    assert "资金按类型" not in text  # nor in its history
    # no text of it either (its 分析报告 and targets state totals that include the secret's): only that it changed
    assert "全面完成年度各项工作任务" not in text and "服务对象满意度" not in text and "首次报送" not in text
    assert "修改了部门整体报送（本部门涉密项目不足规定个数，修改内容和提交说明不公开）" in text
    assert 'class="dg-sortable"' in html
    assert "城乡义务教育家庭经济困难学生生活补助" in text and "校园安全改造" in text and "未提交" in text
    assert 'href="101-2025-001.html"' in html


def test_project_page_as_the_form_with_history(built: Built) -> None:
    html = built.page(PROJECT_PAGE)
    text = text_of(html)
    for label in ("年度预算资金安排", "1-6月下达率%（下达数/本年预算数）", "1-6月支出进度%（支出数/安排数）", "完成目标可能性“√”"):
        assert label in text
    assert 'class="dg-light dg-light-yellow"' in html and "W427" in text  # monitoring lights and warnings
    assert "资金·中央财政资金·支出数 60.20 → 95.00" in text
    assert "新增绩效指标「补助发放及时率」" in text
    assert "教育局目录改名" in text and "王科长" in text  # the move is in the timeline…
    assert text.index("教育局目录改名") < text.index("首次报送")  # …newest first, and history before the move is kept


def test_downloads_link_the_built_attachments_that_exist(built: Built) -> None:
    html = built.page(PROJECT_PAGE)
    links = re.findall(r'href="([^"]*downloads/[^"]+)"', html)
    assert sorted(Path(unquote(link)).suffix for link in links) == [".pdf", ".xlsx"]  # no .docx was built: no link
    for link in links:
        assert (built.site / "2025-06/101" / unquote(link)).resolve().read_bytes().endswith(b"stand-in")


def test_a_withheld_departments_attachments_left_in_build_are_not_published(built: Built) -> None:
    """101 has one 涉密 project: the 部门整体 attachments an earlier build left in build/ give its money (the totals less
    the public projects'), so they are neither linked nor copied into the site, as its 报送包 is not."""
    left = [p.name for p in (built.root / "build").rglob("*部门整体*")]
    assert left and not any(p.name in left for p in built.site.rglob("*"))


def test_invalid_submission_is_listed_with_its_errors(built: Built) -> None:
    text = text_of(built.page("2025-06/101/101-2025-004.html"))
    assert "有错误" in text and "E203" in text and "是不是「项目年度绩效目标」" in text  # one message for one misspelt key
    assert "E201" not in text
    assert "submissions/2025-06/101-教育局/101-2025-004.yaml:" in text  # file:line of each error, from the root


def test_no_confidential_project_anywhere(built: Built) -> None:
    """Neither name nor code of a 涉密 project in any file of the site, nor in its search index once decoded."""
    for path in built.site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, (secret, path)
            assert not any(s in path.name for s in SECRETS), path
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    decoded = json.dumps(index, ensure_ascii=False)
    assert not any(s in decoded for s in SECRETS)
    assert "报送涉密保障工程" not in built.page("recent.html")  # the commit that touched only secrets is gone


def test_works_offline_no_cdn_no_fonts(built: Built) -> None:
    for path in built.site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html), path
        assert "fonts.googleapis" not in html and "unpkg.com" not in html
    assert (built.site / "assets" / "vendor" / "tablesort.min.js").is_file()
    assert (built.site / "assets" / "vendor" / "iframe-worker-shim.js").is_file()


def test_every_internal_link_resolves(built: Built) -> None:
    missing = []
    for path in built.site.rglob("*.html"):
        if path.name == "404.html":  # served by a web server for any URL: MkDocs writes it with root-absolute links
            continue
        for target in re.findall(r'(?:href|src)="([^"]+)"', path.read_text(encoding="utf-8")):
            parts = urlsplit(unescape(target))
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if not (path.parent / unquote(parts.path)).resolve().exists():
                missing.append(f"{path.relative_to(built.site)} -> {target}")
    assert not missing


def test_chinese_headings_have_chinese_anchors(built: Built) -> None:
    assert 'id="项目年度绩效目标"' in built.page(PROJECT_PAGE)


def test_large_sites_are_built_in_runs_and_merged(built: Built, tmp_path: Path) -> None:
    """With one department folder's page per MkDocs run, the pages and the search index are the same as in one run."""
    source, output = built.root / S.SOURCE, tmp_path / "site"
    runs = S.run_mkdocs(source, output, batch=1, render=False)
    pages = S._folder_pages(source / "docs")
    assert "2025-06/101/index.md" in pages and runs == 1 + len(pages)  # the main run, then each page of 2025-06/<dept>/
    for page in (
        "2025-06/101/101-2025-001.html",
        "2025-06/101/101-2025-003.html",
        "2025-06/101/101-2025-004.html",
        "2025-06/101/index.html",
    ):
        assert (output / page).is_file()
    index = json.loads((output / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert {"2025-06/101/101-2025-001.html", "2025-06/101/index.html", "guide/submit.html"} <= locations
    assert (output / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = ")
    assert S.run_mkdocs(source, output) == 1  # mkdocs.yml itself was left as written: one run again


def test_project_page_carries_every_report_section_drafts_marked(built: Built) -> None:
    """The page's 分析报告 has every heading 附件1 has, with 附件1's very text; what the system drafted is marked."""
    from docgen.form import vocabulary as F

    text = text_of(built.page(PROJECT_PAGE))
    report = text[text.index("分析报告 ¶") : text.index("下载 ¶")]
    positions = [report.index(s.heading) for s in F.REPORT_SECTIONS]
    assert positions == sorted(positions)  # in the report's order, every one of them
    # the fixture's project writes no narrative: every section that can be drafted is, and says so
    assert report.count("（系统草拟）") == 6
    assert "城乡义务教育家庭经济困难学生生活补助项目（项目代码：101-2025-001）由预算单位朔州市教育局本级组织实施" in report
    assert "经监控，截至2025年6月底" in report  # the warnings engine's 监控总体结论, as in 附件1
    assert "「" not in report[report.index("（二）预算执行和绩效目标出现偏差的原因分析") :]


def test_department_pages_rendered_without_mkdocs_runs_equal_the_runs(built: Built, tmp_path: Path) -> None:
    """The department folders' pages rendered through MkDocs' page machinery set up once (site/pages.py) are the
    pages and search entries MkDocs runs make, byte for byte; a small site is still one run."""
    from .test_incremental import tree

    source = built.root / S.SOURCE
    assert S.run_mkdocs(source, tmp_path / "runs", batch=1, render=False) > 2
    assert S.run_mkdocs(source, tmp_path / "rendered", batch=1) == 2  # the main run and the renderer
    runs, rendered = tree(tmp_path / "runs"), tree(tmp_path / "rendered")
    assert sorted(rendered) == sorted(runs) and "2025-06/101/101-2025-001.html" in rendered
    assert [name for name in runs if rendered[name] != runs[name]] == []
    assert S.run_mkdocs(source, tmp_path / "one") == 1


def test_a_secret_whole_number_that_the_theme_s_javascript_holds_does_not_stop_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lunr's tinyseg.js (copied into the site as Material ships it) holds ~10 % of the integers up to 10,000: a 涉密
    project's 支出数 that is one of them was taken for a leak and refused a clean site. The theme's own files are not
    read (their names are); any other copy of the number still is."""
    from docgen import api, confidential

    from .conftest import EDU, make_repo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    theme = S.theme_files()
    assert theme is not None
    seg = (theme / "assets" / "javascripts" / "lunr" / "tinyseg.js").read_text(encoding="utf-8")
    number = next(n for n in re.findall(r"(?<![\d.])(\d{4})(?![\d.])", seg) if not n.startswith("0"))
    (tmp_path / "repo").mkdir()
    repo = make_repo(tmp_path / "repo")
    repo.edit(f"{EDU}/101-2025-002.yaml", "支出数: 60.2", f"支出数: {number}")  # the 涉密 project's own amount
    repo.commit("涉密项目支出数")
    api.site(repo.root, today=date(2025, 7, 20))
    assert (repo.root / "site" / "assets" / "javascripts" / "lunr" / "tinyseg.js").read_text(encoding="utf-8") == seg
    monkeypatch.setattr(S, "theme_files", lambda: None)  # without it, the theme's copy is read and refused
    with pytest.raises(confidential.Leak, match=r"tinyseg\.js"):
        api.site(repo.root, today=date(2025, 7, 20), cache=False)
