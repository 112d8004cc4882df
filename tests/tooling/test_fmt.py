"""`docgen fmt`: canonical form that never loses a value or a comment, idempotent, `--check` for CI."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import api
from docgen.check.load import load_text
from docgen.cli import cli
from docgen.tooling import fmt

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "fmt_cases"
DEMO = sorted(p for p in (ROOT / "submissions").rglob("*") if p.suffix in (".yaml", ".yml"))


def data_of(path: Path, text: str) -> object:
    doc, problems = load_text(path, text.removeprefix("\ufeff"))
    assert doc is not None and not problems, problems
    return doc.data


def assert_nothing_lost(path: Path, before: str, after: str) -> None:
    assert data_of(path, after) == data_of(path, before)
    assert Counter(fmt.comments(after)) == Counter(fmt.comments(before))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_demo_file_round_trips_twice(path: Path) -> None:
    before = path.read_text(encoding="utf-8")
    first = fmt.format_text(path, before)
    assert first.after is not None, first.findings
    assert_nothing_lost(path, before, first.after)
    second = fmt.format_text(path, first.after)
    assert second.after == first.after, "fmt is not idempotent"
    assert fmt.comments(first.after)[0].startswith("# yaml-language-server: $schema="), "the modeline stays first"


def test_file_full_of_comments_matches_golden_and_keeps_everything() -> None:
    source = CASES / "comments.yaml"
    before = source.read_text(encoding="utf-8")
    result = fmt.format_text(source, before)
    assert result.after == (CASES / "comments.expected.yaml").read_text(encoding="utf-8")
    assert_nothing_lost(source, before, result.after)
    assert len(fmt.comments(before)) == 17
    assert "# 不是注释" not in fmt.comments(before)[-1] and "# 这是正文，不是注释" not in fmt.comments(before)
    again = fmt.format_text(source, result.after)
    assert again.after == result.after and not again.changed


def test_canonical_form_key_order_comes_from_the_schema() -> None:
    """Keys follow schema.py's property order (generated from forms.py), not a list kept here."""
    from docgen.check.ruleset import schema_for
    from docgen.form import vocabulary as F

    after = (CASES / "comments.expected.yaml").read_text(encoding="utf-8")
    top = [line.split(":")[0] for line in after.splitlines() if line and not line.startswith((" ", "#"))]
    order = list(schema_for("project")["properties"])
    assert top == [*sorted(top[:-1], key=order.index), "自定义项"], "unknown keys go last"
    amounts = [
        line.split(":")[0].strip()
        for line in after.splitlines()
        if line.startswith("    ") and line.strip().split(":")[0] in F.AMOUNT_FIELDS.values()
    ]
    assert amounts[:5] == list(F.AMOUNT_FIELDS.values())


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("0", "0"),
        ("860.00", "860.00"),
        ("35.5", "35.5"),
        ("12.500", "12.50"),
        ("1_000", "1000"),
        ("+5", "5"),
        (".5", "0.5"),
        ("1.0e+3", "1000"),
        ("12.345", "12.345"),
        ("12.3450", "12.345"),
        ("0.000", "0.00"),
        ("7.", "7"),
    ],
)
def test_money_keeps_its_value_with_at_most_two_decimals(typed: str, canonical: str) -> None:
    text = f"年度: 2025\n资金:\n  中央财政资金:\n    上年结转: {typed}\n"
    after = fmt.format_text(Path("x.yaml"), text).after
    assert after is not None and after.splitlines()[-1] == f"    上年结转: {canonical}"
    value = data_of(Path("x.yaml"), after)["资金"]["中央财政资金"]["上年结转"]  # type: ignore[index]
    assert Decimal(value) == Decimal(typed.replace("_", ""))


def test_non_numbers_in_amount_columns_are_left_for_validate() -> None:
    text = '资金:\n  中央财政资金:\n    上年结转: "12.5"\n    本年预算: 12万元\n    下达数: 1e3\n'
    after = fmt.format_text(Path("x.yaml"), text).after
    assert after == text


def test_flow_rows_become_one_amount_per_line_with_their_comments() -> None:
    text = "资金:\n  中央财政资金: {本年预算: 1, 上年结转: 0}  # 行尾\n  # 下一行之前\n  市级财政资金: {上年结转: 2}\n"
    after = fmt.format_text(Path("x.yaml"), text).after
    assert after == ("资金:\n  中央财政资金:  # 行尾\n    上年结转: 0\n    本年预算: 1\n  # 下一行之前\n  市级财政资金:\n    上年结转: 2\n")


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff截至月份: 6\r\n# 注释\r\n年度: 2025\r\n"
    after = fmt.format_text(Path("x.yaml"), text).after
    assert after == "\ufeff# 注释\r\n年度: 2025\r\n截至月份: 6\r\n", "the comment above 年度 moves with it"


