"""`docgen import` on every profile's forms as offices make them: a Hubei 项目支出绩效监控表 and a national 项目支出绩效
目标执行监控表 typed by hand with openpyxl (their own merges and widths, check-boxes as 「☑」「√」「■」 before an option,
numbers as text, 「……」 and blank rows, the likelihood written out or ticked 「✓」「是」), LibreOffice's re-saves of
docgen's own workbooks with edits, an .xls, and damaged ones — each with its exact messages, located on the sheet."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen import api
from docgen.check.load import load_file
from docgen.workspace import Workspace
from tests.conftest import ROOT
from tests.tooling.workbooks import docgen_workbook, needs_soffice, soffice_convert

PROFILES = ROOT / "examples" / "profiles"


def _repo(tmp_path: Path, profile: str, period: str) -> Path:
    """An empty repository of `profile` with the demo's roster for `period` (no submission yet)."""
    repo = tmp_path / "repo"
    (repo / "submissions" / period).mkdir(parents=True)
    shutil.copy(PROFILES / profile / "docgen.yaml", repo / "docgen.yaml")
    shutil.copy(PROFILES / profile / "submissions" / period / "名单.yaml", repo / "submissions" / period / "名单.yaml")
    return repo


def _texts(done: api.Imported) -> list[str]:
    return [p.text() for p in done.problems]


# --- Hubei: 黄石市项目支出绩效监控表, typed by an office --------------------------------------------------------------


def hubei_sheet(
    ws: Any, *, attribute: str = "☑持续性项目  □新增性项目", likelihoods: tuple[Any, ...] = ("确定能", " 有可能 ", "不可能", "确定能")
) -> None:
    """The Hubei form as an office lays it out: 7 columns of its own (not docgen's 13), the budget header on one row,
    check-boxes typed before their option, amounts as text with thousands separators, a 「……」 row and a blank row."""
    ws["A1"] = "黄石市项目支出绩效监控表"
    ws.merge_cells("A1:G1")
    ws["A2"] = "（2025年1-6月）"
    ws.merge_cells("A2:G2")
    rows: list[tuple[Any, ...]] = [
        ("项目名称", "工业遗产申遗经费"),
        ("主管部门", "示例市文化和旅游局", None, None, "项目执行单位", "示例市文物局"),
        ("项目属性", attribute),
        ("项目类型", "□常年性项目 √延续性项目 □一次性项目"),
        ("项目类别", "■部门预算项目　□省直专项　□省对下转移支付项目"),
    ]
    for r, values in enumerate(rows, start=3):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)
    ws.merge_cells("B3:G3")
    ws.merge_cells("B4:D4")
    ws.merge_cells("F4:G4")
    for r in (5, 6, 7):
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=7)
    ws["A8"] = "项目资金（万元）"
    ws.merge_cells("A8:A12")
    for c, text in ((3, "年初预算数"), (4, "1-6月执行数"), (5, "全年预计执行数")):
        ws.cell(8, c, text)
    budget = [
        ("年度资金总额：", "250.00", "92.57", 245),
        ("其中：当年一般公共预算拨款", "220", "87.57", "２２０"),
        ("其他资金", 30, 5, 25),
        ("……", None, None, None),
    ]
    for r, values in enumerate(budget, start=9):
        for c, value in enumerate(values, start=2):
            if value is not None:
                ws.cell(r, c, value)
    ws["A14"] = "绩效指标"  # row 13 left blank, as offices leave one
    for c, text in enumerate(("一级指标", "指标名称", "指标值", "半年度指标执行情况", "完成目标可能性", "备注"), start=2):
        ws.cell(14, c, text)
    indicators = [
        ("产出指标", "举办学术交流和宣传活动场次", "≥8场", "5场", likelihoods[0], None),
        (None, "申遗文本修改完成时间", "2025年10月底前", "已完成初稿", likelihoods[1], "专家评审意见待反馈。"),
        ("效益指标", "遗产地游客接待量", "≥30万人次", "11万人次", likelihoods[2], None),
        ("满意度指标", "参观者满意度", 0.9, "93%", likelihoods[3], None),
    ]
    for r, values in enumerate(indicators, start=15):
        for c, value in enumerate(values, start=2):
            if value is not None:
                ws.cell(r, c, value)
    ws["D18"].number_format = "0%"  # ≥90% typed as 0.9 in a % cell would read 「90%」: the office typed the sign instead
    ws["D18"] = "≥90%"
    ws.merge_cells("B15:B16")
    ws["C19"] = "……"
    ws["A20"] = "偏差或不能完成目标原因分析"
    ws["B20"] = "申遗文本须按国家文物局新要求补充材料；遗产地主展馆上半年闭馆改造，游客接待量低于预期。"
    ws.merge_cells("B20:G20")
    ws["A21"] = "相关建议或举措"
    ws["B21"] = "聘请专家集中修改文本，九月报送；主展馆八月恢复开放，下半年加大宣传。"
    ws.merge_cells("B21:G21")
    ws["A22"] = "注：1.完成目标可能性：对应所设定的实现绩效目标的路径，分确定能、有可能、不可能三级综合判断完成的可能性。"


