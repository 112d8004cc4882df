"""Each profile demo's form, printed through the real LibreOffice, is faithful to the form it describes.

The national 财预〔2019〕136号 and Hubei demos are built with `docgen build --pdf`; their 附件2-equivalent (监控表) PDFs
are read back with pdftotext's word boxes: the labels verbatim, the columns in the published order from left to
right, a two-row header's upper cell standing over the columns it groups, the check-box rows with one box per choice
(the chosen one ticked) on the label's line, and the table-level rows beside their labels. Positions are compared
with each other only (left of, above, on the same line): no page numbers, no fonts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from docgen.render import pdf
from tests.render.test_pdf import Word, words

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    pdf.soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext (poppler-utils) not installed; .ci/run installs them",
)


def _build(profile_id: str, base: Path) -> Path:
    root = base / profile_id
    shutil.copytree(ROOT / "examples" / "profiles" / profile_id, root)
    done = subprocess.run([sys.executable, "-m", "docgen", "build", "--pdf"], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "build"


@pytest.fixture(scope="module")
def national_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build("national-2019", tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def national(national_build: Path) -> list[Word]:
    (path,) = national_build.rglob("监控表-201-2025-001-*.pdf")
    return words(path)


@pytest.fixture(scope="module")
def hubei(tmp_path_factory: pytest.TempPathFactory) -> list[Word]:
    build = _build("hubei", tmp_path_factory.mktemp("pdf"))
    (path,) = build.rglob("监控表-301-2025-001-*.pdf")
    return words(path)


def _at(found: list[Word], text: str) -> Word:
    """The first word that is `text`, or begins it (a header cell that wraps is split into lines)."""
    hit = next((w for w in found if w.text == text), None) or next((w for w in found if text.startswith(w.text) and len(w.text) >= 2), None)
    assert hit is not None, f"「{text}」 not on the page: {[w.text for w in found][:80]}"
    return hit


def _left_to_right(found: list[Word], labels: list[str]) -> None:
    xs = [_at(found, label).x0 for label in labels]
    assert xs == sorted(xs), list(zip(labels, xs, strict=True))


def _same_line(a: Word, b: Word) -> bool:
    return abs(a.y0 - b.y0) < 3


def _over(found: list[Word], group: str, parts: list[str]) -> None:
    """The group's header stands above its parts, its middle between the first part's left and the last's right."""
    top, first, last = _at(found, group), _at(found, parts[0]), _at(found, parts[-1])
    middle = (top.x0 + top.x1) / 2
    assert top.y0 < first.y0 and first.x0 <= middle <= last.x1, (top, first, last)


def test_national_labels_are_verbatim(national: list[Word]) -> None:
    text = "".join(w.text for w in national)
    for label in (
        "项目支出绩效目标执行监控表",
        "（2025年1-7月）",
        "项目名称",
        "主管部门及代码",
        "实施单位",
        "年度资金总额：",
        "财政拨款",
        "其他资金",
    ):
        assert label in text, label
    for label in ("年度总体目标", "一级指标", "二级指标", "三级指标", "年度指标值", "1-7月执行情况", "备注"):
        assert label in text, label
    assert "支出进度" not in text and "上年结转" not in text and "下达" not in text  # columns the form does not have


