"""涉密 projects never reach anything published: build/ (but the --include-confidential folder), site/, `docgen diff`.

A hostile corpus in real git repositories: names holding `"`, `&`, `<` and Markdown metacharacters, a code written
next to Chinese characters, a public narrative naming a secret, a project renamed as it becomes 涉密, a flag only in
the roster or only in the file, departments with 1, 2 and 3 涉密 projects, a public figure equal to a secret one.
For each repository: build + site + diff in child processes (as CI runs them), then every artefact is read (Office
files and zips unzipped, entities and percent-escapes decoded) and searched for every secret name, code and figure
with a grep of the test's own, not docgen's scanner.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.history.gitrepo import GitRepo
from tests.hostile.test_outputs import TODAY, docgen

PERIOD = "submissions/2025-06"

# name, code, funds (本年预算, 下达数, 支出数, 全年预计支出数) of every 涉密 project in the corpus
S1 = ('涉密"甲&乙<丙>[工程]*_1', "301-2025-001", ("1234.56", "1111.11", "617.28", "1200.01"))
S2 = ("涉密雷达站`改造`#二", "302-2025-001", ("2345.67", "2222.22", "987.65", "2300.02"))
S3 = ("涉密新名称工程", "302-2025-002", ("3456.78", "3333.33", "1357.91", "3400.03"))
S3_OLD = "旧名称道路改造"
S4 = ("涉密丁项目", "303-2025-001", ("4567.89", "4444.44", "2468.13", "4500.04"))
S5 = ("涉密戊项目", "303-2025-002", ("5678.91", "5555.55", "3579.13", "5600.05"))
S6 = ("涉密己项目", "303-2025-003", ("6789.12", "6666.66", "4680.24", "6700.06"))
SECRETS = (S1, S2, S3, S4, S5, S6)
#: a public project whose 本年预算 equals S1's: the figure is not distinctive, the build must not fail on it
SAME_FIGURE = "1234.56"


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def project(code: str, name: str, dept: str, funds: tuple[str, ...], *, secret: bool = False, text: str = "按计划实施。") -> str:
    budget, allocated, spent, expected = funds
    return f"""\
年度: 2025
截至月份: 6
项目名称: {q(name)}
项目代码: "{code}"
主管部门: 局{dept}
主管部门代码: "{dept}"
预算单位: 局{dept}本级
涉密: {"true" if secret else "false"}
资金:
  中央财政资金: {{上年结转: 0, 本年预算: {budget}, 下达数: {allocated}, 支出数: {spent}, 全年预计支出数: {expected}}}
项目年度绩效目标: {q(text)}
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 完成数量
    年度指标值: ≥10个
    指标完成情况: 6个
    全年指标预计完成情况: 10个
    完成目标可能性: 确定能
分析报告:
  监控总体结论: {q(text)}
"""


def department(dept: str, total: str) -> str:
    return f"""\
年度: 2025
截至月份: 6
主管部门: 局{dept}
主管部门代码: "{dept}"
资金按类型:
  一般公共预算资金: {{上年结转: 0, 本年预算: {total}, 下达数: {total}, 支出数: 100, 全年预计支出数: {total}}}
资金按用途:
  项目支出: {{上年结转: 0, 本年预算: {total}, 下达数: {total}, 支出数: 100, 全年预计支出数: {total}}}
年度绩效目标: 完成年度任务。
绩效指标:
  - 一级指标: 满意度指标
    二级指标: 服务对象满意度指标
    三级指标: 群众满意度
    年度指标值: ≥90%
    指标完成情况: 92%
    全年指标预计完成情况: 92%
    完成目标可能性: 确定能