def hubei_book(path: Path, **kwargs: Any) -> Path:
    book = openpyxl.Workbook()
    hubei_sheet(book.active, **kwargs)
    book.active.title = "项目1"
    book.save(path)
    return path


def test_a_hand_made_hubei_form_imports_with_every_value(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "hubei", "2025-06")
    book = hubei_book(tmp_path / "申遗.xlsx")
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert done.problems == [], _texts(done)
    assert done.written
    [written] = list((repo / "submissions").rglob("301-2025-001.yaml"))
    doc, problems = load_file(written)
    assert doc is not None and not problems
    data = doc.data
    assert (data["主管部门代码"], data["预算单位"]) == ("301", "示例市文物局")  # the code from the roster, by name
    assert (data["项目属性"], data["项目类型"], data["项目类别"]) == ("持续性项目", "延续性项目", "部门预算项目")
    assert data["资金"] == {
        "当年一般公共预算拨款": {"本年预算": Decimal("220.00"), "支出数": Decimal("87.57"), "全年预计支出数": Decimal("220.00")},
        "其他资金": {"本年预算": Decimal("30.00"), "支出数": Decimal("5.00"), "全年预计支出数": Decimal("25.00")},
    }
    assert [(i["一级指标"], i["三级指标"], i["年度指标值"], i["完成目标可能性"]) for i in data["绩效指标"]] == [
        ("产出指标", "举办学术交流和宣传活动场次", "≥8场", "确定能"),
        ("产出指标", "申遗文本修改完成时间", "2025年10月底前", "有可能"),
        ("效益指标", "遗产地游客接待量", "≥30万人次", "不可能"),
        ("满意度指标", "参观者满意度", "≥90%", "确定能"),
    ]
    assert "二级指标" not in data["绩效指标"][0] and "全年指标预计完成情况" not in data["绩效指标"][0]
    assert data["偏差或不能完成目标原因分析"].startswith("申遗文本须按") and data["相关建议或举措"].startswith("聘请专家")
    assert api.check([repo / "submissions"], workspace=Workspace.at(repo), cache=False).errors == []


def test_hubei_check_boxes_and_written_likelihoods_that_do_not_read(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "hubei", "2025-06")
    book = hubei_book(tmp_path / "坏.xlsx", attribute="☑持续性项目 ☑新增性项目", likelihoods=("确定能", "√", "", "大概能"))
    wb = openpyxl.load_workbook(book)
    wb["项目1"]["B6"] = "常年"  # 项目类型: no option named
    wb.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    where = f"{book} 工作表「项目1」"
    assert _texts(done) == [
        f"{where} B5：错误 E530 「项目属性」是单选，却勾选了 持续性项目、新增性项目：只能勾选一项（☑ 或 √ 放在选中的一项前面）",
        (
            f"{where} B6：错误 E531 「项目类型」一栏无法识别：「常年」中没有任何一个选项（常年性项目、延续性项目、一次性项目）。"
            "请勾选其中一项，如「☑常年性项目」"
        ),
        (
            f"{where} F16：错误 E532 指标「申遗文本修改完成时间」的完成目标可能性填写的是「√」：请填写「确定能」「有可能」「不可能」之一"
            "（尚未判断的填「未填报」）"
        ),
        (
            f"{where} F17：错误 E533 指标「遗产地游客接待量」的完成目标可能性是空的：请填写「确定能」「有可能」「不可能」之一"
            "（尚未判断的填「未填报」）"
        ),
        (
            f"{where} F18：错误 E532 指标「参观者满意度」的完成目标可能性填写的是「大概能」：请填写「确定能」「有可能」「不可能」之一"
            "（尚未判断的填「未填报」）"
        ),
    ]
    assert not list((repo / "submissions").rglob("301-*.yaml"))


