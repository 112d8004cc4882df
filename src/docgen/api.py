"""The library API the CLI, the site and the tests call: check, analyse, build, rollup, new."""

from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import os
import re
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, children, confidential, output, redact
from . import messages as M
from .check.findings import Finding
from .check.load import Document
from .check.ruleset import NONE as NO_LIGHT
from .check.ruleset import RULES_FILE, SCHEMA_FILES, Ruleset
from .check.ruleset import default_path as default_rules_path
from .check.validate import check_files, kind_of
from .errors import DocgenError, InvalidSubmissions, UsageError, write_problem
from .evaluate import conclusions, figures, monitor
from .form import vocabulary as F
from .form.model import Department, Project, Roster
from .form.model import build as build_model
from .render import rollup

if TYPE_CHECKING:  # the renderers, the site, diff, fmt, the hook and jinja2 load only when used: every command starts faster
    import jinja2

    from .history import revdiff
    from .render import engine
    from .site import generate as site_module
    from .tooling import fmt as fmt_module

SUBMISSIONS = "submissions"
PERIOD_ARG = re.compile(r"^\d{4}-\d{1,2}$")
BUILD = "build"
SITE = "site"  # site.OUTPUT, named here too so that `build` need not import the site's modules


@dataclass
class Result:
    """Everything one check produced: findings for people, models for the renderers."""

    files: list[Path]
    findings: list[Finding]
    projects: list[Project] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    rosters: list[Roster] = field(default_factory=list)
    analysis: monitor.Analysis | None = None  # monitoring lights and W4xx findings; None when the rules file is broken
    documents: dict[str, Document] = field(default_factory=dict, repr=False)  # loaded files by path, for positions

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.is_warning]

    @property
    def infos(self) -> list[Finding]:
        """Hints (蓝灯, 科研类 exemption, values that could not be compared): never block, even with --strict."""
        return [f for f in self.findings if f.severity == "info"]

    @property
    def ok(self) -> bool:
        return not self.errors


def discover(paths: list[Path]) -> list[Path]:
    """Files named, and every .yaml/.yml below folders named (hidden folders skipped), sorted."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]  # never walked into: .git, editor folders
            base = Path(folder)
            # a symlinked folder is never walked into (os.walk does not follow it) but listed, so it is refused (E115)
            found.extend(base / d for d in dirs if os.path.islink(base / d))
            found.extend(base / name for name in files if not name.startswith(".") and os.path.splitext(name)[1] in F.YAML_SUFFIXES)
    return sorted(set(found))


def _display(path: Path) -> Path:
    """Paths as the user would type them: relative to the working folder where possible."""
    if not path.is_absolute() and ".." not in path.parts:
        return path  # already as typed (pathlib has dropped any "." parts)
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # pragma: no cover - other drive on Windows
        return path


def _existing_files(paths: list[Path]) -> list[Path]:
    """The submission files under `paths`, as the user would type them; a path that is not there is a usage error."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(M.label("no_files", path=missing[0]))
    return [_display(p) for p in discover(paths)]


def check(paths: list[Path], rules: Path | None = None) -> Result:
    """Validate files or folders, then run the monitoring rules on every valid submission.

    Every problem in every file, each with its file, line and column; monitoring warnings (W4xx) and
    hints join the findings. `rules` overrides the rules file found beside submissions/ (schema/rules.yaml).
    """
    files = _existing_files(paths)
    if rules is not None and not rules.is_file():
        raise UsageError(M.message("E323", path=rules))
    rosters = [p.parent.parent / F.ROSTER_FILE for p in files if kind_of(p) != "roster"]
    checked = check_files(files, [r for r in set(rosters) if r.is_file()])
    result = Result(files=files, findings=checked.findings)
    bad, shaped = checked.error_paths(), checked.shaped_paths()
    flawed: list[Project | Department] = []  # invalid, but in the schema's shape: monitored, never rendered
    for kind, doc in checked.documents:
        result.documents[str(doc.path)] = doc
        if str(doc.path) in bad:
            if kind != "roster" and str(doc.path) in shaped:
                flawed.append(build_model(kind, doc.path, doc.data))  # type: ignore[arg-type]
            continue
        model = build_model(kind, doc.path, doc.data)
        {"project": result.projects, "department": result.departments, "roster": result.rosters}[kind].append(model)  # type: ignore[attr-defined]
    # 涉密 by either flag: the roster's mark makes a project confidential even when its file says otherwise (E311)
    period_rosters = result.rosters or _period_rosters(result)
    result.projects = confidential.apply_roster(result.projects, period_rosters)
    flawed = [
        *confidential.apply_roster([s for s in flawed if isinstance(s, Project)], period_rosters),
        *(s for s in flawed if not isinstance(s, Project)),
    ]
    _monitor(result, rules or monitor.find_rules(paths), flawed, checked.digests)
    return result