"""


def roster(entries: dict[str, list[tuple[str, str, bool]]]) -> str:
    lines = ["年度: 2025", "截至月份: 6", '截止日期: "2025-07-31"', "部门:"]
    for dept, projects in entries.items():
        lines += [f"  - 主管部门: 局{dept}", f'    主管部门代码: "{dept}"', f"    预算单位: [局{dept}本级]", "    应报项目:"]
        for code, name, secret in projects:
            lines.append(f'      - {{项目代码: "{code}", 项目名称: {q(name)}, 预算单位: 局{dept}本级, 涉密: {str(secret).lower()}}}')
    return "\n".join(lines) + "\n"


PUBLIC = {
    "301": ("301-2025-002", "公开道路养护", ("500.00", "400.00", "200.00", "500.00")),
    "302": ("302-2025-003", "公开桥梁检测", ("600.00", "500.00", "300.00", "600.00")),
    "303": ("303-2025-004", "公开公交补贴", ("700.00", "600.00", "350.00", "700.00")),
    "304": ("304-2025-001", "公开同数项目", (SAME_FIGURE, "1000.00", "500.00", "1200.00")),
}
#: the public narrative of 301 names S1 (its name, and its code written against Chinese characters)
NARRATIVE = f"本项目与{S1[0]}配套，见项目{S1[1]}的方案；另见「项目{S2[1]}的」说明。"


def write_corpus(
    repo: GitRepo, *, roster_only: str | None = None, file_only: str | None = None, unreported_spent: tuple[str, ...] = ()
) -> None:
    """The corpus, committed in steps: S3 first public under its old name, then renamed as it becomes 涉密."""
    entries: dict[str, list[tuple[str, str, bool]]] = {d: [] for d in PUBLIC}
    for name, code, _ in SECRETS:
        entries[code[:3]].append((code, S3_OLD if code == S3[1] else name, code != S3[1]))
    for dept, (code, name, _) in PUBLIC.items():
        entries[dept].append((code, name, False))
    repo.write(f"{PERIOD}/名单.yaml", roster(entries))
    repo.write(f"{PERIOD}/302-局/{S3[1]}.yaml", project(S3[1], S3_OLD, "302", S3[2]))
    repo.commit("名单；道路改造先行报送")
    for name, code, funds in SECRETS:
        flag_in_file = code != roster_only
        if code in unreported_spent:
            funds = (*funds[:2], "未填报", funds[3])
        repo.write(f"{PERIOD}/{code[:3]}-局/{code}.yaml", project(code, name, code[:3], funds, secret=flag_in_file))
    for dept, (code, name, funds) in PUBLIC.items():
        text = NARRATIVE if dept == "301" else "按计划实施。"
        repo.write(f"{PERIOD}/{dept}-局/{code}.yaml", project(code, name, dept, funds, text=text))
        repo.write(f"{PERIOD}/{dept}-局/部门整体.yaml", department(dept, "9876.54"))
    if file_only is not None:
        entries[file_only[:3]] = [(c, n, s and c != file_only) for c, n, s in entries[file_only[:3]]]
    entries["302"] = [(c, S3[0] if c == S3[1] else n, True if c == S3[1] else s) for c, n, s in entries["302"]]
    repo.write(f"{PERIOD}/名单.yaml", roster(entries))
    repo.commit("报送；道路改造改名并定为涉密")


# --- the grep ----------------------------------------------------------------------------------


def _members(name: str, data: bytes) -> list[tuple[str, str]]:
    if data[:4] == b"PK\x03\x04":
        out = []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                out.append((f"{name}!{info.filename}", info.filename))
                out += _members(f"{name}!{info.filename}", archive.read(info))
        return out
    text = data.decode("utf-8", "replace")
    readable = [text, re.sub(r"<[^>]+>", "", text), re.sub(r"<[^>]+>", " ", text)]
    return [(name, t) for t in readable] + [(name, html.unescape(unquote(t))) for t in readable]


def artefacts(root: Path, extra: dict[str, str]) -> list[tuple[str, str]]:
    """(where, text) of every published file (unzipped, decoded), and of the `extra` outputs (diff)."""
    found = [(k, v) for k, t in extra.items() for v in (t, html.unescape(unquote(t)), json.dumps(t, ensure_ascii=False))]
    for folder in (root / "build", root / "site"):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                rel = path.relative_to(root).as_posix()
                found += [(rel, unquote(rel)), *_members(rel, path.read_bytes())]
    return found


def figure_forms(value: str) -> list[str]:
    number = float(value)
    return [f"{number:.2f}", f"{number:,.2f}"]


def leaks(root: Path, extra: dict[str, str]) -> list[str]:
    names = [s[0] for s in SECRETS] + [S3_OLD]
    codes = [s[1] for s in SECRETS]
    figures = [f for s in SECRETS for v in s[2] if v != SAME_FIGURE for f in figure_forms(v)]
    out = []
    for where, text in artefacts(root, extra):
        out += [f"{where}: name" for n in names if n in text or html.escape(n) in text]
        out += [f"{where}: code" for c in codes if re.search(rf"(?<![0-9A-Za-z]){re.escape(c)}(?![0-9])", text)]
        out += [f"{where}: figure {f}" for f in figures if re.search(rf"(?<![0-9.,]){re.escape(f)}(?![0-9])", text)]
    return sorted(set(out))


def run_all(repo: GitRepo, base: str) -> tuple[dict[str, subprocess.CompletedProcess[str]], dict[str, str]]:
    results = {
        "build": docgen(repo.root, "build", "--include-confidential", str(repo.root.parent / "secret")),
        "site": docgen(repo.root, "site", "--today", TODAY),
        "diff": docgen(repo.root, "diff", base, "HEAD"),
        "diff-json": docgen(repo.root, "diff", base, "HEAD", "--format", "json"),
    }
    return results, {k: r.stdout + r.stderr for k, r in results.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict, dict[str, str]]:  # type: ignore[type-arg]
    root = tmp_path_factory.mktemp("confidential") / "repo"
    root.mkdir()
    repo = GitRepo(root)
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    base = repo.run("rev-parse", "HEAD").strip()
    write_corpus(repo)
    results, outputs = run_all(repo, base)
    return repo, results, outputs


def test_the_corpus_builds_and_every_command_succeeds(corpus) -> None:  # type: ignore[no-untyped-def]
    _, results, outputs = corpus
    for command in ("build", "site", "diff", "diff-json"):
        assert results[command].returncode == 0, (command, outputs[command])


def test_no_secret_name_code_or_figure_in_anything_published(corpus) -> None:  # type: ignore[no-untyped-def]
    repo, _, outputs = corpus
    # the console output of build/site lists findings by file for the submitters (a log, not a publication)
    assert leaks(repo.root, {k: outputs[k] for k in ("diff", "diff-json")}) == []


def test_the_confidential_folder_does_hold_them(corpus) -> None:  # type: ignore[no-untyped-def]
    """The grep would find them: the attachments written outside build/ hold S1's name (a control for the test)."""
    repo, _, _ = corpus
    secret = repo.root.parent / "secret"
    texts = [t for p in secret.rglob("*.docx") for _, t in _members(p.name, p.read_bytes())]
    assert any(S1[0] in t or html.escape(S1[0]) in t for t in texts)