def test_national_columns_stand_in_the_forms_order(national: list[Word]) -> None:
    _left_to_right(national, ["年初预算数", "全年预算数", "1-7月执行数", "1-7月执行率%（执行数/全年预算数）", "全年预计执行数"])
    _left_to_right(national, ["一级指标", "二级指标", "三级指标", "年度指标值", "1-7月执行情况", "经费保障", "其他", "确定能", "备注"])
    _left_to_right(national, ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"])


def test_national_two_row_headers_merge_over_their_columns(national: list[Word]) -> None:
    _over(national, "偏差原因分析", ["经费保障", "其他"])
    _over(national, "完成目标可能性", ["确定能", "完全不可能"])


def test_national_ticks_the_chosen_answer_in_its_column(national: list[Word]) -> None:
    ticks = [w for w in national if w.text == "√"]
    certain, possible = _at(national, "确定能"), _at(national, "有可能")
    assert ticks and all(w.x0 >= certain.x0 - 5 for w in ticks)
    assert any(certain.x0 - 5 <= w.x0 < possible.x0 for w in ticks) and any(w.x0 >= possible.x0 - 5 for w in ticks)


def test_hubei_labels_are_verbatim(hubei: list[Word]) -> None:
    text = "".join(w.text for w in hubei)
    for label in ("项目支出绩效监控表", "项目名称", "主管部门", "项目执行单位", "年度资金总额：", "其中：当年一般公共预算拨款"):
        assert label in text, label
    assert "偏差或不能完成目标原因分析" in text and "相关建议或举措" in text
    assert "二级指标" not in text and "上年结转" not in text and "下达" not in text and "支出进度" not in text


def test_hubei_columns_stand_in_the_forms_order(hubei: list[Word]) -> None:
    _left_to_right(hubei, ["年初预算数", "1-6月执行数", "全年预计执行数"])
    _left_to_right(hubei, ["一级指标", "指标名称", "指标值", "半年度指标执行情况", "完成目标可能性（确定能、", "备注"])


@pytest.mark.parametrize(
    ("label", "choices", "chosen"),
    [
        ("项目属性", ["1、持续性项目", "2、新增性项目"], 0),
        ("项目类型", ["1、常年性项目", "2、延续性项目", "3、一次性项目"], 0),
        ("项目类别", ["1、部门预算项目", "2、省直专项", "3、省对下转移支付项目"], 0),
    ],
)
def test_hubei_check_box_rows_box_every_choice_on_the_labels_line(hubei: list[Word], label: str, choices: list[str], chosen: int) -> None:
    head = _at(hubei, label)
    line = sorted((w for w in hubei if _same_line(w, head) and w.x0 > head.x0), key=lambda w: w.x0)
    texts = [w.text for w in line]
    for i, choice in enumerate(choices):
        at = texts.index(choice)
        assert texts[at + 1] == ("☑" if i == chosen else "□"), texts


def test_hubei_table_level_rows_stand_beside_their_labels(hubei: list[Word]) -> None:
    for label, start in (("偏差或不能完成目标原因分析", "申遗文本须按"), ("相关建议或举措", "聘请专家")):
        head = _at(hubei, label)
        text = next(w for w in hubei if w.text.startswith(start))
        assert _same_line(head, text) and head.x1 < text.x0
    indicators, reason = _at(hubei, "半年度指标执行情况"), _at(hubei, "偏差或不能完成目标原因分析")
    assert indicators.y0 < reason.y0  # below the indicator block, as the published form has them


def test_national_bundle_and_dossier_name_the_forms_by_their_titles(national_build: Path) -> None:
    """The national form is filed as 「监控表」, not as 附件2/附件3: the bundle's 目录.txt and the dossier's 目录 name it by
    its title (朔州's say 附件2, 附件3: tests/golden)."""
    (bundle,) = national_build.rglob("*绩效监控报告.zip")
    with zipfile.ZipFile(bundle) as z:
        index = z.read(next(n for n in z.namelist() if n.endswith("目录.txt"))).decode("utf-8-sig")
    assert "项目支出绩效目标执行监控表：监控表-201-2025-001-" in index and "部门整体支出绩效目标执行监控表：" in index
    assert "附件2" not in index and "附件3" not in index and "监控表（监控表）" not in index
    (dossier,) = national_build.rglob("*绩效监控报告.pdf")
    contents = "".join(w.text for w in words(dossier) if w.page <= 1)
    assert "二、部门整体支出绩效目标执行监控表" in contents and "项目支出绩效目标执行监控表" in contents
    assert "（附件2）" not in contents and "（附件3）" not in contents