def _monitor(result: Result, rules: Path | None, flawed: list[Project | Department], digests: dict[str, str]) -> None:
    """Run the monitoring rules; a broken rules file is reported like a broken submission."""
    ruleset, problems = monitor.load_rules(_display(rules) if rules else None)
    findings = list(result.findings) + problems
    if ruleset is not None:
        rosters = list(result.rosters) or _period_rosters(result)
        locate = monitor.locator(result.documents)
        projects = result.projects + [s for s in flawed if isinstance(s, Project)]
        departments = result.departments + [s for s in flawed if isinstance(s, Department)]
        result.analysis = monitor.analyse(
            projects, departments, rosters, ruleset, locate, context=_sibling_projects(result), digests=digests
        )
        findings += [f for sa in result.analysis.submissions.values() for f in sa.findings]  # sorted once, below
    result.findings = sorted(set(findings), key=lambda f: (f.path, f.line, f.column, f.code, f.message))


def _period_rosters(result: Result) -> list[Roster]:
    """The rosters of the periods checked, read quietly when only some submissions were named."""
    rosters = []
    for folder in sorted({Path(p).parent.parent for p in result.documents}):
        path = folder / F.ROSTER_FILE
        if path.is_file():
            checked = check_files([path])
            rosters += [build_model("roster", doc.path, doc.data) for _, doc in checked.documents if not checked.errors]
    return [r for r in rosters if isinstance(r, Roster)]


def ruleset(root: Path, rules: Path | None = None) -> tuple[Ruleset | None, list[Finding]]:
    """The rules in force for a repository: the defaults overridden by root/schema/rules.yaml (or `rules`)."""
    if rules is not None and not rules.is_file():
        raise UsageError(M.message("E323", path=rules))
    path = rules or monitor.find_rules([root / SUBMISSIONS], cwd=root)
    return monitor.load_rules(_display(path) if path else None)


def init_rules(root: Path) -> Path:
    """Copy the default rules to root/schema/rules.yaml (never over an existing file), with the editor modeline."""
    target = root / "schema" / RULES_FILE
    if target.exists():
        raise UsageError(M.label("exists", path=_display(target)))
    modeline = f"# yaml-language-server: $schema={SCHEMA_FILES['rules']}\n"
    output.write_text(target, modeline + default_rules_path().read_text(encoding="utf-8"))
    return _display(target)


def draft_conclusions(result: Result, submission: Project | Department, *, only_missing: bool = True) -> dict[str, str]:
    """Drafts of 附件1's 「四、绩效监控结果分析」 for one submission, keyed 监控总体结论 / 偏差原因分析 /
    存在问题及整改措施和建议 (forms.REPORT_KEYS); by default only the sections the submission left empty.
    Paragraphs are separated by a newline. Empty when the submission was not analysed.
    """
    analysis = analyse(result)
    sa = analysis.of(submission.path)
    return conclusions.draft(sa, analysis.ruleset, only_missing=only_missing) if sa is not None else {}