def test_counts_only_below_k_and_pooled_from_k(corpus) -> None:  # type: ignore[no-untyped-def]
    """1 and 2 涉密 projects: counts only, no department total, no 附件3; 3: the pooled row is published."""
    repo, _, _ = corpus
    summary = json.loads((repo.root / "build" / "summary.json").read_text(encoding="utf-8"))
    depts = {s["department_code"]: s for s in summary["periods"][0]["submissions"] if s["kind"] == "department"}
    assert depts["301"].get("figures_withheld") and "tables" not in depts["301"]
    assert depts["302"].get("figures_withheld") and "tables" not in depts["302"]
    assert "tables" in depts["303"] and "tables" in depts["304"]
    build = repo.root / "build" / "2025-06"
    assert not list(build.glob("301-*/附件3-*")) and not list(build.glob("302-*/附件3-*"))
    assert list(build.glob("303-*/附件3-*"))
    pooled = sum(float(s[2][2]) for s in (S4, S5, S6))  # 303's pooled 支出数, allowed
    workbook = next(build.glob("303-*/*汇总表.xlsx"))
    assert f"{pooled:.2f}".rstrip("0").rstrip(".") in "".join(t for _, t in _members("x", workbook.read_bytes()))


def test_diff_says_a_confidential_file_changed_without_naming_it(corpus) -> None:  # type: ignore[no-untyped-def]
    _, _, outputs = corpus
    assert "一个涉密文件" in outputs["diff"]
    data = json.loads(outputs["diff-json"])
    hidden = [f for f in data["submissions"] if f["confidential"]]
    assert len(hidden) == len(SECRETS) and all(f["path"] == "" and f["name"] == "" and f["changes"] == [] for f in hidden)


