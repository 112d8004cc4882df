"""The library API the CLI and the tests call: check, build, new."""

from __future__ import annotations

import json
import os
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from . import __version__, compute, hook, output, revdiff
from . import fmt as fmt_module
from . import site as site_module
from . import forms as F
from . import messages as M
from .errors import InvalidSubmissions, UsageError
from .findings import Finding
from .model import Department, Project, Roster
from .model import build as build_model
from .validate import check_files, kind_of

SUBMISSIONS = "submissions"
PERIOD_ARG = re.compile(r"^\d{4}-\d{1,2}$")
BUILD = "build"


@dataclass
class Result:
    """Everything one check produced: findings for people, models for the renderers."""

    files: list[Path]
    findings: list[Finding]
    projects: list[Project] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    rosters: list[Roster] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def discover(paths: list[Path]) -> list[Path]:
    """Files named, and every .yaml/.yml below folders named (hidden folders skipped), sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in path.rglob("*")
                if p.suffix in F.YAML_SUFFIXES and p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return sorted(set(found))


def _display(path: Path) -> Path:
    """Paths as the user would type them: relative to the working folder where possible."""
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


def check(paths: list[Path]) -> Result:
    """Validate files or folders; every problem in every file, each with its file, line and column."""
    files = _existing_files(paths)
    rosters = [p.parent.parent / F.ROSTER_FILE for p in files if kind_of(p) != "roster"]
    checked = check_files(files, [r for r in set(rosters) if r.is_file()])
    result = Result(files=files, findings=checked.findings)
    bad = checked.error_paths()
    for kind, doc in checked.documents:
        if str(doc.path) in bad:
            continue
        model = build_model(kind, doc.path, doc.data)
        {"project": result.projects, "department": result.departments, "roster": result.rosters}[kind].append(model)  # type: ignore[attr-defined]
    return result


# --- build --------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def figures_json(fig: compute.Figures) -> dict[str, Any]:
    return {
        "carried_over": _money(fig.carried_over),
        "budget": _money(fig.budget),
        "subtotal": _money(fig.subtotal),
        "allocated": _money(fig.allocated),
        "allocation_rate": _rate(fig.allocation_rate),
        "spent": _money(fig.spent),
        "spend_progress": _rate(fig.spend_progress),
        "expected": _money(fig.expected),
    }


def _tables_json(tables: dict[str, dict[str, compute.Figures]]) -> dict[str, Any]:
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
            tables=_tables_json({F.KEYS["funds"]: compute.project_table(sub)}),
        )
    else:
        by_type, by_use = compute.department_tables(sub)
        base.update(name=sub.department, tables=_tables_json({F.KEYS["funds_by_type"]: by_type, F.KEYS["funds_by_use"]: by_use}))
    base["indicators"] = len(sub.indicators)
    return base


def summary(result: Result, root: Path) -> dict[str, Any]:
    periods: dict[str, dict[str, Any]] = {}
    subs: list[Project | Department] = [*result.departments, *result.projects]
    for sub in sorted(subs, key=lambda s: (s.period.key, s.department_code, s.kind != "department", s.path.as_posix())):
        period = periods.setdefault(
            sub.period.key,
            {"period": sub.period.key, "label": sub.period.label, "time_progress": _rate(compute.time_progress(sub.period)), "submissions": []},
        )
        period["submissions"].append(submission_json(sub, root))
    return {"generator": f"docgen {__version__}", "periods": list(periods.values())}


def build(root: Path, out: Path | None = None) -> tuple[Result, Path]:
    """Validate all of submissions/; only when nothing is wrong, write build/summary.json atomically."""
    result = check([root / SUBMISSIONS])
    if not result.ok:
        raise InvalidSubmissions(M.label("summary", files=len(result.files), errors=len(result.errors), warnings=len(result.warnings)))
    out = out or root / BUILD
    target = out / "summary.json"
    output.write_text(target, json.dumps(summary(result, root), ensure_ascii=False, indent=2) + "\n")
    return result, target


# --- new ----------------------------------------------------------------------------------


def _template(name: str) -> jinja2.Template:
    text = resources.files("docgen").joinpath("scaffolds", name).read_text(encoding="utf-8")
    return jinja2.Environment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined).from_string(text)


def _department_folder(period_dir: Path, code: str, name: str | None) -> Path:
    if period_dir.is_dir():
        for folder in sorted(period_dir.iterdir()):
            if folder.is_dir() and (folder.name == code or folder.name.startswith(code + "-")):
                return folder
    return period_dir / (f"{code}-{name}" if name else code)


def new(kind: str, root: Path, period: str, department_code: str, *, code: str | None = None, name: str | None = None,
        unit: str | None = None, department: str | None = None) -> Path:
    """Scaffold a file that validates as it stands once its placeholders are filled, with the schema modeline."""
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
                    roster_project = next(({"name": p.name, "unit": p.unit, "research": p.research, "confidential": p.confidential}
                                           for p in dept.projects if p.code == code), {})
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
    return target


# --- site ---------------------------------------------------------------------------------


def site(root: Path, *, today: date | None = None, output: Path | None = None) -> site_module.SiteResult:
    """Build the status site into site/ (MkDocs + Material, strict), sources in build/site-src/.

    Invalid submissions do not stop the site: they are shown as 「有错误」 with their messages, so the
    财政局 sees the period as it stands (`docgen validate` and `docgen build` are the gates).
    Confidential (涉密) submissions never appear. `today` is injectable for reproducible builds and tests.
    """
    result = check([root / SUBMISSIONS]) if (root / SUBMISSIONS).exists() else Result(files=[], findings=[])
    return site_module.build_site(
        root,
        result,
        today=today or date.today(),
        build=root / BUILD,
        output=output or root / site_module.OUTPUT,
        source=root / site_module.SOURCE,
    )


# --- diff ---------------------------------------------------------------------------------


def review_findings(root: Path) -> list[Finding]:
    """The problems `docgen diff` reports as appeared/cleared: every finding docgen gives for
    root/submissions. The one place to switch when the monitoring warnings (analyse) join."""
    return check([root / SUBMISSIONS]).findings


def diff(root: Path, base: str, head: str | None = None) -> revdiff.DiffResult:
    """Field-level changes of every submission between two git revisions (head None: the working tree)."""
    return revdiff.compare_revisions(root, base, head, review_findings)


# --- fmt ----------------------------------------------------------------------------------


#: Below this many files one process is quicker than starting workers.
PARALLEL_FROM = 24


def fmt(paths: list[Path], *, write: bool = True) -> list[fmt_module.Formatted]:
    """Canonical form for files or folders; with `write`, changed files are replaced atomically.

    ruamel's round trip costs ~30 ms a file (benchmarks/tooling.py), so a large tree is spread
    over the CPUs.
    """
    files = _existing_files(paths)
    workers = min(os.cpu_count() or 1, len(files) // PARALLEL_FROM)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(fmt_module.format_file, files, chunksize=8))
    else:
        results = [fmt_module.format_file(path) for path in files]
    if write:
        for result in results:
            if result.changed and result.after is not None:
                output.write_text(result.path, result.after)
    return results


# --- before a commit ----------------------------------------------------------------------


def check_staged(cwd: Path = Path(".")) -> Result:
    """Validate what is about to be committed: the staged versions of the staged submission files.

    Findings name the files as they are in the working tree (relative to `cwd`), with the line
    numbers of the staged text.
    """
    repo = hook.open_root(cwd, SUBMISSIONS)
    staged = hook.staged_submissions(repo, SUBMISSIONS)
    if not staged:
        return Result(files=[], findings=[])
    with tempfile.TemporaryDirectory(prefix="docgen-staged-") as tmp:
        export = hook.export_staged(repo, staged, Path(tmp).resolve())
        result = check([export / path for path in staged])

    def shown(path: Path | str) -> Path:
        return _display(repo.root / Path(os.path.abspath(path)).relative_to(export))

    # messages name other files too (the roster of W302, the other file of E309)
    inside, outside = os.path.relpath(export) + os.sep, os.path.relpath(repo.root) + os.sep

    def retold(f: Finding) -> Finding:
        return replace(f, path=str(shown(f.path)), message=f.message.replace(inside, "" if outside == "." + os.sep else outside))

    return Result(files=[shown(p) for p in result.files], findings=[retold(f) for f in result.findings])


def install_hook(cwd: Path = Path("."), *, force: bool = False, uninstall: bool = False) -> tuple[Path, Path | None]:
    """Install (or remove) the plain git pre-commit hook that runs `docgen validate --staged`."""
    repo = hook.open_root(cwd, SUBMISSIONS)
    if uninstall:
        return _display(hook.uninstall(repo)), None
    target, backup = hook.install(repo, force=force)
    return _display(target), backup and _display(backup)