def _sibling_projects(result: Result) -> list[Project]:
    """Projects beside a checked 部门整体.yaml that were not named: read quietly so W414 sees the whole department."""
    checked = {str(p) for p in result.files}
    siblings = []
    for dept in result.departments:
        for path in sorted(Path(dept.path).parent.iterdir()):
            if path.suffix in F.YAML_SUFFIXES and kind_of(path) == "project" and str(path) not in checked:
                quiet = check_files([path])
                siblings += [build_model("project", doc.path, doc.data) for _, doc in quiet.documents if not quiet.errors]
    return [p for p in siblings if isinstance(p, Project)]


def analyse(result: Result) -> monitor.Analysis:
    """Monitoring results of a check: per submission path its findings and lights, per department the counts.

    `analyse(check([Path("submissions")])).of(path).light` is 'red', 'yellow', 'blue', 'green' or None;
    `.departments()` counts each department's submissions by light. Raises InvalidSubmissions when the
    rules file itself is invalid (its errors are in `result.findings`).
    """
    if result.analysis is None:
        raise InvalidSubmissions(M.label("summary", files=len(result.files), errors=len(result.errors), warnings=len(result.warnings)))
    return result.analysis


# --- build --------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def figures_json(fig: figures.Figures) -> dict[str, Any]:
    """One budget row's figures as two-decimal strings, so JSON readers get exact amounts, not floats."""
    return {
        "carried_over": _money(fig.carried_over),
        "budget": _money(fig.budget),
        "subtotal": _money(fig.subtotal),
        "allocated": _money(fig.allocated),
        "allocation_rate": _rate(fig.allocation_rate),
        "spent": _money(fig.spent),
        "spend_progress": _rate(fig.spend_progress),
        "execution": _rate(fig.execution),
        "expected": _money(fig.expected),
    }


def _tables_json(tables: dict[str, dict[str, figures.Figures]]) -> dict[str, Any]:
    return {name: {row: figures_json(fig) for row, fig in rows.items()} for name, rows in tables.items()}


def submission_json(sub: Project | Department, root: Path) -> dict[str, Any]:
    """One submission with its computed figures (money as exact decimal strings, rates in %)."""
    base: dict[str, Any] = {
        "kind": sub.kind,
        "path": Path(os.path.relpath(sub.path, root)).as_posix(),
        "period": sub.period.key,
        "department": sub.department,
        "department_code": sub.department_code,
    }
    if isinstance(sub, Project):
        base.update(
            name=sub.name,
            code=sub.code,
            unit=sub.unit,
            research=sub.research,
            confidential=sub.confidential,
            tables=_tables_json({F.KEYS["funds"]: figures.project_table(sub)}),
        )
    else:
        by_type, by_use = figures.department_tables(sub)
        base.update(name=sub.department, tables=_tables_json({F.KEYS["funds_by_type"]: by_type, F.KEYS["funds_by_use"]: by_use}))
    base["indicators"] = len(sub.indicators)
    return base


def summary(result: Result, root: Path) -> dict[str, Any]:
    """Every submission with its computed figures; build/ is published, so 涉密 projects are only counted, and a
    department with fewer than k of them (confidential.withheld_paths) gives its 部门整体 without figures."""
    periods: dict[str, dict[str, Any]] = {}
    withheld = confidential.withheld_paths(result)
    subs: list[Project | Department] = [*result.departments, *result.projects]
    for sub in sorted(subs, key=lambda s: (s.period.key, s.department_code, s.kind != "department", s.path.as_posix())):
        period = periods.setdefault(
            sub.period.key,
            {
                "period": sub.period.key,
                "label": sub.period.label,
                "time_progress": _rate(figures.time_progress(sub.period)),
                "confidential_excluded": 0,
                "submissions": [],
            },
        )
        if sub.confidential:
            period["confidential_excluded"] += 1
            continue
        entry = submission_json(sub, root)
        if str(sub.path) in withheld:
            del entry["tables"]
            entry["figures_withheld"] = True
        sa = result.analysis.of(sub.path) if result.analysis else None
        if sa is not None and str(sub.path) not in withheld:  # the monitoring light and how many findings of each light
            entry.update(light=sa.light or NO_LIGHT, lights=sa.counts())
        period["submissions"].append(entry)
    return {"generator": f"docgen {__version__}", "periods": list(periods.values())}


