"""The site on partial submissions (examples/partial): completeness stated, 「未填报」 printed where nothing was
reported (never 0.00), the grey 「未评价」 light, and an unfilled template never counted as 已提交."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from docgen import api
from docgen.check.ruleset import GREY
from docgen.form import vocabulary as F
from docgen.site import generate as S

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partial"
DEPT = "2025-06/106"


def _site(root: Path) -> tuple[S.SiteModel, Path]:
    model = S.plan(api.check([root / "submissions"], workspace=api.Workspace.at(root)), date(2025, 7, 20), root)
    S.attach_history(root, model)
    S.write_sources(model, root / S.SOURCE, root / "build")
    return model, root / S.SOURCE / "docs"


def test_partial_submissions_say_how_much_was_reported(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    model, docs = _site(root)
    [view] = model.periods
    dept = next(d for d in view.departments if d.code == "106")  # 107 reports everything it has (test_partial_money.py)
    assert {e.code: (e.status, e.light) for e in dept.projects} == {
        "106-2025-001": (S.VALID, GREY),
        "106-2025-002": (S.VALID, GREY),
        "106-2025-003": (S.VALID, GREY),
    }
    assert view.counts.submitted == 5 and dept.overall.light == GREY  # 106's three and 107's two
    page = (docs / DEPT / "106-2025-001.md").read_text(encoding="utf-8")
    assert "已填报 7/25 项数据，另有 18 项为「未填报」" in page and "dg-light-grey" in page
    table = page[page.index('<div class="dg-form dg-money"') :]
    table = table[: table.index("</table>")]
    assert table.count("未填报") == 10 and "<td>680.00</td>" in table  # 资金总额 and its one row: five each
    listing = (docs / DEPT / "index.md").read_text(encoding="utf-8")
    assert "已填报 7/25 项" in listing and "已填报 10/17 项" in listing
    assert "合计只含已填报的数字" in listing and "合计只含已填报的数字" in (docs / "2025-06/index.md").read_text(encoding="utf-8")


def test_an_unfilled_template_is_not_counted_as_submitted(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    file = root / "submissions" / DEPT.replace("106", "106-文化和旅游局") / "106-2025-002.yaml"
    text = file.read_text(encoding="utf-8")
    for figure in ("320.00", "150.40", "80.00", "40.00", "36.00"):
        text = text.replace(f": {figure}", ": 0")
    file.write_text(text, encoding="utf-8")
    model, docs = _site(root)
    [view] = model.periods
    entry = next(e for d in view.departments for e in d.projects if e.code == "106-2025-002")
    assert entry.unfilled and not entry.submitted and entry.status == S.ERROR
    assert (view.counts.expected, view.counts.submitted, view.counts.error, view.counts.missing) == (5, 4, 0, 1)  # 未提交, not 有错误
    assert "这是未填写的模板" in (docs / DEPT / "106-2025-002.md").read_text(encoding="utf-8")


def test_an_unfilled_department_template_is_listed_as_not_submitted(tmp_path: Path) -> None:
    """`docgen new department` then `docgen site`: the template is no 已提交 部门整体, so the period is not complete."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    before = (_site(root)[1] / "2025-06/index.md").read_text(encoding="utf-8")
    assert "体育局]" in before and "部门整体监控表（附件3）" in before  # 107 has sent no 部门整体 yet: listed
    api.new("department", root, "2025-06", "107")
    model, docs = _site(root)
    [view] = model.periods
    dept = next(d for d in view.departments if d.code == "107")
    assert dept.overall.unfilled and not dept.overall.submitted and dept.missing == [dept.overall]
    page = (docs / "2025-06/index.md").read_text(encoding="utf-8")
    assert "名单中的报送已全部提交" not in page
    assert "部门整体监控表（附件3）（模板未填写，不计为已提交）" in page


def test_no_unit_follows_not_reported_and_likelihood_cells_say_not_reported(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    _, docs = _site(root)
    pages = {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8") for p in docs.rglob("*.md")}
    assert not [name for name, text in pages.items() if re.search(r"未填报\s*万元", text)]
    first = pages[f"{DEPT}/106-2025-001.md"]
    assert "下达数 未填报 ÷" in first and "本年预算 680.00 万元" in first  # reported amounts keep their unit
    assert first.count('<td colspan="3" class="dg-tick">未填报</td>') == 5  # like 附件2: 「未填报」, not three blanks
    full = pages[f"{DEPT}/106-2025-003.md"]
    assert (
        '<td colspan="3" class="dg-tick">' not in full and f'<td class="dg-tick">{F.TICK}</td>' in full
    )  # silent: a stated likelihood ticks


def test_a_missing_indicator_block_is_one_row_reading_not_reported(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root)
    _, docs = _site(root)
    page = (docs / DEPT / "106-2025-002.md").read_text(encoding="utf-8")
    assert '<td colspan="11" class="dg-tick">未填报</td>' in page and "未填写绩效指标" not in page
    listed = (docs / DEPT / "106-2025-003.md").read_text(encoding="utf-8")
    assert '<td colspan="11"' not in listed
