"""Money as clerks write it (issue 14): 「80元」 is told its conversion, never to drop the unit; amounts below
0.01 万元 are kept; 明细 must add up to their row (E314); a 部门整体's 监控项目数 is checked against the roster
(W311) and the submitted projects (W312); the previous period is read from submissions/ but never through a link."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from docgen import api
from docgen.check.findings import Finding
from docgen.form import numbers as N
from docgen.form import schema
from docgen.form import vocabulary as F
from docgen.form.model import Amounts
from tests.conftest import ROOT

PERIOD = "submissions/2025-06"
DEPT = f"{PERIOD}/101-教育局"
PROJECT = f"{DEPT}/101-2025-001.yaml"
DEPARTMENT = f"{DEPT}/部门整体.yaml"
ROW = """    上年结转: 35.5
    本年预算: 240.00
    下达数: 120.00
    支出数: 98.2
    全年预计支出数: 275.5
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo's 教育局 (three projects, 部门整体) and the period's roster, in a project of its own."""
    (tmp_path / DEPT).mkdir(parents=True)
    shutil.copy(ROOT / PERIOD / F.ROSTER_FILE, tmp_path / PERIOD / F.ROSTER_FILE)
    for name in os.listdir(ROOT / DEPT):
        shutil.copy(ROOT / DEPT / name, tmp_path / DEPT / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check(*paths: str) -> list[Finding]:
    return api.check([Path(p) for p in paths or (PROJECT,)], cache=False).findings


def _line_of(repo: Path, path: str, text: str) -> int:
    return next(n for n, line in enumerate((repo / path).read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("80元", "80元 = 0.008万元，请填写 0.008"),
        ("3200000元", "3200000元 = 320万元，请填写 320"),
        ("3,200,000 元", "3200000元 = 320万元，请填写 320"),
        ("1.5亿元", "1.5亿元 = 15000万元，请填写 15000"),
        ("98.2万元", "请只填数字 98.2"),
        ("12,5万元", "以元或亿元计的金额请先换算成万元"),  # a decimal comma is not a thousands separator: no guess
    ],
)
def test_an_amount_typed_with_its_unit_is_told_the_conversion(repo: Path, typed: str, says: str) -> None:
    _edit(repo, PROJECT, "    支出数: 98.2\n", f"    支出数: {typed}\n")
    (finding,) = [f for f in _check() if f.is_error]
    assert (finding.code, finding.line, finding.column) == ("E204", _line_of(repo, PROJECT, typed), 10)
    assert says in finding.message and "市级财政资金·支出数" in finding.message
    assert "不带单位" not in finding.message  # the old advice, which turned 80 元 into 80 万元


@pytest.mark.parametrize(("typed", "plain"), [("12,345.6", "12345.6"), ("１２，３４５.６", "12345.6"), ("1,234,567", "1234567")])
def test_an_amount_with_thousands_separators_is_refused_with_the_plain_number(repo: Path, typed: str, plain: str) -> None:
    """Copied from Excel: refused (a comma is a decimal separator elsewhere: never read as a guess), told what to write."""
    _edit(repo, PROJECT, "    支出数: 98.2\n", f"    支出数: {typed}\n")
    (finding,) = [f for f in _check() if f.is_error]
    assert (finding.code, finding.line, finding.column) == ("E204", _line_of(repo, PROJECT, typed), 10)
    assert f"「{typed}」" in finding.message and "千位分隔符" in finding.message and f"请写成 {plain}（" in finding.message


@pytest.mark.parametrize(("typed", "plain"), [("12,345.6", "12345.6"), ("1,234,567.89", "1234567.89"), ("12,000", "12000")])
def test_an_amount_with_thousands_separators_in_flow_style_is_one_message_at_the_amount(repo: Path, typed: str, plain: str) -> None:
    """In `{…}` YAML cuts 「12,345.6」 at the comma (支出数: 12, and a key 「345.6」): one message, at the amount, saying
    what was typed, never 「不认识的项「345.6」」."""
    flow = f"  市级财政资金: {{上年结转: 35.5, 本年预算: 240.00, 下达数: 120.00, 支出数: {typed}, 全年预计支出数: 275.5}}\n"
    _edit(repo, PROJECT, "  市级财政资金:\n" + ROW, flow)
    (finding,) = [f for f in _check() if f.is_error]
    assert (finding.code, finding.line, finding.column) == ("E204", _line_of(repo, PROJECT, typed), flow.index(typed) + 1)
    assert "市级财政资金·支出数" in finding.message and f"「{typed}」" in finding.message
    assert "千位分隔符" in finding.message and f"请写成 {plain}（" in finding.message


@pytest.mark.parametrize("typed", ["1,000,000", "7,250,250"])
def test_a_grouped_amount_yaml_cut_into_repeated_keys_is_never_told_a_smaller_number(repo: Path, typed: str) -> None:
    """In `{…}` 「1,000,000」 is cut into 本年预算: 1 and the key 「000」 twice, and YAML keeps one (E103): what is left,
    「1,000」, is not what was typed, so no 「请写成 1000」 (a thousandth of the amount) and no value said to be all of it."""
    flow = f"  市级财政资金: {{上年结转: 35.5, 本年预算: 240.00, 下达数: 120.00, 支出数: {typed}, 全年预计支出数: 275.5}}\n"
    _edit(repo, PROJECT, "  市级财政资金:\n" + ROW, flow)
    errors = [f for f in _check() if f.is_error]
    (said,) = [f for f in errors if f.code == "E204"]
    assert (said.line, said.column) == (_line_of(repo, PROJECT, typed), flow.index(typed) + 1)
    assert "千位分隔符" in said.message and "请写成" not in said.message and "…」" in said.message
    assert {f.code for f in errors} == {"E103", "E204"}


@pytest.mark.parametrize("typed", ["0,012", "012,345"])
def test_a_first_group_with_a_leading_zero_is_no_thousands_separator(repo: Path, typed: str) -> None:
    """「0,012」 is 0.012 with a decimal comma: never told 「请写成 0012」 (1,000 times the amount)."""
    _edit(repo, PROJECT, "    支出数: 98.2\n", f"    支出数: {typed}\n")
    (finding,) = [f for f in _check() if f.is_error]
    assert finding.code == "E204" and f"「{typed}」" in finding.message and "千位分隔符" not in finding.message


def test_a_comma_that_is_not_a_thousands_separator_in_flow_style_is_still_an_unknown_key(repo: Path) -> None:
    """「12, 345」 (a space after the comma) or 「12,3456」 are not an amount copied with separators: no guess either."""
    for typed in ("12, 345", "12,3456"):
        flow = f"  市级财政资金: {{上年结转: 35.5, 本年预算: 240.00, 下达数: 120.00, 支出数: {typed}, 全年预计支出数: 275.5}}\n"
        _edit(repo, PROJECT, "  市级财政资金:\n" + ROW, flow)
        (finding,) = [f for f in _check() if f.is_error]
        assert finding.code == "E203" and "千位分隔符" not in finding.message
        _edit(repo, PROJECT, flow, "  市级财政资金:\n" + ROW)


def test_an_amount_below_a_fen_of_wan_yuan_is_kept_and_shown_with_two_decimals(repo: Path) -> None:
    _edit(repo, PROJECT, "    支出数: 98.2\n", "    支出数: 98.208\n")
    assert not [f for f in _check() if f.is_error]
    _edit(repo, PROJECT, "    支出数: 98.208\n", "    支出数: 98.2000001\n")
    (finding,) = [f for f in _check() if f.is_error]
    assert finding.code == "E206" and "最多 6 位小数" in finding.message


def test_six_decimal_places_are_stored_exactly() -> None:
    row = Amounts.from_data({"上年结转": 0, "本年预算": 0, "下达数": 0, "支出数": Decimal("0.008"), "全年预计支出数": 0})
    assert str(row.spent) == "0.008" and N.money(row.spent) == "0.01"


# --- 明细 (E314) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amounts", "fires"),
    [((200, 75.5), False), ((200, 40), False), ((200, 75.49), True), ((0.008, 240), True)],
)
def test_line_items_add_up_to_their_row(repo: Path, amounts: tuple[float, float], fires: bool) -> None:
    """明细 of 市级财政资金 (安排 275.5 = 结转 35.5 + 预算 240): their sum is the row's 安排数 or its 本年预算."""
    items = "".join(f"      - 名称: 第{i}项\n        金额: {a}\n        用途: 用途{i}\n" for i, a in enumerate(amounts, 1))
    _edit(repo, PROJECT, ROW, ROW + "    明细:\n" + items)
    found = [f for f in _check() if f.code == "E314"]
    if fires:
        (finding,) = found
        assert (finding.line, finding.column) == (_line_of(repo, PROJECT, "明细:"), 5)
        assert "安排数 275.50 万元" in finding.message and "本年预算 240.00 万元" in finding.message
    else:
        assert found == []