@dataclass
class Built:
    """What `build` produced: the checked submissions, build/summary.json, and the render stage's report."""

    result: Result
    summary: Path
    rendered: engine.Rendered


def build(
    root: Path,
    out: Path | None = None,
    *,
    rules: Path | None = None,
    force: bool = False,
    pdf: bool = False,
    include_confidential: Path | None = None,
    jobs: int | None = None,
    progress: engine.Progress | None = None,
    extra_sections: engine.ExtraSections | None = None,
) -> Built:
    """Validate all of submissions/; only when nothing is wrong, write build/summary.json, the 汇总表 and the attachments.

    Re-renders only what changed since the last build (`force` renders all). `pdf` converts every output with
    LibreOffice. Confidential projects are skipped unless `include_confidential` names a folder outside `out`.
    `extra_sections(sub)` returns drafted texts for 附件1 sections the submission leaves empty (section key -> text,
    keys from forms.REPORT_KEYS); by default 「四、绩效监控结果分析」 is drafted from the warnings engine's findings.
    """
    out = out or root / BUILD
    _check_outputs(root, out, include_confidential)
    result = check(_submissions(root), rules)
    if not result.ok:
        raise InvalidSubmissions(
            M.label("summary", files=len(result.files), errors=len(result.errors), warnings=len(result.warnings)), result.errors
        )
    # the city's 汇总表 lists every project and every finding and changes with every edit (~0.6 s for 1,000
    # projects, benchmarks/render.py): a forked child writes it while this process writes the rest
    city_written = _in_background(write_city_rollup, result, out)
    target = out / "summary.json"
    # compact: the indenting encoder is pure Python, ~0.4 s for 1,000 projects; tools read it, people use the site
    output.write_text(target, json.dumps(summary(result, root), ensure_ascii=False, separators=(",", ":")) + "\n")
    from .render import engine, templates

    if extra_sections is None:
        extra_sections = functools.partial(draft_conclusions, result)
    rules_in_force = (rules or root / "schema" / RULES_FILE, default_rules_path())
    secrets = confidential.secrets(root, result)
    options = engine.Options(
        force=force,
        pdf=pdf,
        confidential_dir=include_confidential,
        jobs=jobs,
        extra_sections=extra_sections,
        inputs=rules_in_force,
        progress=progress,
        withheld=frozenset(confidential.withheld_paths(result)),
        redact=secrets.redact if secrets else None,
        redact_key=secrets.digest() if secrets else "",
    )
    rollup.write_departments(out, analyse(result), result.rosters)
    rendered = engine.render_all([*result.departments, *result.projects], out, templates.find(root), options)
    city_written()
    # the last word before build/ is published: no 涉密 name, code or figure anywhere in it
    confidential.check_published(out, secrets, skip=[include_confidential] if include_confidential else [])
    return Built(result, target, rendered)


def _run_quietly(parent: int, func: Callable[..., object], *args: object) -> None:
    """The child's body: a failure becomes one line on stderr and a non-zero exit, never a traceback.

    No garbage collection: the child lives for one workbook and its memory goes when it exits; collecting
    while XlsxWriter builds 70,000 cells cost ~5 % of the city's workbook (0.59 s -> 0.56 s CPU).
    """
    children.die_with_parent(parent)
    gc.disable()
    try:
        func(*args)
    except Exception as exc:  # noqa: BLE001 - the forked child's last word: any failure becomes one line and exit 1
        sys.stderr.write(f"docgen: {write_problem(exc)}\n" if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}\n")
        sys.stderr.flush()
        os._exit(1)