def test_hubei_damaged_deleted_header_text_in_a_number_and_an_unknown_department(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "hubei", "2025-06")
    book = hubei_book(tmp_path / "坏.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["项目1"]
    ws["D11"] = "五块"  # 其他资金·1-6月执行数
    wb.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    where = f"{book} 工作表「项目1」"
    assert _texts(done) == [
        (
            f"{where} D11：错误 E510 「其他资金·支出数」应填写数字或「未填报」，实际是「五块」。"
            "金额只填以万元为单位的数字（不带逗号或空格），如 12.5；以元或亿元计的金额请先换算成万元"
        )
    ]
    ws["D11"] = 5
    ws.delete_rows(8)  # the budget header row
    wb.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert [(p.cell, p.code) for p in done.problems] == [("B8", "E506")]  # the 资金总额 row, now where the header was
    assert done.problems[0].message.startswith("找不到「年初预算数」：预算表（资金）无法读取")
    book = hubei_book(tmp_path / "部门.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["项目1"]["B4"] = "示例市文旅局"
    wb.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert [(p.cell, p.code) for p in done.problems] == [("B4", "E534")]
    assert "submissions/2025-06/名单.yaml 中没有名为「示例市文旅局」的主管部门" in done.problems[0].message


# --- national: 项目支出绩效目标执行监控表 (财预〔2019〕136号), typed by an office -------------------------------------


def national_sheet(
    ws: Any, *, ticks: tuple[tuple[Any, Any, Any], ...] = (("✓", None, None), (None, "是", None), ("√", None, None), (None, None, "√"))
) -> None:
    """The national form as a central department lays it out: its own columns, 偏差原因分析 split in five under one
    header, the 完成目标可能性 ticks under another, amounts as text, one 全年预算数 differing from 年初预算数."""
    ws["A1"] = "项目支出绩效目标执行监控表"
    ws["A2"] = "（2025年1-7月）"
    ws["A3"], ws["B3"] = "项目名称", "高校学生资助"
    ws["A4"], ws["B4"], ws["H4"], ws["I4"] = "主管部门及代码", "示例教育部门（201）", "实施单位", "示例教育部门本级"
    ws["A5"] = "项目资金（万元）"
    for c, text in ((3, "年初预算数"), (4, "全年预算数"), (5, "1-7月执行数"), (6, "1-7月执行率%"), (7, "全年预计执行数")):
        ws.cell(5, c, text)
    budget = [
        ("年度资金总额：", "1,280.00", "1,230.00", "723.70", "58.84%", "1,210.00"),
        ("其中：财政拨款", "1,200.00", "1,150.00", "702.40", "61.08%", 1150),
        ("其他资金", 80, 80, 21.3, 0.2663, 60),
    ]
    for r, values in enumerate(budget, start=6):
        for c, value in enumerate(values, start=2):
            ws.cell(r, c, value)
    ws["F8"].number_format = "0.00%"
    ws["A9"], ws["B9"] = "年度总体目标", "按政策足额发放国家助学金、国家励志奖学金，保障家庭经济困难学生顺利完成学业。"
    ws["A10"] = "绩效指标"
    for c, text in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", "1-7月执行情况", "全年预计完成情况"), start=2):
        ws.cell(10, c, text)
        ws.merge_cells(start_row=10, start_column=c, end_row=11, end_column=c)
    ws["H10"] = "偏差原因分析"
    ws.merge_cells("H10:L10")
    for c, text in enumerate(("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"), start=8):
        ws.cell(11, c, text)
    ws["M10"] = "完成目标可能性"
    ws.merge_cells("M10:O10")
    for c, text in enumerate(("确定能", "有可能", "完全不可能"), start=13):
        ws.cell(11, c, text)
    ws["P10"] = "备注"
    indicators = [
        ("产出指标", "数量指标", "资助学生人数", "≥5000人", "3100人", "5200人", (None,) * 5, None),
        (
            None,
            "时效指标",
            "资助资金按时发放率",
            "100%",
            "92%",
            "95%",
            ("其他资金到位晚于计划。", "审核流程调整。", None, None, "银行卡信息有误。"),
            "九月前完成核对。",
        ),
        ("效益指标", "社会效益指标", "困难学生因经济原因辍学人数", "0人", "0人", "0人", (None,) * 5, None),
        (
            "满意度指标",
            "服务对象满意度指标",
            "受助学生满意度",
            "≥90%",
            "未填报",
            "88%",
            (None, None, None, None, "问卷尚未回收完毕。"),
            "增加政策宣讲。",
        ),
    ]
    for r, (l1, l2, name, target, result, expected, reasons, remark) in enumerate(indicators, start=12):
        for c, value in ((2, l1), (3, l2), (4, name), (5, target), (6, result), (7, expected), (16, remark)):
            if value is not None:
                ws.cell(r, c, value)
        for c, value in enumerate(reasons, start=8):
            if value is not None:
                ws.cell(r, c, value)
        for c, value in enumerate(ticks[r - 12], start=13):
            if value is not None:
                ws.cell(r, c, value)
    ws.merge_cells("B12:B13")
    ws["D16"] = "……"
    ws["A18"] = "1．偏差原因分析：针对与预期目标产生偏差的指标，分别从经费保障、制度保障、人员保障、硬件条件保障等方面分析原因。"


def national_book(path: Path, **kwargs: Any) -> Path:
    book = openpyxl.Workbook()
    national_sheet(book.active, **kwargs)
    book.active.title = "高校学生资助"
    book.save(path)
    return path


def test_a_hand_made_national_form_imports_with_every_value(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "national-2019", "2025-07")
    book = national_book(tmp_path / "资助.xlsx")
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert done.problems == [], _texts(done)
    [written] = list((repo / "submissions").rglob("201-2025-001.yaml"))
    doc, problems = load_file(written)
    assert doc is not None and not problems
    data = doc.data
    assert data["资金"] == {
        "财政拨款": {
            "本年预算": Decimal("1200.00"),
            "调整后预算": Decimal("1150.00"),
            "支出数": Decimal("702.40"),
            "全年预计支出数": Decimal("1150.00"),
        },
        "其他资金": {"本年预算": Decimal("80.00"), "支出数": Decimal("21.30"), "全年预计支出数": Decimal("60.00")},
    }
    indicators = data["绩效指标"]
    assert [i["完成目标可能性"] for i in indicators] == ["确定能", "有可能", "确定能", "完全不可能"]
    assert indicators[1]["偏差原因分析"] == {"经费保障": "其他资金到位晚于计划。", "制度保障": "审核流程调整。", "其他": "银行卡信息有误。"}
    assert indicators[3]["偏差原因分析"] == {"其他": "问卷尚未回收完毕。"} and indicators[3]["指标完成情况"] == "未填报"
    assert [i["二级指标"] for i in indicators] == ["数量指标", "时效指标", "社会效益指标", "服务对象满意度指标"]
    assert api.check([repo / "submissions"], workspace=Workspace.at(repo), cache=False).errors == []


def test_national_stated_rates_and_ticks_that_disagree(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "national-2019", "2025-07")
    book = national_book(tmp_path / "坏.xlsx", ticks=((None, None, None), ("√", "√", None), ("大概", None, None), (None, None, "√")))
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    ws["F7"] = "70%"  # 财政拨款·执行率: 702.40 / 1150 = 61.08%
    ws["C6"] = "1,300.00"  # 资金总额·年初预算数: 1200 + 80
    wb.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert [(p.cell, p.code) for p in done.problems] == [
        ("C6", "E513"),
        ("F7", "E513"),
        ("M12", "E514"),
        ("N13", "E515"),
        ("M14", "E516"),
    ]
    assert "「资金总额·年初预算数」表上为 1,300.00，按本表填写的数计算应为 1,280.00" in done.problems[0].message
    assert "「财政拨款·执行率」表上为 70%，按本表填写的数计算应为 61.08%" in done.problems[1].message
    assert "请在「确定能」「有可能」「完全不可能」中选一格打「√」" in done.problems[2].message


def test_national_split_merge_and_renamed_sheet_of_docgen_own_workbook_import(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(PROFILES / "national-2019", repo)
    ws_ = Workspace.at(repo)
    sub = next(p for p in api.check([ws_.submissions], workspace=ws_, cache=False).projects if p.code == "201-2025-001")
    book = docgen_workbook(sub, tmp_path / "docgen")
    wb = openpyxl.load_workbook(book)
    sheet = wb.active
    for ref in [str(m) for m in sheet.merged_cells.ranges if m.max_row > m.min_row]:
        sheet.unmerge_cells(ref)  # every vertical merge split: the 一级指标/二级指标 spans, the block labels
    sheet.title = "改过名的工作表"
    wb.save(book)
    done = api.import_workbooks([book], workspace=ws_)
    assert done.problems == [], _texts(done)
    assert [p.status for p in done.planned] == ["same"]


# --- LibreOffice: docgen's own workbooks re-saved with edits, and .xls ---------------------------------------------


@needs_soffice
@pytest.mark.parametrize(
    ("profile", "code", "cell", "value", "change"),
    [
        ("hubei", "301-2025-001", "F11", "１００", "资金·当年一般公共预算拨款·支出数 87.57 → 100.00"),
        ("national-2019", "201-2025-001", "G8", "800", "资金·财政拨款·支出数 702.40 → 800.00"),
        ("shuozhou-county", "101-2025-001", "I8", "500", "资金·中央财政资金·支出数 412.35 → 500.00"),
    ],
)
def test_a_profile_workbook_edited_and_resaved_by_libreoffice(
    tmp_path: Path, profile: str, code: str, cell: str, value: str, change: str
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(PROFILES / profile, repo)
    ws = Workspace.at(repo)
    sub = next(p for p in api.check([ws.submissions], workspace=ws, cache=False).projects if p.code == code)
    book = docgen_workbook(sub, tmp_path / "docgen")
    wb = openpyxl.load_workbook(book)
    sheet = wb.active
    sheet[cell] = value  # typed as text, full-width digits where a clerk's input method gives them
    wb.save(book)
    saved = soffice_convert(book, tmp_path / "saved", "xlsx")
    done = api.import_workbooks([saved], workspace=ws, force=True)
    codes = {p.code for p in done.problems}
    assert codes <= {"E513"}, _texts(done)  # the stated 资金总额 and rates no longer agree with the edited amount
    assert {p.cell for p in done.problems}, "the edit changes what the form states for 资金总额 and the rates"
    sheet_ = openpyxl.load_workbook(saved).active
    for problem in done.problems:
        sheet_[problem.cell] = None  # clearing a computed cell: docgen computes it
    sheet_.parent.save(saved)
    done = api.import_workbooks([saved], workspace=ws, force=True)
    assert done.problems == [], _texts(done)
    assert [p.changes for p in done.planned] == [[change]]


@needs_soffice
@pytest.mark.parametrize("profile", ["hubei", "national-2019"])
def test_a_profile_xls_imports_through_libreoffice(tmp_path: Path, profile: str) -> None:
    hubei = profile == "hubei"
    repo = _repo(tmp_path, profile, "2025-06" if hubei else "2025-07")
    xlsx = (hubei_book if hubei else national_book)(tmp_path / "表.xlsx")
    xls = soffice_convert(xlsx, tmp_path / "old", "xls")
    done = api.import_workbooks([xls], workspace=Workspace.at(repo))
    assert done.problems == [], _texts(done)
    [written] = list((repo / "submissions").rglob("*-2025-001.yaml"))
    doc, _ = load_file(written)
    assert doc is not None
    assert doc.data["资金"]["其他资金"]["支出数"] == (Decimal("5.00") if hubei else Decimal("21.30"))