def test_a_comment_fmt_cannot_keep_makes_it_refuse() -> None:
    text = "资金:\n  中央财政资金: {上年结转: 0,  # 括号里的注释\n    本年预算: 1}\n"
    result = fmt.format_text(Path("x.yaml"), text)
    assert result.refused
    (finding,) = result.findings
    assert (finding.code, finding.line, finding.column) == ("F102", 2, 22)
    assert "括号里的注释" in finding.message


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_lists_files_and_exits_1_without_touching_them(tree: Path) -> None:
    messy = tree / "submissions/2025-06/101-教育局/101-2025-001.yaml"
    messy.write_text(messy.read_text(encoding="utf-8").replace("年度: 2025\n截至月份: 6\n", "截至月份: 6\n年度: 2025\n"), encoding="utf-8")
    stamps = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tree.rglob("*.yaml")}
    code, out, err = run("fmt", "--check")
    assert code == 1
    assert "需要格式化：submissions/2025-06/101-教育局/101-2025-001.yaml" in out.splitlines()
    assert "运行 docgen fmt 整理" in err
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tree.rglob("*.yaml")} == stamps

    os.chmod(messy, 0o640)
    code, out, _ = run("fmt")
    assert code == 0 and "已格式化：submissions/2025-06/101-教育局/101-2025-001.yaml" in out
    assert messy.read_text(encoding="utf-8").count("\n年度: 2025\n截至月份: 6\n") == 1
    assert (messy.stat().st_mode & 0o777) == 0o640, "an atomic rewrite keeps the file's permissions"
    assert run("fmt", "--check") == (0, "", "0 个文件已格式化，3 个文件无需改动\n".replace("3", str(len(stamps))))
    assert not list(tree.rglob(".*.tmp"))


def test_unparseable_file_is_refused_untouched_with_its_line(tree: Path) -> None:
    bad = tree / "submissions/2025-06/101-教育局/101-2025-009.yaml"
    bad.write_bytes("年度: 2025\n资金:\n  中央财政资金: {上年结转: 0\n截至月份: 6\n".encode())
    before = bad.read_bytes()
    code, _, err = run("fmt", str(bad.relative_to(tree)))
    assert code == 1
    assert err.startswith("submissions/2025-06/101-教育局/101-2025-009.yaml:4:")
    assert "错误 E102" in err and "未格式化 submissions/2025-06/101-教育局/101-2025-009.yaml：请先改正上面的错误（文件未改动）" in err
    assert bad.read_bytes() == before


def test_duplicate_keys_are_refused(tree: Path) -> None:
    bad = tree / "dup.yaml"
    bad.write_text("年度: 2025\n年度: 2026\n", encoding="utf-8")
    code, _, err = run("fmt", "dup.yaml")
    assert code == 1 and "dup.yaml:2:1: 错误 E103" in err and bad.read_text(encoding="utf-8") == "年度: 2025\n年度: 2026\n"


def test_diff_shows_the_change_and_writes_nothing(tree: Path) -> None:
    roster = tree / "submissions/2025-06/名单.yaml"
    text = roster.read_text(encoding="utf-8")
    block = "    预算单位:\n      - 朔州市教育局本级\n      - 朔州市第一中学\n"
    assert block in text
    roster.write_text(text.replace(block, "    预算单位: [朔州市教育局本级]\n"), encoding="utf-8")
    before = roster.read_bytes()
    code, out, _ = run("fmt", "--diff", "submissions/2025-06/名单.yaml")
    assert code == 0 and roster.read_bytes() == before
    assert "-    预算单位: [朔州市教育局本级]\n+    预算单位:\n+      - 朔州市教育局本级\n" in out


def test_scaffolds_are_already_canonical(tree: Path) -> None:
    for kind, extra in (("project", ["--code", "199-2025-001", "--name", "测试项目", "--unit", "朔州市测试局本级"]), ("department", [])):
        code, _, _ = run("new", kind, "--period", "2025-06", "--department-code", "199", "--department", "朔州市测试局", *extra)
        assert code == 0
    made = [tree / "submissions/2025-06/199-朔州市测试局/199-2025-001.yaml", tree / "submissions/2025-06/199-朔州市测试局/部门整体.yaml"]
    assert run("fmt", "--check", *(str(p.relative_to(tree)) for p in made))[0] == 0


def test_api_fmt_reports_per_file(tree: Path) -> None:
    results = api.fmt([Path("submissions")], write=False)
    assert {r.path.as_posix() for r in results} == {p.relative_to(tree).as_posix() for p in tree.rglob("*.yaml")}
    assert not any(r.refused for r in results)