def _in_background(func: Callable[..., object], *args: object) -> Callable[[], None]:
    """Start `func(*args)` in a forked child and return a function that waits for it (and fails if it failed).

    Fork hands the child every object without pickling; the heap is frozen first so neither side's garbage
    collector walks (and so copies) the other's pages. Measured on 1,000 projects: a rebuild after one edit
    3.0 s -> 2.1 s. Elsewhere than Linux, or on one core, it runs here and now.
    """
    if sys.platform != "linux" or (os.cpu_count() or 1) < 2:  # fork is safe and cheap on Linux only
        func(*args)
        return lambda: None
    gc.freeze()
    child = multiprocessing.get_context("fork").Process(target=_run_quietly, args=(os.getpid(), func, *args))
    child.start()

    def wait() -> None:
        child.join()
        gc.unfreeze()
        if child.exitcode != 0:  # the child printed its traceback; nothing half-written is left (atomic writes)
            raise DocgenError(M.label("background_failed", code=child.exitcode))

    return wait


def write_rollups(result: Result, out: Path) -> list[Path]:
    """The department and city 汇总表 of every period checked, under build/<period>/ (paths.py)."""
    return rollup.write_all(out, analyse(result), result.rosters)


def write_city_rollup(result: Result, out: Path) -> list[Path]:
    """The city's 汇总表 of every period checked."""
    return rollup.write_city(out, analyse(result), result.rosters)


def rollups(root: Path, out: Path | None = None, rules: Path | None = None) -> tuple[Result, list[Path]]:
    """Only the 汇总表: validate submissions/ and, when nothing is wrong, write the roll-up workbooks."""
    out = out or root / BUILD
    _check_outputs(root, out)
    result = check(_submissions(root), rules)
    if not result.ok:
        raise InvalidSubmissions(M.label("summary", files=len(result.files), errors=len(result.errors), warnings=len(result.warnings)))
    return result, write_rollups(result, out)


def _submissions(root: Path) -> list[Path]:
    """root/submissions, which must not lead out of the repository (a committed symlink to a folder elsewhere)."""
    folder = root / SUBMISSIONS
    try:
        outside = folder.is_symlink() and not folder.resolve().is_relative_to(root.resolve())
    except OSError:
        outside = True
    if outside:
        raise UsageError(M.label("submissions_outside", path=_display(folder), root=_display(root)))
    return [folder]


def _check_outputs(root: Path, out: Path, confidential: Path | None = None, site: Path | None = None) -> None:
    """Before anything is written: no output folder may be a symlink (a committed build/ or site/ link would aim
    docgen's writes and deletions anywhere), and the confidential folder may lie neither in build/ nor in site/."""
    site = site or root / SITE
    for folder in (out, site, confidential):
        if folder is not None:
            output.refuse_symlink(folder)
    if confidential is not None:
        real = confidential.resolve()
        if real.is_relative_to(site.resolve()):
            raise UsageError(M.label("confidential_inside_site", site=_display(site), path=_display(confidential)))
        if real.is_relative_to(out.resolve()):
            raise UsageError(M.label("confidential_inside_build", build=_display(out), path=_display(confidential)))


# --- new ----------------------------------------------------------------------------------


def _template(name: str) -> jinja2.Template:
    import jinja2

    text = resources.files("docgen.tooling").joinpath("scaffolds", name).read_text(encoding="utf-8")
    return jinja2.Environment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined).from_string(text)


def _department_folder(period_dir: Path, code: str, name: str | None) -> Path:
    if period_dir.is_dir():
        for folder in sorted(period_dir.iterdir()):
            if folder.is_dir() and (folder.name == code or folder.name.startswith(code + "-")):
                return folder
    return period_dir / (f"{code}-{name}" if name else code)


