"""Hostile and odd-but-valid inputs: every run ends within a time and memory bound, with a located code and its exit code.

docgen runs as a subprocess with a timeout and an address-space limit (RLIMIT_AS), so an input that once exhausted
memory or never ended fails the test instead of the machine. Each case names the finding code it must produce.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from docgen.form import limits
from docgen.names import NAME_BYTES, safe
from docgen.tooling import fmt
from tests.conftest import ROOT, build_file_tree

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate

DOCGEN = Path(sys.executable).with_name("docgen")
TIME_LIMIT = 300.0  # seconds: a guard against a hang, not a speed target (those live in benchmarks/)
MEMORY_LIMIT = 1 << 30  # bytes of address space
PROJECT = "submissions/2025-06/101-教育局/101-2025-001.yaml"
ROSTER = "submissions/2025-06/名单.yaml"


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float

    def codes(self) -> list[str]:
        return re.findall(r"(?:错误|警告|提示) ([EWF]\d{3})", self.out + self.err)


def _bounded(fsize: int | None = None) -> Callable[[], None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if fsize is not None:  # a "full disk" that root cannot write past either: writes fail with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return limit


def docgen(cwd: Path, *args: str, fsize: int | None = None) -> Run:
    start = time.monotonic()
    done = subprocess.run(
        [str(DOCGEN), *args], cwd=cwd, capture_output=True, text=True, timeout=TIME_LIMIT, preexec_fn=_bounded(fsize), check=False
    )
    run = Run(done.returncode, done.stdout, done.stderr, time.monotonic() - start)
    assert run.seconds < TIME_LIMIT
    assert "Traceback" not in run.err and "内部错误" not in run.err, run.err[-2000:]
    return run


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the demo: its submissions and schemas (docgen's own templates come from the package)."""
    for name in ("submissions", "schema"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def demo_project() -> str:
    return (ROOT / PROJECT).read_text(encoding="utf-8")


def with_value(key: str, value: str, text: str | None = None) -> str:
    """The demo project with the first `key:` line's value replaced."""
    text = text if text is not None else demo_project()
    new, count = re.subn(rf"^{key}: .*$", lambda _: f"{key}: {value}", text, count=1, flags=re.M)
    assert count == 1
    return new


def with_target(value: str) -> str:
    """The demo project with its 项目年度绩效目标 (a block scalar) replaced."""
    new, count = re.subn(r"^项目年度绩效目标: \|\n  .*$", lambda _: f"项目年度绩效目标: {value}", demo_project(), count=1, flags=re.M)
    assert count == 1
    return new


def with_deviation(value: str) -> str:
    """The demo project with its first indicator's 偏差原因分析 replaced."""
    new, count = re.subn(r"^    偏差原因分析: .*$", lambda _: f"    偏差原因分析: {value}", demo_project(), count=1, flags=re.M)
    assert count == 1
    return new


def validate_one(tree: Path, text: str | bytes, target: str = PROJECT) -> Run:
    build_file_tree(tree, {target: text})
    return docgen(tree, "validate", target)


def _bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        prev, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


REVIEW = "\n审核意见:\n  - 审核单位: 朔州市教育局\n    日期: {date}\n    结论: 通过\n    意见: 同意\n"
INDICATOR = (
    "  - 一级指标: 产出指标\n    二级指标: 数量指标\n    三级指标: 人数\n"
    "    年度指标值: 1\n    指标完成情况: 1\n    全年指标预计完成情况: 1\n    完成目标可能性: 确定能\n"
)


def _indicators(text: str, block: str) -> str:
    head = text.split("绩效指标:\n")[0]
    return head + "绩效指标:\n" + block


# (case id, file text, the code it must produce)
CASES: list[tuple[str, Callable[[], str | bytes], str]] = [
    ("alias bomb", _bomb, "E109"),
    ("quadratic aliases", lambda: "a: &a [1, 2, 3]\n" + "".join(f"b{i}: *a\n" for i in range(20_000)), "E109"),
    ("anchor alone", lambda: with_value("预算单位", "&x 朔州市教育局本级"), "E109"),
    ("merge key", lambda: with_value("起止时间", "2025年\n<<: {a: 1}"), "E106"),
    ("over 1 MiB", lambda: demo_project() + "# " + "长" * (limits.MAX_FILE_BYTES // 3) + "\n", "E108"),
    ("deep block nesting", lambda: "a:\n" + "".join("  " * (i + 1) + f"b{i}:\n" for i in range(40)) + "  " * 41 + "x: 1\n", "E110"),
    ("deep flow nesting", lambda: "a: " + "[" * 30 + "]" * 30 + "\n", "E110"),
    ("100k-element list", lambda: "a:\n" + "- 1\n" * 100_000, "E111"),
    ("100k indicators", lambda: _indicators(demo_project(), "  - {}\n" * 100_000), "E111"),
    ("too many keys", lambda: "".join(f"k{i}: {i}\n" for i in range(limits.MAX_KEYS + 1)), "E112"),
    ("5,000-digit amount", lambda: demo_project().replace("本年预算: 860.00", "本年预算: " + "9" * 5000, 1), "E113"),
    ("5,000-digit year", lambda: with_value("年度", "9" * 5000), "E113"),
    ("huge exponent", lambda: demo_project().replace("本年预算: 860.00", "本年预算: 1.0e+400", 1), "E113"),
    ("300k-character line", lambda: with_value("起止时间", "长" * 300_000), "E114"),
    ("NUL in a name", lambda: with_value("项目名称", '"城乡\\0义务教育"'), "E214"),
    ("control character in a name", lambda: with_value("项目名称", '"城乡\\x01义务教育"'), "E214"),
    ("U+FFFE in a name", lambda: with_value("项目名称", '"城乡\\uFFFE义务教育"'), "E214"),
    ("escape in a key", lambda: demo_project() + '"备\\x07注": 1\n', "E214"),
    ("lone surrogate", lambda: with_value("项目名称", '"城乡\\uD800"'), "E102"),
    ("2025-02-30 in 审核意见", lambda: demo_project() + REVIEW.format(date='"2025-02-30"'), "E215"),
    ("9999-99-99 in 审核意见", lambda: demo_project() + REVIEW.format(date='"9999-99-99"'), "E215"),
    ("年度 2025.0", lambda: with_value("年度", "2025.0"), "E204"),
    ("name over 200 characters", lambda: with_value("项目名称", "长" * (limits.MAX_NAME_CHARS + 1)), "E213"),
    ("60,000-character 项目年度绩效目标", lambda: with_target("长" * 60_000), "E220"),
    ("偏差原因分析 past its cell", lambda: with_deviation("长" * (limits.MAX_DEVIATION_CHARS + 1)), "E220"),
    ("5,000 broken indicators", lambda: _indicators(demo_project(), "  - {a: 1, b: 2, c: 3}\n" * 5000), "E216"),
    ("tab indentation", lambda: demo_project().replace("  中央财政资金:", "\t中央财政资金:", 1), "E102"),
]


@pytest.mark.parametrize(("text", "code"), [pytest.param(t, c, id=i) for i, t, c in CASES])
def test_hostile_submission_is_refused_at_its_place(tree: Path, text: Callable[[], str | bytes], code: str) -> None:
    run = validate_one(tree, text())
    assert run.code == 1, run.err
    assert code in run.codes(), run.out + run.err
    assert re.search(rf"101-2025-001\.yaml:\d+:\d+: 错误 {code}", run.out + run.err)


@pytest.mark.parametrize(
    "date",
    [pytest.param('"2025-02-30"', id="2025-02-30"), pytest.param('"9999-99-99"', id="9999-99-99")],
)
def test_roster_with_an_impossible_deadline_is_located(tree: Path, date: str) -> None:
    text = re.sub(r"^截止日期: .*$", f"截止日期: {date}", (ROOT / ROSTER).read_text(encoding="utf-8"), flags=re.M)
    run = validate_one(tree, text, ROSTER)
    assert run.code == 1 and re.search(r"名单\.yaml:5:\d+: 错误 E215", run.out + run.err), run.out + run.err
    assert docgen(tree, "build").code == 1  # and the build, which reads the roster, says so too instead of crashing


def test_roster_and_rules_file_refuse_aliases(tree: Path) -> None:
    assert "E109" in validate_one(tree, _bomb(), ROSTER).codes()
    build_file_tree(tree, {"schema/rules.yaml": _bomb()})
    run = docgen(tree, "validate")
    assert run.code == 1 and "E109" in run.codes() and "rules.yaml:1:" in run.out + run.err


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(b"\xef\xbb\xbf" + demo_project().encode(), id="BOM"),
        pytest.param(demo_project().replace("\n", "\r\n").encode(), id="CRLF"),
        pytest.param(demo_project().replace("\n", "\r\n", 20).encode(), id="mixed line endings"),
        pytest.param(demo_project().replace("起止时间: 2025年1月", "起止时间: 2025年\t1月"), id="tab inside a value"),
        pytest.param(_indicators(demo_project(), INDICATOR * 3000), id="3,000 indicators"),
        pytest.param(with_value("项目名称", "长" * limits.MAX_NAME_CHARS), id="200-character name"),
        pytest.param(with_target("长" * limits.MAX_TARGET_CHARS), id="项目年度绩效目标 at its cell's bound"),
        pytest.param(with_deviation("长" * limits.MAX_DEVIATION_CHARS), id="偏差原因分析 at its cell's bound"),
    ],
)
def test_odd_but_valid_submission_passes_within_bounds(tree: Path, text: str | bytes) -> None:
    run = validate_one(tree, text)
    assert run.code == 0, run.out + run.err


def test_many_files(tmp_path: Path) -> None:
    generate(tmp_path, 600)
    run = docgen(tmp_path, "validate")
    assert run.code == 0 and re.search(r"6\d\d 个文件：0 个错误", run.err), run.err  # 600 projects, department files, the roster


def test_a_roster_over_its_bound_is_refused_at_its_place(tree: Path) -> None:
    """A roster is allowed a province's size (limits.MAX_ROSTER_BYTES, ~14 MiB for 100,000 projects) and no more."""
    text = (ROOT / ROSTER).read_text(encoding="utf-8")
    over = text + "# " + "长" * ((limits.MAX_ROSTER_BYTES - len(text.encode())) // 3 + 1) + "\n"
    run = validate_one(tree, over, ROSTER)
    assert run.code == 1 and "E108" in run.codes(), run.out + run.err
    assert re.search(r"名单\.yaml:1:1: 错误 E108", run.out + run.err)


def test_a_generated_province_spreads_its_projects_over_departments() -> None:
    """benchmarks/generate.py at 100,000 projects: 100 departments of 1,000, each list within limits.MAX_ITEMS; the
    trees up to 10,000 keep their ten departments (the numbers measured on them stay comparable)."""
    from generate import DEPARTMENTS, departments

    assert departments(10_000) == departments(40) == DEPARTMENTS
    province = departments(100_000)
    assert len(province) == 100 and len({code for code, _ in province}) == len({name for _, name in province}) == 100
    assert -(-100_000 // len(province)) <= limits.MAX_ITEMS


# --- docgen fmt ------------------------------------------------------------------------------


def test_fmt_refuses_an_alias_bomb_untouched(tree: Path) -> None:
    build_file_tree(tree, {PROJECT: _bomb()})
    run = docgen(tree, "fmt", PROJECT)
    assert run.code == 1 and "E109" in run.codes()
    assert (tree / PROJECT).read_text(encoding="utf-8") == _bomb()


def test_fmt_refuses_a_roster_too_large_to_round_trip(tree: Path) -> None:
    text = (ROOT / ROSTER).read_text(encoding="utf-8") + "# " + "长" * (limits.MAX_FMT_BYTES // 3) + "\n"
    build_file_tree(tree, {ROSTER: text})
    run = docgen(tree, "fmt", ROSTER)
    assert run.code == 1 and "F103" in run.codes()


def test_fmt_orders_thousands_of_indicators_in_linear_time(tree: Path) -> None:
    unordered = "  - 完成目标可能性: 确定能\n" + "".join(INDICATOR.splitlines(keepends=True)[i].replace("  - ", "    ") for i in range(6))
    build_file_tree(tree, {PROJECT: _indicators(demo_project(), unordered * 2000)})
    run = docgen(tree, "fmt", PROJECT)
    assert run.code == 0, run.err
    assert "已格式化" in run.out
    assert docgen(tree, "validate", PROJECT).code == 0


def test_fmt_orders_every_unordered_mapping_in_one_compose_per_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linear, not quadratic: 2,000 unordered indicators are put in order in as many YAML composes as there are
    levels of nesting, not one per mapping (per mapping took minutes). Counted, not timed: benchmarks/tooling.py
    prints the time."""
    unordered = "  - 完成目标可能性: 确定能\n" + "".join(INDICATOR.splitlines(keepends=True)[i].replace("  - ", "    ") for i in range(6))
    text = _indicators(demo_project(), unordered * 2000)
    composes = []
    real = fmt.yaml.compose

    def counting(*args: object, **kwargs: object) -> object:
        composes.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fmt.yaml, "compose", counting)
    formatted = fmt.format_text(Path(PROJECT), text)
    assert formatted.changed and not formatted.refused
    assert formatted.after is not None and formatted.after.count("完成目标可能性: 确定能") == 2000
    assert len(composes) <= 3  # the indicators' level, then the check that nothing is left unordered


# --- docgen build: names and outputs ----------------------------------------------------------


def test_long_name_builds_with_a_bounded_file_name(tree: Path) -> None:
    build_file_tree(tree, {PROJECT: with_value("项目名称", "城乡义务教育" * 33)})
    run = docgen(tree, "build")
    assert run.code == 0, run.err
    names = [p.name for p in (tree / "build").rglob("*")]
    assert all(len(name.encode()) <= 255 for name in names)
    assert sum("101-2025-001-城乡义务教育" in name and "~" in name for name in names) == 2  # 附件1 and 附件2


def test_codes_that_sanitise_alike_never_share_an_output(tree: Path) -> None:
    second = "submissions/2025-06/101-教育局/101-2025-009.yaml"
    build_file_tree(
        tree,
        {
            # codes hold only A-Z a-z 0-9 - _ . (E218); these two still clean to the same 「101-2025_001」
            PROJECT: with_value("项目代码", '"101-2025_001."'),
            second: with_value("项目代码", '"_101-2025_001"'),
        },
    )
    (tree / ROSTER).unlink()  # without a roster (W304): a code the roster does not list would be kept off build/
    run = docgen(tree, "build")
    assert run.code == 0, run.err
    docx = sorted(p.name for p in (tree / "build").rglob("附件1-101-2025_001~*.docx"))
    assert len(docx) == 2 and docx[0] != docx[1]


def test_a_project_named_like_the_department_report_stops_the_build(tree: Path) -> None:
    text = with_value("项目名称", "朔州市教育局-部门整体", with_value("项目代码", '"101"'))
    build_file_tree(tree, {PROJECT: text})
    (tree / ROSTER).unlink()  # without a roster (W304): a code the roster does not list would be kept off build/
    run = docgen(tree, "build")
    assert run.code == 1 and "同名的文件" in run.err, run.err


def test_safe_names_are_bounded_and_distinct() -> None:
    names = ["a/b", "a:b", "a_b", "a~b", "长" * 100, "长" * 100 + "x", "朔州市教育局", "", "..", "a\x00b"]
    shown = [safe(n) for n in names]
    assert len(set(shown)) == len(shown)
    assert all(len(s.encode()) <= NAME_BYTES for s in shown)
    assert safe("朔州市教育局") == "朔州市教育局"  # clean short names unchanged: the golden outputs keep their names


def test_control_characters_never_reach_a_docx(tree: Path) -> None:
    build_file_tree(tree, {PROJECT: with_value("预算单位", '"朔州市\\x0b教育局\\uffff"')})
    run = docgen(tree, "build")
    assert run.code == 1 and "E214" in run.codes()
    assert not (tree / "build").exists()


@pytest.mark.parametrize("odd", [b"\xff", b"\n", b"\x1b[2J"], ids=["not UTF-8", "newline", "ESC"])
def test_a_folder_name_that_cannot_be_written_is_refused_at_its_files(tree: Path, odd: bytes) -> None:
    """A folder (or file) name holding a byte that is not UTF-8 crashed the build (its walk, its cache keys,
    summary.json, the site's pages encode it); a newline or ESC in it forged a line or a terminal escape where a
    finding names the file. Each file under it is refused (E116), the build stops, the site shows the refusal."""
    folder = tree / "submissions/2025-06/101-教育局"
    renamed = Path(os.fsdecode(os.fsencode(folder) + odd))
    folder.rename(renamed)
    for _ in range(2):  # the second build asks for the replay first: its walk names the folder too
        run = docgen(tree, "build")
        assert run.code == 1 and "E116" in run.codes(), run.err
        assert len(re.findall(r"错误 E116", run.err)) == 2 * len(list(renamed.glob("*.yaml")))  # listed, then again
        assert not (tree / "build" / "summary.json").exists()
    site = docgen(tree, "site")
    assert site.code == 0 and (tree / "site" / "index.html").is_file(), site.err


# --- read-only or full output disk -------------------------------------------------------------


def test_build_where_build_is_a_file(tree: Path) -> None:
    (tree / "build").write_text("not a folder", encoding="utf-8")
    run = docgen(tree, "build")
    assert run.code == 3 and "无法写入" in run.err, run.err


def test_build_on_a_full_disk(tree: Path) -> None:
    run = docgen(tree, "build", fsize=16 << 10)
    assert run.code == 3 and "文件超过了系统允许的大小" in run.err, run.err


def test_site_on_a_full_disk_says_so_without_the_mkdocs_traceback(tree: Path) -> None:
    run = docgen(tree, "site", fsize=300 << 10)  # the sources fit, MkDocs' theme assets do not
    assert run.code == 3 and "无法写入" in run.err and "Traceback" not in run.err, run.err


# --- killing a build ---------------------------------------------------------------------------


def _alive_in_group(pgid: int) -> list[str]:
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":  # a zombie has ended; only its parent's reaping is missing
            alive.append(f"{entry.name} {state}")
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG are Linux's")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "SIGINT", "SIGKILL"])
def test_killing_a_build_leaves_no_worker(tmp_path: Path, sig: signal.Signals) -> None:
    generate(tmp_path, 300)
    process = subprocess.Popen(
        [str(DOCGEN), "build", "--jobs", "2"], cwd=tmp_path, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_bounded()
    )
    assert process.stderr is not None
    seen = b""
    deadline = time.monotonic() + TIME_LIMIT
    while "生成附件".encode() not in seen and time.monotonic() < deadline:  # the workers are running
        seen += os.read(process.stderr.fileno(), 4096)
    assert len(_alive_in_group(process.pid)) > 1, "no worker was started: the test would prove nothing"
    os.kill(process.pid, sig)  # the parent only, as `kill PID` or a CI timeout does
    process.wait(timeout=TIME_LIMIT)
    process.stderr.close()
    deadline = time.monotonic() + 5
    while _alive_in_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = _alive_in_group(process.pid)
    for pid in survivors:  # never leave them behind, even when the test fails
        os.kill(int(pid.split()[0]), signal.SIGKILL)
    assert not survivors
    assert process.returncode == (-sig if sig == signal.SIGKILL else 128 + sig)


def _workbook_zip(path: Path, parts: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_hostile_workbooks_end_within_bounds_with_their_code(tree: Path, tmp_path: Path) -> None:
    """docgen import on a zip bomb, an entity bomb and a sheet past the row bound: each refused with its code, exit 1,
    within the time and memory bounds, nothing written."""
    import openpyxl

    rows = openpyxl.Workbook()
    for row in range(1, limits.MAX_SHEET_ROWS + 10):
        rows.active.cell(row, 1, "x")
    cases = {
        "E502": _workbook_zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": b"<a>" + b" " * (200 << 20) + b"</a>"}),
        "E503": _workbook_zip(
            tmp_path / "laughs.xlsx",
            {"xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY a "a"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><workbook>&b;</workbook>'},
        ),
    }
    rows.save(tmp_path / "rows.xlsx")
    cases["E504"] = tmp_path / "rows.xlsx"
    before = sorted(p for p in (tree / "submissions").rglob("*") if p.is_file())
    for code, path in cases.items():
        run = docgen(tree, "import", str(path))
        assert run.code == 1 and run.codes() == [code], (code, run.err)
    assert sorted(p for p in (tree / "submissions").rglob("*") if p.is_file()) == before