def _shuffled_document(draw: object) -> str:
    """A project file with its keys, rows, amounts and indicator fields in random order and comments everywhere."""
    from hypothesis import strategies as st

    from docgen.form import vocabulary as F

    d = draw  # type: ignore[assignment]
    note = st.text(alphabet="注释说明abc 0123", min_size=1, max_size=8).map(lambda s: "# " + s.strip())
    lines: list[str] = []

    def comment_line(indent: int) -> None:
        if d(st.booleans()):
            lines.append(" " * indent + d(note))

    def eol() -> str:
        return ("  " + d(note)) if d(st.booleans()) else ""

    blocks: list[list[str]] = []
    for key, value in (
        ("年度", "2025"),
        ("截至月份", "6"),
        ("项目名称", "测试"),
        ("项目代码", '"101-2025-001"'),
        ("主管部门代码", '"101"'),
    ):
        blocks.append([f"{key}: {value}"])
    rows = d(st.permutations(F.PROJECT_FUND_ROWS[:3]))
    fund = ["资金:"]
    for row in rows:
        amounts = d(st.permutations(list(F.AMOUNT_FIELDS.values())))
        values = [d(st.sampled_from(["0", "1.50", "12.500", "+3", "1_000", ".5"])) for _ in amounts]
        if d(st.booleans()):
            fund.append(f"  {row}: {{" + ", ".join(f"{a}: {v}" for a, v in zip(amounts, values, strict=True)) + "}" + eol())
        else:
            fund.append(f"  {row}:" + eol())
            for a, v in zip(amounts, values, strict=True):
                fund.append(f"    {a}: {v}" + eol())
    blocks.append(fund)
    indicator_keys = d(
        st.permutations(["一级指标", "二级指标", "三级指标", "年度指标值", "指标完成情况", "全年指标预计完成情况", "完成目标可能性"])
    )
    items = ["绩效指标:"]
    for n in range(d(st.integers(1, 2))):
        for i, key in enumerate(indicator_keys):
            items.append(("  - " if i == 0 else "    ") + f"{key}: 值{n}{i}" + eol())
    blocks.append(items)
    for block in d(st.permutations(blocks)):
        for line in block:
            comment_line(len(line) - len(line.lstrip()))
            lines.append(line if (":" in line and line.rstrip().endswith((":", "}"))) or "#" in line else line + eol())
    return "# yaml-language-server: $schema=../../../schema/project.schema.json\n" + "\n".join(lines) + "\n"


def test_random_orders_and_comments_lose_nothing() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data: st.DataObject) -> None:
        text = _shuffled_document(data.draw)
        path = Path("submissions/2025-06/101-x/101-2025-001.yaml")
        result = fmt.format_text(path, text)
        assert result.after is not None, (result.findings, text)
        assert_nothing_lost(path, text, result.after)
        assert fmt.format_text(path, result.after).after == result.after, text

    check()


def test_a_large_tree_is_formatted_in_parallel_with_the_same_result(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = api.fmt([Path("submissions")], write=False)
    monkeypatch.setattr(api, "PARALLEL_FROM", 2)
    parallel = api.fmt([Path("submissions")], write=False)
    assert [(r.path, r.after) for r in parallel] == [(r.path, r.after) for r in serial]


def test_the_sign_off_keys_take_their_place_after_the_report(tmp_path: Path) -> None:
    """附件1's 落款 fields (成文日期, 单位负责人, 填报人, 联系电话) typed first move after 分析报告, in the form's order."""
    demo = ROOT / "submissions/2025-06/104-交通运输局/104-2025-002.yaml"
    text = "联系电话: 0349-1234567\n填报人: 李明\n成文日期: 2025-07-10\n" + demo.read_text(encoding="utf-8")
    path = tmp_path / "104-2025-002.yaml"
    result = fmt.format_text(path, text)
    assert result.after is not None, result.findings
    formatted = result.after
    top = [line.split(":")[0] for line in formatted.splitlines() if line and not line.startswith((" ", "#"))]
    assert top.index("分析报告") < top.index("成文日期") < top.index("填报人") < top.index("联系电话")
    assert top[0] == "年度"
    assert_nothing_lost(path, text, formatted)


def test_the_new_money_keys_of_a_row_follow_the_form() -> None:
    """调整后预算, 已审批待支付 and 明细 (issue 14) come after the five amounts, in the form's order; a 明细 item's keys too;
    an amount below 0.01 万元 keeps its places."""
    text = (
        "资金:\n  市级财政资金:\n    明细:\n      - 用途: 买书\n        金额: 0.008\n        名称: 教材\n"
        "    已审批待支付: 20\n    支出数: 10\n    调整后预算: 80\n    上年结转: 0\n"
    )
    after = fmt.format_text(Path("x.yaml"), text).after
    assert after == (
        "资金:\n  市级财政资金:\n    上年结转: 0\n    支出数: 10\n    调整后预算: 80\n    已审批待支付: 20\n"
        "    明细:\n      - 名称: 教材\n        金额: 0.008\n        用途: 买书\n"
    )


def test_every_profile_demo_is_in_its_forms_canonical_order() -> None:
    """`docgen fmt` orders keys as the repository's form: Hubei's check-box groups between the identity rows and the
    budget table, national's 全年预算数 (调整后预算) right after 年初预算数, as the paper forms print them; the
    shipped demos, written in that order, need no formatting (else a hook on a Hubei repository fails at once)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    for demo in sorted((root / "examples" / "profiles").iterdir()):
        if (demo / "docgen.yaml").exists():
            done = subprocess.run([sys.executable, "-m", "docgen", "fmt", "--check"], cwd=demo, capture_output=True, text=True)
            assert done.returncode == 0, (demo.name, done.stdout + done.stderr)