def new(
    kind: str,
    root: Path,
    period: str,
    department_code: str,
    *,
    code: str | None = None,
    name: str | None = None,
    unit: str | None = None,
    department: str | None = None,
) -> tuple[Path, list[str]]:
    """Scaffold a file that validates as it stands, with the schema modeline; its placeholders say what to fill in.

    Returns the file and notes for the user: a period without a roster, or a department or project the roster does
    not list, is allowed (a roster may come later) but said, since it usually means a mistyped code or period.
    """
    year, month = (int(p) for p in period.split("-"))
    period_dir = root / SUBMISSIONS / f"{year}-{month:02d}"
    roster_file = period_dir / F.ROSTER_FILE
    roster_dept: dict[str, Any] = {}
    roster_project: dict[str, Any] = {}
    if roster_file.is_file():
        checked = check([roster_file])
        for roster in checked.rosters:
            for dept in roster.departments:
                if dept.code == department_code:
                    roster_dept = {"name": dept.name, "unit": dept.units[0]}
                    roster_project = next(
                        (
                            {"name": p.name, "unit": p.unit, "research": p.research, "confidential": p.confidential}
                            for p in dept.projects
                            if p.code == code
                        ),
                        {},
                    )
    notes = []
    if not roster_file.is_file():
        notes.append(M.label("new_no_roster", roster=_display(roster_file)))
    elif not roster_dept:
        notes.append(M.label("new_department_not_listed", code=department_code, roster=_display(roster_file)))
    elif kind == "project" and not roster_project:
        notes.append(M.label("new_project_not_listed", code=code, roster=_display(roster_file)))
    department = department or roster_dept.get("name") or "（主管部门全称）"
    folder = _department_folder(period_dir, department_code, department if department != "（主管部门全称）" else None)
    target = folder / (F.DEPARTMENT_FILE if kind == "department" else f"{code}.yaml")
    if target.exists():
        raise UsageError(M.label("exists", path=_display(target)))
    schema_file = root / "schema" / f"{kind}.schema.json"
    text = _template(f"{kind}.yaml.j2").render(
        schema=Path(os.path.relpath(schema_file, folder)).as_posix(),
        year=year,
        month=month,
        department=department,
        department_code=department_code,
        code=code,
        name=name or roster_project.get("name") or "（项目全称）",
        unit=unit or roster_project.get("unit") or roster_dept.get("unit") or "（预算单位全称）",
        research="true" if roster_project.get("research") else "false",
        confidential="true" if roster_project.get("confidential") else "false",
        project_rows=F.PROJECT_FUND_ROWS,
        by_type_rows=F.DEPT_FUND_ROWS_BY_TYPE,
        by_use_rows=F.DEPT_FUND_ROWS_BY_USE,
        amounts=F.AMOUNT_FIELDS.values(),
        report_keys=F.REPORT_KEYS,
    )
    output.write_text(target, text)
    return target, notes


# --- site ---------------------------------------------------------------------------------


def site(root: Path, *, today: date | None = None, output: Path | None = None) -> site_module.SiteResult:
    """Build the status site into site/ (MkDocs + Material, strict), sources in build/site-src/.

    Invalid submissions do not stop the site: they are shown as 「有错误」 with their messages, so the
    财政局 sees the period as it stands (`docgen validate` and `docgen build` are the gates).
    Confidential (涉密) submissions never appear. `today` is injectable for reproducible builds and tests.
    """
    from .site import generate as site_module

    target = output or root / site_module.OUTPUT
    _check_outputs(root, root / BUILD, site=target)
    result = check(_submissions(root)) if (root / SUBMISSIONS).exists() else Result(files=[], findings=[])
    secrets = confidential.secrets(root, result)
    built = site_module.build_site(
        root,
        result,
        today=today or date.today(),
        build=root / BUILD,
        output=target,
        source=root / site_module.SOURCE,
        secrets=secrets,
        withheld=confidential.withheld_departments(result.projects, confidential.pool_size(result.analysis)),
    )
    # the last word before site/ is published: every page, the search index, the sitemap, every download
    for folder in (target, root / site_module.SOURCE):
        confidential.check_published(folder, secrets)
    return built


# --- diff ---------------------------------------------------------------------------------


def review_findings(root: Path) -> list[Finding]:
    """The problems `docgen diff` reports as appeared/cleared: every finding docgen gives for
    root/submissions. The one place to switch when the monitoring warnings (analyse) join."""
    return check([root / SUBMISSIONS]).findings