@pytest.mark.parametrize("flag", ["roster_only", "file_only"])
def test_a_flag_in_one_place_is_e311_and_confidential_everywhere(tmp_path: Path, flag: str) -> None:
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    base = repo.run("rev-parse", "HEAD").strip()
    write_corpus(repo, **{flag: S1[1]})
    validate = docgen(repo.root, "validate")
    assert validate.returncode == 1 and "E311" in validate.stdout + validate.stderr
    line = next(x for x in (validate.stdout + validate.stderr).splitlines() if "E311" in x)
    assert f"{S1[1]}.yaml:" in line and "名单.yaml:" in line  # located in the file, pointing at the roster's line
    results, outputs = run_all(repo, base)
    assert results["build"].returncode == 1  # invalid: nothing built
    assert results["site"].returncode == 0 and results["diff"].returncode == 0
    assert leaks(repo.root, {k: outputs[k] for k in ("diff", "diff-json", "site")}) == []


def test_the_publication_check_fails_on_a_planted_leak(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file in build/ that names a secret (here planted by hand) fails the next build, without printing it."""
    repo, _, _ = corpus
    planted = repo.root / "build" / "note.txt"
    planted.write_text(f"项目{S4[1]}的说明", encoding="utf-8")
    try:
        result = docgen(repo.root, "build")
    finally:
        planted.unlink(missing_ok=True)
    assert result.returncode == 1 and "note.txt" in result.stderr and S4[1] not in result.stderr + result.stdout
    left = [p.name for p in (repo.root / "build").iterdir() if not p.name.endswith(".lock")]  # a lock file holds nothing
    assert left == [], "a failed check leaves nothing in build/ for CI to publish"


def test_the_ci_templates_diff_command_hides_a_confidential_change(corpus) -> None:  # type: ignore[no-untyped-def]
    """The command the GitHub and GitLab templates run, on a repository whose last commit changes a 涉密 file."""
    repo, _, _ = corpus
    root = Path(__file__).resolve().parents[2]
    commands = []
    for template in ("ci-templates/github/docgen.yml", "ci-templates/gitlab/.gitlab-ci.yml"):
        line = next(x for x in (root / template).read_text(encoding="utf-8").splitlines() if "docgen diff " in x and ">" in x)
        commands.append(line.strip().lstrip("- ").split(">")[0].split())
    repo.edit(f"{PERIOD}/303-局/{S4[1]}.yaml", "支出数: 2468.13", "支出数: 2999.99")
    base = repo.run("rev-parse", "HEAD").strip()
    repo.commit(f"更新{S4[0]}")
    for command in commands:
        args = [base if (a.startswith('"$') and "SHA" in a) or a == '"$BASE"' else a for a in command[1:]]
        result = docgen(repo.root, *args)
        assert result.returncode == 0, result.stderr
        assert "一个涉密文件" in result.stdout
        assert S4[0] not in result.stdout and S4[1] not in result.stdout and "2999.99" not in result.stdout


# --- re-coding a 涉密 project ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("301\u20112025\u2011001", "E218"),  # non-breaking hyphens: a look-alike of S1's code
        ("301-2025\u200b-001", "E217"),  # a zero-width space inside
        ("301-2025-001\u202e", "E217"),  # a bidi control
    ],
)
def test_a_recoded_secret_is_refused_not_published(tmp_path: Path, code: str, expected: str) -> None:
    """S1 written with a disguised code, a name one character off and 涉密: false is refused, located, not built."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    write_corpus(repo)
    name, _, funds = S1
    repo.write(f"{PERIOD}/301-局/{S1[1]}.yaml", project(code, name + "改", "301", funds))
    repo.commit("改代码")
    validate = docgen(repo.root, "validate")
    out = validate.stdout + validate.stderr
    assert validate.returncode == 1
    line = next(x for x in out.splitlines() if expected in x)
    assert f"{S1[1]}.yaml:4:" in line
    if expected == "E218":
        assert "U+2011" in line and "第 4 个字符" in line


def test_invisible_characters_are_refused_in_every_text(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    write_corpus(repo)
    code, name, funds = PUBLIC["304"]
    repo.write(f"{PERIOD}/304-局/{code}.yaml", project(code, name, "304", funds, text="按\u2066计划\ufeff实施。"))
    repo.commit("隐藏字符")
    validate = docgen(repo.root, "validate")
    assert validate.returncode == 1 and "E217" in validate.stdout + validate.stderr


def test_the_rules_file_cannot_lower_k(tmp_path: Path) -> None:
    """`涉密汇总最少项目数: 1` in a pull request would publish a single 涉密 project's figures: E219, nothing built."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    write_corpus(repo)
    repo.write("schema/rules.yaml", "规则: {}\n涉密汇总最少项目数: 1\n")
    repo.commit("k = 1")
    result = docgen(repo.root, "build")
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "E219" in out and "rules.yaml:2:" in out
    assert not (repo.root / "build" / "2025-06").exists()
    repo.write("schema/rules.yaml", "规则: {}\n涉密汇总最少项目数: 4\n")  # raising k is allowed
    assert "E219" not in docgen(repo.root, "validate").stdout


def test_diff_shows_only_that_a_withheld_department_changed(corpus) -> None:  # type: ignore[no-untyped-def]
    """301 and 302 hold fewer than k 涉密 projects: their 部门整体 entries say that they changed, no figure, no text."""
    _, _, outputs = corpus
    data = json.loads(outputs["diff-json"])
    departments = {f["path"].split("/")[2][:3]: f for f in data["submissions"] if f["kind"] == "department"}
    for code in ("301", "302"):
        entry = departments[code]
        assert entry["withheld"] and entry["changes"] == []
        findings = entry["findings"]["appeared"] + entry["findings"]["cleared"]
        assert all(not any(ch.isdigit() for ch in f["message"]) for f in findings)
    assert not departments["303"]["withheld"] and departments["303"]["changes"]
    assert all(
        not any(ch.isdigit() for ch in f["message"])
        for s in data["submissions"]
        for f in s["findings"]["appeared"] + s["findings"]["cleared"]
        if f["code"] == "W414"
    )
    assert "涉密项目不足规定个数" in outputs["diff"]


# --- a project its period's roster does not list -------------------------------------------------

#: S4 re-coded to a fresh plain code with 涉密: false: the roster does not list it, so it is not published
UNLISTED = ("改码后的工程", "303-2025-099", ("7891.23", "7777.77", "5791.35", "7800.07"))


def test_a_project_not_on_the_roster_is_w302_and_published_nowhere(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    base = repo.run("rev-parse", "HEAD").strip()
    write_corpus(repo)
    name, code, funds = UNLISTED
    repo.write(f"{PERIOD}/303-局/{code}.yaml", project(code, name, "303", funds))
    repo.commit(f"报送{code}")
    results, outputs = run_all(repo, base)
    assert all(r.returncode == 0 for r in results.values()), outputs
    assert "W302" in outputs["build"] and "按涉密项目处理" in outputs["build"]
    published = artefacts(repo.root, {k: outputs[k] for k in ("diff", "diff-json")})
    figures = [f for v in funds for f in figure_forms(v)]
    hits = [
        where
        for where, text in published
        if name in text
        or re.search(rf"(?<![0-9A-Za-z]){re.escape(code)}(?![0-9])", text)
        or any(re.search(rf"(?<![0-9.,]){re.escape(f)}(?![0-9])", text) for f in figures)
    ]
    assert hits == []
    assert leaks(repo.root, {k: outputs[k] for k in ("diff", "diff-json")}) == []
    data = json.loads(outputs["diff-json"])
    assert len([f for f in data["submissions"] if f["confidential"]]) == len(SECRETS) + 1  # counted, never named


def _sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def test_a_column_fewer_than_k_reported_is_not_pooled(tmp_path: Path) -> None:
    """k=3 涉密 projects, two of them 支出数 「未填报」: the pooled 支出数 would be S4's own figure. It is 「—」 in the
    涉密 row, left out of the department's and the city's totals, and the note does not count the 涉密 projects;
    the columns all three reported are pooled as before."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    base = repo.run("rev-parse", "HEAD").strip()
    write_corpus(repo, unreported_spent=(S5[1], S6[1]))
    results, outputs = run_all(repo, base)
    assert results["build"].returncode == 0, outputs["build"]
    assert leaks(repo.root, {k: outputs[k] for k in ("diff", "diff-json")}) == []
    build = repo.root / "build" / "2025-06"
    rows = _sheet_rows(next(build.glob("303-*/*汇总表.xlsx")), "项目汇总")
    header = next(r for r in rows if "支出数" in "".join(str(c) for c in r))
    spent = next(i for i, c in enumerate(header) if str(c).startswith("支出数") or str(c).endswith("支出数"))
    budget = next(i for i, c in enumerate(header) if "本年预算" in str(c))
    pooled = next(r for r in rows if str(r[1]).startswith("涉密项目（3个）"))
    total = next(r for r in rows if r[1] == "合计")
    assert pooled[spent] == "—"
    assert total[spent] == float(PUBLIC["303"][2][2])  # the public project's alone
    assert pooled[budget] == pytest.approx(sum(float(s[2][0]) for s in (S4, S5, S6)))  # reported by all three: pooled
    text = " ".join(str(c) for r in rows for c in r if c)
    assert "2 个项目" not in text and "3 个项目" not in text and "不足 3 个" in text
    city = _sheet_rows(next(build.glob("全市-*汇总表.xlsx")), "部门汇总")
    city_header = next(r for r in city if "支出数" in "".join(str(c) for c in r))
    city_spent = next(i for i, c in enumerate(city_header) if str(c).startswith("支出数") or str(c).endswith("支出数"))
    row_303 = next(r for r in city if r[0] == "303")
    assert row_303[city_spent] == float(PUBLIC["303"][2][2])


def test_a_project_secret_in_one_period_is_secret_in_every_period(tmp_path: Path) -> None:
    """S1 public in 2025-05, 涉密 in 2025-06: build treats it as 涉密 in both (as the site does), so 2025-05's
    outputs neither name it nor fail the publication check; a project public in every period stays named."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    base = repo.run("rev-parse", "HEAD").strip()
    write_corpus(repo)
    earlier = "submissions/2025-05/301-局"
    repo.write(f"{earlier}/{S1[1]}.yaml", project(S1[1], S1[0], "301", S1[2]).replace("截至月份: 6", "截至月份: 5"))
    code, name, funds = PUBLIC["301"]
    repo.write(f"{earlier}/{code}.yaml", project(code, name, "301", funds).replace("截至月份: 6", "截至月份: 5"))
    repo.commit("2025年1-5月")
    results, outputs = run_all(repo, base)
    assert results["build"].returncode == 0, outputs["build"]
    assert leaks(repo.root, {k: outputs[k] for k in ("diff", "diff-json")}) == []
    workbook = next((repo.root / "build" / "2025-05").glob("301-*/*汇总表.xlsx"))
    text = "".join(t for _, t in _members("x", workbook.read_bytes()))
    assert "涉密项目（1个）" in text and name in text


@pytest.mark.parametrize("flag", ["roster_only", "file_only"])
def test_a_flawed_secret_still_withholds_its_departments_totals(tmp_path: Path, flag: str) -> None:
    """301 holds one 涉密 project whose file and roster disagree (E311): the file is refused, yet its department's
    totals would still reveal its figures, so 301 stays withheld on the site as when both agree."""
    from docgen import api, confidential
    from docgen.workspace import Workspace

    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    write_corpus(repo, **{flag: S1[1]})
    result = api.check([repo.root / "submissions"], workspace=Workspace(repo.root))
    assert any(f.code == "E311" for f in result.findings)
    assert ("2025-06", "301") in confidential.withheld_departments(result)
    assert docgen(repo.root, "site", "--today", TODAY).returncode == 0
    published = (repo.root / "site" / "2025-06" / "301" / "index.html").read_text(encoding="utf-8")
    assert "9876.54" not in published and "9,876.54" not in published  # 301's 部门整体 total: S1 = total - the rest
    assert "9876.54" in (repo.root / "site" / "2025-06" / "303" / "index.html").read_text(encoding="utf-8")  # pooled: shown


@pytest.mark.parametrize("typed", [S2[2][2], "876.54"], ids=["equal-to-a-secret", "not-secret"])
def test_a_number_typed_in_a_public_text_is_not_an_oracle(tmp_path: Path, typed: str) -> None:
    """A clerk writes 「涉及…万元」 into their own public project's analysis: build and site pass whether or not the
    number equals a 涉密 figure (CI's pass/fail would else answer 「is X secret?」), and no other secret figure leaks."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    base = repo.run("rev-parse", "HEAD").strip()
    write_corpus(repo)
    code, name, funds = PUBLIC["302"]
    repo.write(f"{PERIOD}/302-局/{code}.yaml", project(code, name, "302", funds, text=f"偏差原因：涉及{typed}万元调整。"))
    repo.run("reset", "-q", "--soft", "HEAD~1")  # typed from the start: not a change in the public history
    repo.commit("报送；道路改造改名并定为涉密")
    results, outputs = run_all(repo, base)
    assert all(r.returncode == 0 for r in results.values()), outputs
    assert "发布检查未通过" not in outputs["build"] + outputs["site"]
    assert any(typed in text for where, text in artefacts(repo.root, {}) if where.startswith("site/")), "the text is published"
    assert [x for x in leaks(repo.root, {k: outputs[k] for k in ("diff", "diff-json")}) if not x.endswith(f"figure {typed}")] == []


def test_a_secret_amount_equal_to_a_row_height_is_not_a_leak(tmp_path: Path) -> None:
    """A 涉密 支出数 of 27.75, the height docgen's workbooks give their rows (`ht="27.75"`): the check reads figures in
    a workbook's cells, not in its layout attributes, so the build passes; the same figure in a cell still fails it."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    write_corpus(repo)
    name, code, funds = S2
    repo.write(f"{PERIOD}/302-局/{code}.yaml", project(code, name, "302", (*funds[:2], "27.75", funds[3]), secret=True))
    repo.run("reset", "-q", "--soft", "HEAD~1")
    repo.commit("报送；道路改造改名并定为涉密")
    result = docgen(repo.root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    books = sorted((repo.root / "build").rglob("*.xlsx"))
    assert any(b'ht="27.75"' in zipfile.ZipFile(b).read(n) for b in books for n in zipfile.ZipFile(b).namelist()), "the look-alike"
    import openpyxl

    planted = repo.root / "build" / "planted.xlsx"
    book = openpyxl.Workbook()
    book.active.row_dimensions[1].height = 27.75
    book.active["A1"] = "说明"
    book.save(planted)
    assert docgen(repo.root, "build").returncode == 0, "a row height alone is not a figure"
    book.active["B2"] = 27.75
    book.save(planted)
    leaked = docgen(repo.root, "build")
    assert leaked.returncode == 1 and "planted.xlsx" in leaked.stderr and "27.75" not in leaked.stderr


def test_a_withheld_departments_text_makes_no_secret_figure_public(tmp_path: Path) -> None:
    """A figure typed in a public file's text is public (no oracle), but a withheld 部门整体 is not published: a secret
    figure its text states stays a secret to the publication check."""
    from docgen import api, confidential
    from docgen.workspace import Workspace

    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    write_corpus(repo)
    spent = S1[2][2]  # 301 holds only S1: its 部门整体 is withheld
    repo.edit(
        f"{PERIOD}/301-局/部门整体.yaml", "年度绩效目标: 完成年度任务。", f"年度绩效目标: 完成年度任务，其中涉密工程支出{spent}万元。"
    )
    repo.edit(f"{PERIOD}/302-局/部门整体.yaml", "年度绩效目标: 完成年度任务。", f"年度绩效目标: 完成年度任务，另支出{S2[2][0]}万元。")
    repo.commit("部门整体说明")
    result = api.check([repo.root / "submissions"], workspace=Workspace(repo.root))
    assert ("2025-06", "301") in confidential.withheld_departments(result)
    found = confidential.secrets(repo.root, result)
    assert found.figure_in(f"支出{spent}万元") is not None
    assert found.figure_in(f"支出{S4[2][2]}万元") is not None  # the firing side: other secrets stay too


@pytest.mark.parametrize(
    "typed",
    [S2[2][2], "2,345.67", "&#50;345.67", "2&#44;345.67", ".987.65", "987.650", "1.987.65"],
    ids=["plain", "grouped", "escaped-digit", "escaped-comma", "after-point", "longer-run", "inside-a-run"],
)
def test_secrets_with_cached_typed_figures_equal_the_full_walk(tmp_path: Path, typed: str) -> None:
    """build keeps the secret figures each public submission's texts print in the user's cache (store=): the secrets
    are the same as walking every text, cold and warm, run from outside the repository (paths relative to its root),
    and after an edit that types a secret figure (it becomes public) or takes it away again (secret again)."""
    from docgen import api, confidential
    from docgen.cache import Store
    from docgen.workspace import Workspace

    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    write_corpus(repo)
    code, name, funds = PUBLIC["302"]
    path = f"{PERIOD}/302-局/{code}.yaml"

    def same() -> confidential.Secrets:
        result = api.check([repo.root / "submissions"], workspace=Workspace(repo.root))
        walked = confidential.secrets(repo.root, result)
        assert not Path(result.projects[0].path).is_absolute() and Path.cwd() != repo.root  # as docgen shows paths
        for _ in range(2):  # cold, then from the cache
            cached = confidential.secrets(repo.root, result, store=Store(repo.root))
            assert (cached.figures, cached.digest()) == (walked.figures, walked.digest())
        return walked

    assert same().figure_in(f"涉及{S2[2][2]}万元") is not None
    repo.write(path, project(code, name, "302", funds, text=f"偏差原因：涉及{typed}万元调整。"))
    after = same()
    assert (after.figure_in(f"涉及{S2[2][2]}万元") is None) == (typed == S2[2][2]), "typed as a figure: public"
    budget_typed = typed in ("2,345.67", "&#50;345.67", "2&#44;345.67")  # S2's 本年预算, as written or once decoded
    assert (after.figure_in("涉及2,345.67万元") is None) == budget_typed
    repo.write(path, project(code, name, "302", funds))
    assert same().figure_in(f"涉及{S2[2][2]}万元") is not None