def test_line_items_of_an_adjusted_row_add_up_to_the_adjusted_budget(repo: Path) -> None:
    items = "    调整后预算: 200\n    明细:\n      - 名称: 甲\n        金额: 150\n      - 名称: 乙\n        金额: 50\n"
    _edit(repo, PROJECT, ROW, ROW + items)
    assert [f.code for f in _check() if f.is_error] == []


def test_a_line_item_without_an_amount_is_a_schema_error(repo: Path) -> None:
    _edit(repo, PROJECT, ROW, ROW + "    明细:\n      - 名称: 甲\n")
    assert [f.code for f in _check() if f.is_error] == ["E201"]


# --- 监控项目数 (W311, W312) -------------------------------------------------------------------------


@pytest.mark.parametrize(("stated", "codes"), [(3, []), (4, ["W311"]), (2, ["W311", "W312"])])
def test_monitored_projects_against_the_roster_and_the_submissions(repo: Path, stated: int, codes: list[str]) -> None:
    """The roster lists 3 projects of 教育局 and 3 are submitted."""
    _edit(repo, DEPARTMENT, '主管部门代码: "101"\n', f'主管部门代码: "101"\n{F.MONITORED_PROJECTS}: {stated}\n')
    found = [f for f in _check(DEPT) if f.code in ("W311", "W312")]
    assert [f.code for f in found] == codes
    assert all(f.line == _line_of(repo, DEPARTMENT, F.MONITORED_PROJECTS) for f in found)