def diff(root: Path, base: str, head: str | None = None) -> revdiff.DiffResult:
    """Field-level changes of every submission between two git revisions (head None: the working tree).

    Made to be posted: a 涉密 file (by its own flag or the roster's) shows only that a confidential file changed."""
    return _public_diff(root, base, head)[0]


def diff_text(root: Path, base: str, head: str | None = None, fmt: str = "markdown") -> str:
    """`docgen diff`'s report (Markdown or JSON), every 涉密 name and code in it redacted once more."""
    from .history import diff_report

    compared, secrets = _public_diff(root, base, head)
    return secrets.redact(diff_report.render(compared, fmt))


def _public_diff(root: Path, base: str, head: str | None) -> tuple[revdiff.DiffResult, redact.Secrets]:
    from .history import revdiff

    compared = revdiff.compare_revisions(root, base, head, review_findings)
    checked = check([root / SUBMISSIONS]) if (root / SUBMISSIONS).is_dir() else Result([], [])
    secrets = confidential.secrets(root, checked)
    for f in compared.files:
        if f.confidential and f.kind == "project":
            secrets.add(f.code, f.name)
    return confidential.public_diff(compared, secrets), secrets


# --- fmt ----------------------------------------------------------------------------------


#: Below this many files one process is quicker than starting workers.
PARALLEL_FROM = 24


def fmt(paths: list[Path], *, write: bool = True) -> list[fmt_module.Formatted]:
    """Canonical form for files or folders; with `write`, changed files are replaced atomically.

    ruamel's round trip costs ~30 ms a file (benchmarks/tooling.py), so a large tree is spread
    over the CPUs.
    """
    from .tooling import fmt as fmt_module

    files = _existing_files(paths)
    workers = min(os.cpu_count() or 1, len(files) // PARALLEL_FROM)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=children.die_with_parent, initargs=(os.getpid(),)) as pool:
            results = list(pool.map(fmt_module.format_file, files, chunksize=8))
    else:
        results = [fmt_module.format_file(path) for path in files]
    if write:
        for result in results:
            if result.changed and result.after is not None:
                output.write_text(result.path, result.after)
    return results


# --- before a commit ----------------------------------------------------------------------


def check_staged(cwd: Path = Path("."), rules: Path | None = None) -> Result:
    """Validate what is about to be committed: the staged versions of the staged submission files.

    Findings name the files as they are in the working tree (relative to `cwd`), with the line
    numbers of the staged text.
    """
    from .tooling import hook

    repo = hook.open_root(cwd, SUBMISSIONS)
    staged = hook.staged_submissions(repo, SUBMISSIONS)
    if not staged:
        return Result(files=[], findings=[])
    with tempfile.TemporaryDirectory(prefix="docgen-staged-") as tmp:
        export = hook.export_staged(repo, staged, Path(tmp).resolve())
        result = check([export / path for path in staged], rules or monitor.find_rules([], cwd=cwd))

    def shown(path: Path | str) -> Path:
        return _display(repo.root / Path(os.path.abspath(path)).relative_to(export))

    # messages name other files too (the roster of W302, the other file of E309)
    inside, outside = os.path.relpath(export) + os.sep, os.path.relpath(repo.root) + os.sep

    def retold(f: Finding) -> Finding:
        return replace(f, path=str(shown(f.path)), message=f.message.replace(inside, "" if outside == "." + os.sep else outside))

    return Result(files=[shown(p) for p in result.files], findings=[retold(f) for f in result.findings])


def install_hook(cwd: Path = Path("."), *, force: bool = False, uninstall: bool = False) -> tuple[Path, Path | None]:
    """Install (or remove) the plain git pre-commit hook that runs `docgen validate --staged`."""
    from .tooling import hook

    repo = hook.open_root(cwd, SUBMISSIONS)
    if uninstall:
        return _display(hook.uninstall(repo)), None
    target, backup = hook.install(repo, force=force)
    return _display(target), backup and _display(backup)
