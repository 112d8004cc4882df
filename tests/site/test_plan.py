"""Planning the site from a check result, without MkDocs: statuses, counts, secrets, pictures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

from docgen import api, escape
from docgen.site import charts
from docgen.site import generate as S
from tests.conftest import build_file_tree
from tests.history.gitrepo import PROJECT

from .conftest import DEPARTMENT, EDU, HEALTH, PERIOD, ROSTER, SECRETS, project


def planned(root: Path) -> S.SiteModel:
    return S.plan(api.check([root / "submissions"]), date(2025, 7, 20), root)


def tree(tmp_path: Path) -> Path:
    return build_file_tree(
        tmp_path,
        {
            f"{PERIOD}/名单.yaml": ROSTER,
            f"{EDU}/101-2025-001.yaml": PROJECT,
            f"{EDU}/101-2025-002.yaml": project("101-2025-002", "涉密保障工程", confidential=True),
            f"{EDU}/101-2025-004.yaml": project("101-2025-004", "教师培训").replace("项目年度绩效目标:", "项目年度目标:"),
            f"{EDU}/101-2025-009.yaml": project("101-2025-009", "名单外项目"),
            f"{EDU}/部门整体.yaml": DEPARTMENT,
            f"{HEALTH}/102-2025-001.yaml": project(
                "102-2025-001", "卫生应急物资储备", confidential=True, department="朔州市卫生健康委员会", dept_code="102"
            ),
        },
    )


def test_statuses_and_counts(tmp_path: Path) -> None:
    model = planned(tree(tmp_path))
    [view] = model.periods
    assert view.deadline == date(2025, 7, 31) and view.time_progress == Decimal("50.00")
    edu, health = view.departments
    status = {e.code: (e.status, e.light) for e in edu.projects}
    assert status == {
        "101-2025-001": (S.WARNING, "yellow"),
        "101-2025-003": (S.MISSING, None),
        "101-2025-004": (S.ERROR, None),
    }  # W401 and other monitoring warnings: lights from the analysis
    # W302: not on the roster, so kept off the site like a 涉密 project until the roster lists it
    assert all(e.code != "101-2025-009" for e in edu.projects) and model.secrets.hides("101-2025-009")
    assert edu.overall.status == S.WARNING and health.overall.status == S.MISSING
    counts = view.counts
    assert (counts.expected, counts.submitted, counts.valid, counts.warning, counts.error, counts.missing) == (3, 2, 1, 1, 1, 1)
    assert (counts.red, counts.yellow) == (0, 1)
    # totals add only valid, published projects: 001 (200.00 arranged); 009 is off the roster
    assert view.figures.subtotal == Decimal("200.00")


def test_confidential_projects_are_not_planned(tmp_path: Path) -> None:
    model = planned(tree(tmp_path))
    edu = model.periods[0].departments[0]
    # W414 adds up the department's projects, the confidential one included: not shown where one is hidden
    assert "W414" not in {f.code for f in edu.overall.assessment.findings}
    codes = {e.code for e in model.entries()}
    assert "101-2025-002" not in codes and "102-2025-001" not in codes  # by roster flag, and by file flag only
    assert model.secrets.codes >= {"101-2025-002", "102-2025-001"}
    assert model.secrets.redact("见 101-2025-002 和卫生应急物资储备；101-2025-0021 不是") == "见 ＊＊＊ 和＊＊＊；101-2025-0021 不是"


def test_sources_written_without_git_say_so(tmp_path: Path) -> None:
    root = tree(tmp_path)
    model = planned(root)
    S.attach_history(root, model)  # not a git repository: no history, a note instead of an error
    assert model.history_note and not model.recent
    pages = S.write_sources(model, root / S.SOURCE, root / "build")
    docs = root / S.SOURCE / "docs"
    assert pages == sum(1 for _ in docs.rglob("*.md"))
    # the note names the folder (a path with «_»): written escaped, as all text in the pages' source
    assert escape.markdown(model.history_note) in (docs / "2025-06/101/101-2025-001.md").read_text(encoding="utf-8")
    for path in docs.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert not any(secret in text for secret in SECRETS), path
    config = (root / S.SOURCE / "mkdocs.yml").read_text(encoding="utf-8")
    assert "font: false" in config and "lang: zh" in config and "offline" in config and "pymdownx.slugs.slugify" in config


def test_indicator_rows_follow_the_form_order_with_spans() -> None:
    class Ind:
        def __init__(self, level1: str, level2: str, name: str) -> None:
            self.level1, self.level2, self.name = level1, level2, name

    rows = S.indicator_rows(
        [
            Ind("满意度指标", "服务对象满意度指标", "c"),
            Ind("产出指标", "质量指标", "b"),
            Ind("产出指标", "数量指标", "a"),
            Ind("产出指标", "数量指标", "a2"),
        ]
    )
    assert [(r[0].name, r[1], r[2], r[3]) for r in rows] == [("a", 3, 2, 2), ("a2", 0, 0, 3), ("b", 0, 1, 1), ("c", 1, 1, 0)]


def test_batches_keep_folders_whole(tmp_path: Path) -> None:
    files = {f"2025-06/{d}/{d}-{i:03d}.md": "" for d, n in (("101", 3), ("102", 2), ("103", 5)) for i in range(n)}
    build_file_tree(tmp_path, {**files, "2025-06/101/index.md": "", "index.md": ""})
    # a department's own page (index.md) goes with its folder's project pages: 101 is four pages
    assert S._batches(tmp_path, 6) == [["2025-06/101/", "2025-06/102/"], ["2025-06/103/"]]
    assert S._batches(tmp_path, 5) == [["2025-06/101/"], ["2025-06/102/"], ["2025-06/103/"]]
    assert S._batches(tmp_path, 2) == [  # a folder larger than a run is split into pages
        ["2025-06/101/101-000.md", "2025-06/101/101-001.md"],
        ["2025-06/101/101-002.md", "2025-06/101/index.md"],
        ["2025-06/102/"],
        ["2025-06/103/103-000.md", "2025-06/103/103-001.md"],
        ["2025-06/103/103-002.md", "2025-06/103/103-003.md"],
        ["2025-06/103/103-004.md"],
    ]


def test_bar_chart_is_valid_svg_with_marker() -> None:
    svg = charts.bar_chart(
        [charts.Bar("教育局", Decimal("32.91"), "yellow"), charts.Bar("未报部门", None)],
        marker=Decimal("50"),
        marker_label="序时进度 50.00%",
        caption="各部门支出进度",
    )
    root = ET.fromstring(str(svg))
    ns = "{http://www.w3.org/2000/svg}"
    assert [r.get("class") for r in root.iter(f"{ns}rect")] == ["dg-fill-yellow"]
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "32.91%" in texts and "—" in texts and "序时进度 50.00%" in texts
    assert charts.progress(None) == '<span class="dg-progress-none">—</span>'
    assert "dg-over" in charts.progress(Decimal("120"))  # overspend shows