def test_fewer_submitted_than_stated_is_not_reported_before_they_are_in(repo: Path) -> None:
    (repo / DEPT / "101-2025-003.yaml").unlink()
    _edit(repo, DEPARTMENT, '主管部门代码: "101"\n', f'主管部门代码: "101"\n{F.MONITORED_PROJECTS}: 3\n')
    assert [f.code for f in _check(DEPT) if f.code in ("W311", "W312")] == []


# --- the previous period, from submissions/ ------------------------------------------------------------


def _earlier(repo: Path, spent: str) -> Path:
    folder = repo / "submissions/2025-03/101-教育局"
    folder.mkdir(parents=True)
    text = (repo / PROJECT).read_text(encoding="utf-8").replace("截至月份: 6", "截至月份: 3").replace("支出数: 98.2", f"支出数: {spent}")
    (folder / "101-2025-001.yaml").write_text(text, encoding="utf-8")
    return folder


def test_the_previous_period_is_read_from_submissions(repo: Path) -> None:
    _earlier(repo, "120")
    (finding,) = [f for f in _check() if f.code == "W417"]
    assert finding.line == _line_of(repo, PROJECT, "支出数: 98.2") and "submissions/2025-03/101-教育局/101-2025-001.yaml" in finding.message
    shutil.rmtree(repo / "submissions/2025-03")
    _earlier(repo, "90")
    assert [f for f in _check() if f.code in ("W417", "W418")] == []


def test_the_previous_period_is_never_read_through_a_link(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    folder = _earlier(repo, "120")
    shutil.move(str(folder.parent), outside / "2025-03")
    (repo / "submissions/2025-03").symlink_to(outside / "2025-03", target_is_directory=True)
    assert [f for f in _check() if f.code == "W417"] == []
    (repo / "submissions/2025-03").unlink()
    (repo / "submissions/2025-03/101-教育局").mkdir(parents=True)
    (repo / "submissions/2025-03/101-教育局/101-2025-001.yaml").symlink_to(outside / "2025-03/101-教育局/101-2025-001.yaml")
    assert [f for f in _check() if f.code == "W417"] == []


def test_a_decoy_in_another_folder_does_not_hide_the_previous_period(repo: Path) -> None:
    """A file of the same name with errors, in another department's folder listed first, is passed over."""
    _earlier(repo, "120")
    decoy = repo / "submissions/2025-03/100-x"
    decoy.mkdir()
    (decoy / "101-2025-001.yaml").write_text("年度: 2025\n", encoding="utf-8")
    assert [f.code for f in _check() if f.code == "W417"] == ["W417"]


# --- the schema carries the new fields, with Chinese titles -------------------------------------------------


def test_the_schemas_carry_the_new_fields_with_chinese_help() -> None:
    row = schema.project_schema()["properties"]["资金"]["properties"]["市级财政资金"]["properties"]
    for key in ("调整后预算", "已审批待支付", "明细"):
        assert row[key]["title"] == key and row[key]["description"]
        assert key not in schema.project_schema()["properties"]["资金"]["properties"]["市级财政资金"]["required"]
    item = row["明细"]["items"]
    assert item["required"] == ["名称", "金额"] and item["properties"]["用途"]["title"] == "用途"
    dept = schema.department_schema()["properties"][F.MONITORED_PROJECTS]
    assert dept["type"] == "integer" and dept["minimum"] == 0 and "名单" in dept["description"]
    assert F.MONITORED_PROJECTS not in schema.department_schema()["required"]
