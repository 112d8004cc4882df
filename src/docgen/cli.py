"""The `docgen` command: thin over `api`; parses options, calls one function, reports, exits."""

from __future__ import annotations

import functools
import gc
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, AnyStr

import click

from . import __version__, api, children, click_zh, messages, output, report
from .cache import Store
from .check import ruleset as R
from .check.findings import Finding
from .errors import DocgenError, InvalidSubmissions, write_problem
from .errors import UsageError as Refused
from .workspace import Workspace

FORMATS = click.Choice(["text", "json", "github", "codequality"])


def handle_errors(func: Callable[..., int | None]) -> Callable[..., None]:
    """Map DocgenError to its exit code with one Chinese line; tracebacks only with --traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        show_traceback = click.get_current_context().find_root().params.get("traceback", False)
        try:
            code = func(*args, **kwargs) or 0
        except (DocgenError, OSError) as exc:  # an OSError that reaches here is the disk's: full, read-only, not a folder
            if show_traceback:
                traceback.print_exc()
            problem = exc if isinstance(exc, DocgenError) else write_problem(exc)
            click.echo(f"docgen: {problem}", err=True)
            code = problem.exit_code
        except Exception as exc:  # noqa: BLE001 - a bug of ours: say so plainly, keep the traceback for --traceback
            if show_traceback:
                traceback.print_exc()
            click.echo(messages.message("X900", detail=f"{type(exc).__name__}: {exc}"), err=True)
            code = 3
        sys.exit(code)

    return wrapper


@click.group("docgen", cls=click_zh.Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen", message="%(prog)s %(version)s", help=messages.CLICK["version"])
@click.option("--traceback", is_flag=True, help="出错时显示 Python 调用栈（供开发者排查）。")
@click.option("--no-cache", "no_cache", is_flag=True, help=messages.CLICK_HELP["no_cache"])
def cli(traceback: bool, no_cache: bool) -> None:
    """docgen：预算绩效运行监控数据即代码。校验报送的 YAML 文件，生成附件和状态站点。

    可在项目中任意子目录下运行：docgen 逐级向上查找含 submissions/ 的目录作为项目根目录，
    输出中的路径相对于当前目录。

    示例：cd submissions/2025-06/101-教育局 && docgen validate
    """


def _workspace(root: Path | None = None, paths: tuple[Path, ...] = ()) -> Workspace:
    """The project: --root when typed, else the one the named files are in, else found by walking up from the
    current folder to the one holding submissions/ (exit 2 when none)."""
    ctx = click.get_current_context()
    if root is not None and ctx.get_parameter_source("root") is not click.core.ParameterSource.DEFAULT:
        return Workspace.at(root)
    return Workspace.around(list(paths)) if paths else Workspace.find()


def _files_workspace(paths: tuple[Path, ...], root: Path | None = None) -> Workspace:
    """For the commands that take files (validate, check, fmt, rules): files outside any project are checked
    too, named relative to the current folder."""
    try:
        return _workspace(root, paths)
    except DocgenError:
        return Workspace.around([])


def _cache() -> bool:
    """False when the global --no-cache was given: docgen's cache is neither read nor written."""
    return not click.get_current_context().find_root().params.get("no_cache", False)


def _shown(ws: Workspace, path: Path) -> Path:
    """A path docgen wrote or read, as the user would type it where they stand."""
    return Path(ws.shown(ws.relative(path)))


def _root_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --root option every command takes: one definition, so its type and default cannot drift apart."""
    return click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=".", show_default=True, help=help_text)


ROOT_OPTION = _root_option("项目根目录（含 submissions/）；不指定时从当前目录逐级向上查找。")


RULES_OPTION = click.option(
    "--rules",
    "rules",
    type=click.Path(path_type=Path, dir_okay=False),
    help="预警规则文件（默认：submissions/ 旁的 schema/rules.yaml，没有时用内置默认值）。",
)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="text",
    show_default=True,
    help="text 供人阅读，json 供工具，github 生成 GitHub 注释，codequality 生成 GitLab 代码质量报告。",
)
@click.option("--strict", is_flag=True, help="警告也视为不通过（退出码 1）。")
@click.option("--staged", is_flag=True, help="校验 git 暂存区中将要提交的报送文件（供提交前的钩子使用）。")
@RULES_OPTION
@handle_errors
def validate(paths: tuple[Path, ...], fmt: str, strict: bool, staged: bool, rules: Path | None) -> int:
    """校验报送文件（默认：submissions/ 下全部文件），并列出绩效监控预警。

    每个问题一行：文件:行:列: 错误/警告/提示 代码 说明。预警（W4xx，红灯、黄灯）是警告，不影响通过：
    全部通过时退出码 0，有错误时 1；加 --strict 时有警告也为 1。

    示例：docgen validate submissions/2025-06/101-教育局/
    """
    if staged and paths:
        raise click.UsageError(messages.label("staged_with_paths"))
    # no file named: the project's submissions/, found by walking up (its absence says where docgen looked)
    ws = _files_workspace(paths) if paths or staged else _workspace()
    if staged:
        ws = api.staged_workspace(ws)
        result = api.check_staged(rules=rules, workspace=ws)
    else:
        result = api.check(list(paths) or [Path(ws.shown(api.SUBMISSIONS))], rules, workspace=ws, cache=_cache(), stream=True)
    if staged and not result.files:
        click.echo(messages.label("staged_none"), err=True)
        return 0
    text = report.render(report.for_user(result.findings, ws.shown, fmt), fmt, len(result.files))
    if text:
        click.echo(text)
    if fmt in ("text", "github"):  # the annotations are hidden in the GitHub log: say the outcome in words
        click.echo(report.summary_line(result.findings, len(result.files)), err=True)
    return 1 if result.errors or (strict and result.warnings) else 0


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text 供人阅读；json 供工具：全部问题（含灯色）、每份报送的灯、各部门红黄绿蓝灯个数。",
)
@click.option("--strict", is_flag=True, help="警告也视为不通过（退出码 1）。")
@RULES_OPTION
@handle_errors
def check(paths: tuple[Path, ...], fmt: str, strict: bool, rules: Path | None) -> int:
    """绩效监控分析：校验报送文件并给出每份报送、每个部门的红黄绿蓝灯。

    text 格式先列出问题，再逐份报送列出灯色，最后是各部门各灯的个数。退出码同 validate。

    示例：docgen check --format json submissions/2025-06/ > findings.json
    """
    ws = _files_workspace(paths) if paths else _workspace()  # as validate: no file named, the project found by walking up
    result = api.check(list(paths) or [Path(ws.shown(api.SUBMISSIONS))], rules, workspace=ws, cache=_cache())
    findings = report.for_user(result.findings, ws.shown)
    if fmt == "json":
        click.echo(report.analysis_json(findings, len(result.files), result.analysis))
    else:
        text = report.render(findings, "text", len(result.files))
        if text:
            click.echo(text)
        if result.analysis is not None:
            click.echo(report.analysis_text(result.analysis, ws.shown))
        click.echo(report.summary_line(result.findings, len(result.files)), err=True)
    return 1 if result.errors or (strict and result.warnings) else 0


def _echo_lines(lines: list[str], size: int = 1 << 18) -> None:
    """`lines` on stderr (`_echo_text`)."""
    if lines:
        _echo_text("\n".join(lines), size)


def _echo_text(text: str | bytes, size: int = 1 << 18) -> None:
    """`text` (UTF-8 when bytes) and a newline on stderr, in one write up to `size` characters and beyond that in
    pieces of whole lines (`_whole_lines`): a build's 44,000 warnings (5.8 million characters at 10,000 projects) are
    never copied whole to add the newline, nor encoded or decoded whole. Each piece goes through click.echo as text,
    so what it does to text (a terminal's escapes stripped when stderr is no terminal) it does to every line, as
    before; a piece of UTF-8 ends after a newline, never inside a character."""
    pieces = _whole_lines(text, b"\n", size) if isinstance(text, bytes) else _whole_lines(text, "\n", size)
    for piece in pieces:
        click.echo(piece.decode("utf-8", "replace") if isinstance(piece, bytes) else piece, err=True, nl=False)
    click.echo(err=True)


def _whole_lines(text: AnyStr, newline: AnyStr, size: int) -> Iterator[AnyStr]:
    """`text` in pieces of about `size`, each ending after a `newline` (a longer line is one piece), the last with
    what is left: an escape sequence never spans two pieces."""
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind(newline, start, end)
            if cut < start:
                cut = text.find(newline, end)
            end = len(text) if cut < 0 else cut + 1
        yield text[start:end]
        start = end


@cli.command(short_help="校验全部报送文件，无错误时生成附件、报送包和汇总表。")
@ROOT_OPTION
@click.option("--force", is_flag=True, help="全部重新生成（默认只生成有变化的）。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 把每个附件转换为 PDF，每个部门另有一份合订本 PDF（封面、目录、连续页码）。")
@click.option(
    "--include-confidential",
    "confidential_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="把涉密项目的附件生成到此目录（必须在 build/ 之外）；不指定时涉密项目不生成。",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="并行进程数（默认：全部 CPU 核）。")
@click.option("--strict", is_flag=True, help="正式报送：有「未填报」数据的文件也视为错误（E312），不生成。")
@click.option("--shard", "shard_spec", metavar="K/N", help=messages.CLICK_HELP["shard"])
@click.option("--record", type=click.Path(path_type=Path, dir_okay=False), help=messages.CLICK_HELP["shard_record"])
@RULES_OPTION
@handle_errors
def build(
    root: Path | None,
    force: bool,
    pdf: bool,
    confidential_dir: Path | None,
    jobs: int | None,
    strict: bool,
    rules: Path | None,
    shard_spec: str | None = None,
    record: Path | None = None,
) -> int:
    """校验全部报送文件，无错误时在 build/ 下生成附件1（Word）、附件2/附件3（Excel）、各部门报送包（.zip）、
    各期汇总表和 build/summary.json。只重新生成有变化的文件。

    有任何错误时不生成任何文件，退出码 1。未填写的模板（提示文字、金额全为 0）不能生成（E313）；
    加 --strict 时，有「未填报」数据的文件也不能生成（E312）。涉密项目的附件从不写入 build/。

    示例：docgen build --pdf
    """
    ws = _workspace(root)
    if shard_spec is not None or record is not None:
        return _build_shard(
            ws, shard_spec, record, force=force, pdf=pdf, confidential_dir=confidential_dir, jobs=jobs, strict=strict, rules=rules
        )
    quick = not (force or pdf) and _cache()
    walks = api.Walks()  # one stat pass of the inputs and of build/, for the replay and, failing it, the build
    replayed = api.unchanged_build(ws, rules=rules, include_confidential=confidential_dir, strict=strict, walks=walks) if quick else None
    if replayed is not None:  # nothing read or written has changed since the last build: its report, not its work
        said = (replayed.files, replayed.submissions, replayed.rendered, replayed.summary, confidential_dir)
        if not _said_as_remembered(ws, replayed.text, replayed.summary_line, said):
            _built_report(ws, replayed.findings, *said)
        return 0
    try:
        built = api.build(
            ws,
            rules=rules,
            force=force,
            pdf=pdf,
            include_confidential=confidential_dir,
            jobs=jobs,
            progress=report.Progress(),
            cache=_cache(),
            strict=strict,
            walks=walks,
        )
    except InvalidSubmissions as exc:  # the errors first, the warnings, the errors again: they are what stops the build
        errors = [report.text_line(f) for f in report.for_user(exc.findings, ws.shown)]
        warnings = [report.text_line(f) for f in report.for_user(exc.warnings, ws.shown)]
        again = [messages.label("errors_again", count=len(errors)), *errors] if warnings else []
        _echo_lines([*errors, *warnings, *again])
        raise
    result = built.result
    count = len(result.projects) + len(result.departments)
    said = (len(result.files), count, built.rendered, built.summary, confidential_dir)
    if not _said_as_remembered(ws, built.text, built.summary_line, said):
        _built_report(ws, result.findings, *said)
    if _LEFT is not None:  # freed with the process (`main`)
        _LEFT.append(built)
    return 0


def _said_as_remembered(ws: Workspace, text: str | bytes | None, summary_line: str, said: tuple[int, int, Any, Path, Path | None]) -> bool:
    """The warnings as a build remembered them for a replay (`text`, made once; as UTF-8 when the roll-up child made
    them) and its closing line, when standing at the root where they were made; False (nothing said): say them from
    the findings."""
    if text is None or ws.here != ws.root:
        return False
    if text:
        _echo_text(text)
    _built_report(ws, [], *said, summary_line=summary_line)
    return True


def _built_report(
    ws: Workspace,
    findings: list[Finding],
    files: int,
    count: int,
    rendered: Any,
    summary: Path,
    confidential_dir: Path | None,
    summary_line: str | None = None,
) -> None:
    """What `docgen build` says when it is done: the warnings, the summary line, what was rendered, where
    (`summary_line`: the closing line as a replayed build printed it, its warnings already written)."""
    warnings = [f for f in findings if f.is_warning]
    _echo_lines([report.text_line(f) for f in report.for_user(warnings, ws.shown)])  # one write: 1,000 projects can have 5,000
    click.echo(report.summary_line(findings, files) if summary_line is None else summary_line, err=True)
    folder = _shown(ws, summary.parent)
    for line in report.build_lines(rendered, folder, confidential_dir):
        click.echo(line, err=True)
    click.echo(messages.label("built", path=folder, count=count))


def _build_shard(
    ws: Workspace,
    spec: str | None,
    record: Path | None,
    *,
    force: bool,
    pdf: bool,
    confidential_dir: Path | None,
    jobs: int | None,
    strict: bool,
    rules: Path | None,
) -> int:
    """`docgen build --shard K/N`: one CI runner's part of the build (api.build_shard)."""
    from . import shard

    k, n = shard.parse_spec(spec or "")
    try:
        done = api.build_shard(
            ws, (k, n), record=record, rules=rules, force=force, pdf=pdf, include_confidential=confidential_dir,
            jobs=jobs, progress=report.Progress(), cache=_cache(), strict=strict,
        )  # fmt: skip
    except InvalidSubmissions as exc:
        _echo_lines([report.text_line(f) for f in report.for_user(exc.findings, ws.shown)])
        raise
    click.echo(report.summary_line(done.result.findings, len(done.result.files)), err=True)
    for line in report.build_lines(done.rendered, _shown(ws, ws.build), confidential_dir):
        click.echo(line, err=True)
    shown = _shown(ws, done.record)
    click.echo(messages.label("shard_built", shard=k, of=n, departments=done.departments, count=done.submissions, record=shown))
    return 0


@cli.command()
@click.argument("records", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "exports", multiple=True, type=click.Path(path_type=Path), help=messages.CLICK_HELP["merge_from"])
@ROOT_OPTION
@click.option("--strict", is_flag=True, help="正式报送：有「未填报」数据的文件也视为错误（E312），不生成。")
@RULES_OPTION
@handle_errors
def merge(records: tuple[Path, ...], exports: tuple[Path, ...], root: Path | None, strict: bool, rules: Path | None) -> int:
    """合并分片构建：读取全部 docgen build --shard K/N 的分片记录，生成汇总表和 build/summary.json，
    结果与单机 docgen build 逐字节相同。

    各分片作业的 build/（部门附件和报送包）须先放入本仓库的 build/。缺少或重复的分片、不同版本或表样的分片、
    损坏或被改动的记录：不写任何文件，退出码 1。

    加 --from：上级（省、或市汇总所辖区县）汇总下级的 docgen export-data 导出（SQLite 文件或 CSV 目录），不需要下级的
    报送文件，写到 build/federation/。导出缺少导出说明、含涉密内容或格式不符：不写任何文件，退出码 1。

    示例：docgen merge shards/shard-*-of-4.json；docgen merge --from 平鲁区.sqlite --from 右玉县/
    """
    if bool(records) == bool(exports):
        raise Refused(messages.message("E833"))
    if exports:
        return _federate(root, exports)
    ws = _workspace(root)
    try:
        merged = api.merge(list(records), ws, rules=rules, cache=_cache(), strict=strict)
    except InvalidSubmissions as exc:
        _echo_lines([report.text_line(f) for f in report.for_user(exc.findings, ws.shown)])
        raise
    for note in merged.notes:
        click.echo(note, err=True)
    shown = _shown(ws, merged.summary.parent)
    count = len(merged.result.projects) + len(merged.result.departments)
    click.echo(messages.label("shard_merged", of=merged.shards, path=shown, count=count))
    return 0


def _federate(root: Path | None, exports: tuple[Path, ...]) -> int:
    """`docgen merge --from`: an upper level needs no submissions/ of its own, so the current folder serves as root."""
    try:
        ws = _workspace(root)
    except Refused:
        ws = Workspace.at(Path("."))
    done = api.federate(list(exports), ws)
    for warning in done.warnings:
        click.echo(warning, err=True)
    shown = _shown(ws, done.written[0].parent)
    regions = len({s.region for s in done.sources})
    click.echo(messages.label("federation_written", sources=len(done.sources), regions=regions, periods=len(done.periods), path=shown))
    return 0


@cli.command()
@ROOT_OPTION
@RULES_OPTION
@handle_errors
def rollup(root: Path | None, rules: Path | None) -> int:
    """只生成汇总表：每个部门一张（每个项目一行），全市一张（每个部门一行，另有全部项目明细）。

    写入 build/<期间>/；涉密项目计入合计但不列名称。有错误时不生成，退出码 1。

    示例：docgen rollup
    """
    ws = _workspace(root)
    try:
        _, written = api.rollups(ws, rules=rules, cache=_cache())
    except InvalidSubmissions as exc:  # say where, as build does
        _echo_lines([report.text_line(f) for f in report.for_user(exc.findings, ws.shown)])
        raise
    for path in written:
        click.echo(messages.MONITOR_LABELS["rollup_written"].format(path=_shown(ws, path)))
    if not written:
        click.echo(messages.MONITOR_LABELS["rollup_unchanged"].format(path=_shown(ws, ws.build)))
    return 0


@cli.command("rules")
@_root_option("项目根目录（含 schema/rules.yaml）；不指定时从当前目录逐级向上查找。")
@click.option("--init", is_flag=True, help="把内置默认规则写入 schema/rules.yaml（已存在时不覆盖），供财政局或主管部门调整。")
@RULES_OPTION
@handle_errors
def rules_command(root: Path | None, init: bool, rules: Path | None) -> int:
    """列出生效的预警规则：代码、类别、名称、灯或阈值，以及是否启用、科研类是否豁免。

    内置默认值被 schema/rules.yaml（或 --rules 指定的文件）中写出的项覆盖。

    示例：docgen rules；docgen rules --init
    """
    ws = _files_workspace((), root)
    if init:
        click.echo(messages.MONITOR_LABELS["rules_created"].format(path=ws.shown(api.init_rules(ws))))
        return 0
    ruleset, findings = api.ruleset(ws, rules)
    for finding in report.for_user(findings, ws.shown):
        click.echo(report.text_line(finding), err=True)
    if ruleset is None:
        return 1
    click.echo(report.rules_table(ruleset))
    return 0


@cli.command()
@click.argument("kind", type=click.Choice(["project", "department", "period", "roster"]))
@click.argument("new_period", required=False, metavar="[期间]")
@click.option("--period", help="监控期间，如 2025-06（2025年1-6月）。")
@click.option("--department-code", "department_code", help="主管部门代码，如 101（project、department 必填）。")
@click.option("--code", help="项目代码（project 必填）。")
@click.option("--name", help="项目名称（名单中有该项目时可省略）。")
@click.option("--unit", help="预算单位（名单中有时可省略）。")
@click.option("--department", help="主管部门名称（名单中有时可省略）。")
@click.option("--from", "source", help="period：沿用哪一期，如 2025-06。")
@click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), help="period、roster：名单的截止日期，如 2025-10-31（默认次月末）。")
@ROOT_OPTION
@handle_errors
def new(
    kind: str,
    new_period: str | None,
    period: str | None,
    department_code: str | None,
    code: str | None,
    name: str | None,
    unit: str | None,
    department: str | None,
    source: str | None,
    deadline: Any,
    root: Path | None,
) -> int:
    """生成待填写的文件：project、department 生成一个报送文件（带编辑器提示用的 $schema 行，内容取自本期名单）；
    period 从上一期开一个新期间：名单和每个报送文件都沿用过来（身份、预算、目标、指标保留，本期要填的数据为「未填报」，
    已有的文件不覆盖）；roster 为还没有名单的期间生成名单。

    示例：docgen new project --period 2025-06 --department-code 101 --code 101-2025-001；
    docgen new period 2025-09 --from 2025-06；docgen new roster --period 2025-09
    """
    period = period or new_period
    if not period:
        raise Refused(messages.export_label("new_needs_period"))
    api.parse_period(period)  # before anything is looked up: 「2025-13」 is refused in Chinese
    due = deadline.date() if deadline else None
    if kind in ("period", "roster"):
        return _new_period(kind, period, source, due, root)
    if not department_code:
        raise Refused(messages.export_label("new_needs_department"))
    if kind == "project" and not code:
        raise Refused("project 需要 --code 项目代码")
    ws = _workspace(root)
    target, notes = api.new(kind, ws, period, department_code, code=code, name=name, unit=unit, department=department)
    for note in notes:
        click.echo(note, err=True)
    click.echo(messages.label("created", path=ws.shown(target)))
    return 0


def _new_period(kind: str, period: str, source: str | None, deadline: Any, root: Path | None) -> int:
    """`docgen new period` and `docgen new roster`: what was created, what was kept, and the notes."""
    ws = _workspace(root)
    if kind == "roster":
        opened = api.new_roster(ws, period, deadline=deadline)
    elif not source:
        raise Refused(messages.export_label("new_needs_source"))
    else:
        try:
            opened = api.new_period(ws, period, source, deadline=deadline)
        except InvalidSubmissions as exc:
            _echo_lines([report.text_line(f) for f in report.for_user(exc.findings, ws.shown)])
            raise
    for path in opened.created:
        click.echo(messages.export_label("period_created", path=ws.shown(path)))
    for path in opened.kept:
        click.echo(messages.export_label("period_kept", path=ws.shown(path)), err=True)
    _echo_lines(opened.notes)
    if kind == "period":
        click.echo(messages.export_label("period_summary", period=period, created=len(opened.created), kept=len(opened.kept)), err=True)
    return 0


@cli.command("export")
@click.option("--period", help="监控期间，如 2025-09（xlsx 必填；sqlite、csv 只导出这一期的报送，默认全部期间）。")
@click.option("--department", "department", help="只导出这个主管部门（代码，如 101；仅 xlsx）。")
@click.option(
    "--per",
    type=click.Choice(["unit", "project"]),
    default="unit",
    show_default=True,
    help="unit：每个预算单位一个工作簿；project：每个项目一个（仅 xlsx）。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*api.EXPORT_FORMATS, *api.DATA_FORMATS]),
    default="xlsx",
    show_default=True,
    help="xlsx：待填写的附件2/附件3；sqlite：供分析的 SQLite 文件（默认 build/docgen.sqlite）；csv：每张表一个 CSV。",
)
@click.option(
    "--out", type=click.Path(path_type=Path), help="写入此目录（xlsx 默认 build/export/；csv 默认 build/export-csv/）；sqlite 写入此文件。"
)
@click.option("--region", default="", help=messages.CLICK_HELP["export_region"] + "（仅 sqlite、csv）")
@ROOT_OPTION
@RULES_OPTION
@handle_errors
def export_command(
    period: str | None, department: str | None, per: str, fmt: str, out: Path | None, region: str, root: Path | None, rules: Path | None
) -> int:
    """导出待填写的表格，发给各单位填写（--format xlsx）；或导出全部数据供分析（--format sqlite|csv）。

    xlsx：每个预算单位一个工作簿（每个项目一张附件2），每个部门一个附件3。按官方格式，已知的内容（项目信息、
    预算、目标、指标）已预填并锁定；本期要填的单元格为黄色底纹，「完成目标可能性」只能打「√」，数字格可从下拉
    列表选「未填报」；批注是上期数。工作表保护无密码。填好后用 docgen import 读回。本期报送有错误时不导出（退出码 1）。

    sqlite、csv：报送（含未通过校验的）、资金表、绩效指标、校验和监控发现的问题（含错误）、审核状态和意见、
    整改台账（含是否逾期）、结果应用、迟报天数和修改历史，表结构见 docs/export.md，可用 Datasette、Excel 或 pandas 打开。

    涉密项目不导出；涉密项目不足规定个数的部门，部门整体不导出金额和指标。

    示例：docgen new period 2025-09 --from 2025-06 && docgen export --period 2025-09 --department 101；
    docgen export --format sqlite；docgen export --format csv --out 分析/ --period 2025-06
    """
    ws = _workspace(root)
    if fmt in api.DATA_FORMATS:
        source = click.get_current_context().get_parameter_source
        for name, option in (("department", "--department"), ("per", "--per"), ("rules", "--rules")):
            if source(name) is not click.core.ParameterSource.DEFAULT:
                raise Refused(messages.label("export_xlsx_only", option=option))
        return _export_data(ws, fmt, out, period, region)
    if region:
        raise Refused(messages.label("export_data_only", option="--region"))
    if period is None:
        raise Refused(messages.label("export_needs_period"))
    if out is not None and out.exists() and not out.is_dir():
        raise Refused(messages.label("export_out_is_file", path=out))
    try:
        done = api.export(ws, period, department=department, per=per, out=out, fmt=fmt, rules=rules)
    except InvalidSubmissions as exc:
        _echo_lines([report.text_line(f) for f in report.for_user(exc.findings, ws.shown)])
        raise
    for path in done.written:
        click.echo(messages.export_label("export_written", path=_shown(ws, path)))
    if done.confidential:
        click.echo(messages.export_label("export_confidential", count=done.confidential), err=True)
    if done.withheld:
        click.echo(messages.export_label("export_withheld", count=done.withheld, pool=done.pool), err=True)
    click.echo(messages.export_label("export_summary", period=period, count=len(done.written), folder=_shown(ws, done.folder)), err=True)
    return 0


def _export_data(ws: Workspace, fmt: str, out: Path | None, period: str | None, region: str = "") -> int:
    """`docgen export --format sqlite|csv` (and its old name export-data): the analysts' data, each file written named."""
    for path in api.export_data(ws, fmt, out, period=period, region=region):
        click.echo(messages.label("export_data_written", path=_shown(ws, path)))
    return 0


@cli.command("import-figures")
@click.argument("sheet", type=click.Path(path_type=Path, dir_okay=False), metavar="表格文件")
@click.option("--mapping", required=True, help="列对照文件（.yaml），或内置对照的名称：一体化。")
@click.option("--period", help="更新哪一期的报送（默认：submissions/ 下最新的一期）。")
@click.option("--ignore-unmatched", is_flag=True, help="表格中找不到报送文件的项目只列出为警告，其余照常更新。")
@click.option("--dry-run", is_flag=True, help="只列出将要更新的内容，不写入。")
@ROOT_OPTION
@handle_errors
def import_figures(sheet: Path, mapping: str, period: str | None, ignore_unmatched: bool, dry_run: bool, root: Path | None) -> int:
    """从预算管理一体化系统、国库集中支付等导出的表格（.xlsx 或 .csv）批量更新执行数：下达数、支出数、全年预计支出数。

    按项目代码找到本期的报送文件，按资金来源列（有时）更新对应的一行；只改这几个数，文字和注释一字不动。
    列的对照写在一个小的 YAML 文件中（见 README「批量导入执行数」），内置「一体化」。有任何问题（找不到的项目、
    对应多个文件的代码、不是数字的金额……）时逐条列出，不修改任何文件，退出码 1。

    示例：docgen import-figures 执行情况.xlsx --mapping 一体化 --period 2025-09
    """
    ws = _workspace(root)
    planned = api.import_figures(ws, sheet, mapping, period=period, ignore_unmatched=ignore_unmatched, dry_run=dry_run)
    for problem in planned.problems:
        click.echo(problem.text(), err=True)
    if planned.errors:
        click.echo(messages.export_label("figures_failed", count=len(planned.errors)), err=True)
        return 1
    name = "figures_would_update" if dry_run else "figures_updated"
    for change in planned.changes:
        click.echo(messages.export_label(name, path=ws.shown(change.path), fields="、".join(change.changed)))
    click.echo(
        messages.export_label("figures_summary", lines=planned.lines, changed=len(planned.changes), same=len(planned.unchanged)), err=True
    )
    return 0


@cli.command("import-targets")
@click.argument("sheet", type=click.Path(path_type=Path, dir_okay=False), metavar="表格文件")
@click.option("--period", required=True, help="批复目标放在哪一期（如 2025-06）；各项目的主管部门按该期名单确定。")
@click.option("--mapping", help="列对照文件（.yaml），或内置对照的名称；默认内置「批复目标」。")
@click.option("--force", is_flag=True, help="已有的批复目标文件内容不同时也覆盖（默认不覆盖，逐个列出）。")
@click.option("--dry-run", is_flag=True, help="只检查并列出将要写入的文件，不写入。")
@ROOT_OPTION
@handle_errors
def import_targets(sheet: Path, period: str, mapping: str | None, force: bool, dry_run: bool, root: Path | None) -> int:
    """从预算批复的绩效目标表（.xlsx、.xls 或 .csv，每个三级指标一行）导入批复目标，作为本期报送的基准。

    每行写项目代码、一级/二级/三级指标和指标值；按名单找到项目的主管部门，每个部门写一个
    submissions/<期间>/批复目标/<部门代码>.yaml。有任何问题（空格、不在名单中的项目、不属于固定分类的指标……）
    时逐条列出所在单元格，不写任何文件，退出码 1；已有文件内容不同时不覆盖，除非加 --force。

    示例：docgen import-targets 批复目标.xlsx --period 2025-06
    """
    ws = _workspace(root)
    written = api.import_targets(ws, sheet, period, mapping=mapping, force=force, dry_run=dry_run)
    for problem in written.problems:
        click.echo(problem.text(), err=True)
    if written.problems:
        click.echo(messages.message("E616", count=len(written.problems)), err=True)
        return 1
    for path, changes in written.refused.items():  # as `docgen import` says it: the file exists, here is what differs
        line = f"{ws.shown(path)}: {messages.SEVERITY['error']} E617 {messages.message('E617', count=len(changes))}"
        click.echo(line, err=True)
        for line in changes:
            click.echo(messages.label("import_change", text=line), err=True)
    if written.refused:
        click.echo(messages.label("import_refused", count=len(written.refused)), err=True)
        return 1
    for path in written.files:
        click.echo(ws.shown(path))
    shown = ws.shown(written.folder)
    name = "import_would_write" if dry_run else "import_written"
    click.echo(messages.targets_text(name, count=len(written.files), folder=shown, same=len(written.unchanged)), err=True)
    return 0


@cli.command(short_help="根据名单中的审核人生成代码所有者文件（CODEOWNERS），供 GitHub、GitLab、Gitee 自动指派审核人")
@click.option(
    "--format", "platform", type=click.Choice(["github", "gitlab", "gitee"]), default="github", show_default=True, help="代码托管平台。"
)
@click.option(
    "--output", "-o", "out", type=click.Path(path_type=Path, dir_okay=False), help="写入此文件；写 - 时输出到屏幕。默认写入平台读取的位置。"
)
@ROOT_OPTION
@handle_errors
def codeowners(platform: str, out: Path | None, root: Path | None) -> int:
    """生成代码所有者文件：各部门的目录和本部门的审核、整改文件交给名单中该部门的「审核人」，
    市财政局的审核意见、结果应用和名单交给「财政局审核人」。

    示例：docgen codeowners --format gitlab
    """
    ws = _workspace(root)
    text, target, _ = api.codeowners(ws, platform)
    if out is not None and str(out) == "-":
        click.echo(text, nl=False)
        return 0
    path = ws.absolute(out) if out is not None else ws.file(target)
    output.write_text(path, text, owner=None if out is not None else ws.root)  # the default place: never through a link
    click.echo(messages.review_text("codeowners_written", path=ws.shown(ws.relative(path)), platform=platform))
    return 0


@cli.command(short_help="生成市财政局对各部门的审核结果反馈（Word，公文格式）：审核意见、退回和红灯事项、整改要求")
@click.option("--period", help="只生成此期间的反馈，如 2025-06；默认全部期间。")
@click.option("--department", help="只生成此部门（主管部门代码）的反馈；默认全部部门。")
@click.option("--output", "-o", "out", type=click.Path(path_type=Path, file_okay=False), help="输出目录，默认 build/。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转成 PDF。")
@ROOT_OPTION
@handle_errors
def feedback(period: str | None, department: str | None, out: Path | None, pdf: bool, root: Path | None) -> int:
    """按部门生成市财政局的《绩效运行监控审核结果反馈》（.docx，与附件1相同的公文格式）：
    各项报送的审核意见，退回修改和红灯的事项及原因，整改要求和期限，结果应用。涉密项目不列名称和代码，也不计入份数；
    涉密项目少于 k 个的部门，其部门整体不列红灯和指标问题（与 docgen build 一样不公开）。

    示例：docgen feedback --period 2025-06 --department 101
    """
    ws = _workspace(root)
    written = api.feedback(ws, period=period, department=department, out=ws.absolute(out) if out is not None else None, pdf=pdf)
    for path in written:
        click.echo(ws.shown(path))
    click.echo(messages.review_text("feedback_written", count=len(written), folder=ws.shown(ws.relative(out or ws.build))), err=True)
    return 0


@cli.command("check-scope", short_help="检查一次改动是否只涉及一个部门（或市财政局）的文件；跨部门的改动拒绝")
@click.option("--base", help="比较的起点（合并请求的目标分支，如 origin/main）；检查从它分出以来的改动。")
@click.option("--head", help="比较的终点，默认 HEAD。")
@click.option("--staged", is_flag=True, help="检查 git 暂存区中将要提交的改动（供提交前的钩子使用）。")
@click.option("--department", help="只允许涉及此部门代码的文件；不指定时以改动中第一个部门为准。")
@click.option("--bureau", is_flag=True, help="市财政局的改动：可以涉及所有文件。")
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="text",
    show_default=True,
    help="text 供人阅读，json 供工具，github 生成 GitHub 注释，codequality 生成 GitLab 代码质量报告。",
)
@ROOT_OPTION
@handle_errors
def check_scope(base: str | None, head: str | None, staged: bool, department: str | None, bureau: bool, fmt: str, root: Path | None) -> int:
    """检查改动的范围：一个合并请求（或一次提交）只能改一个部门的文件；改了其他部门的报送、
    审核文件或名单的，逐个列出并以退出码 1 拒绝（E605）。

    示例：docgen check-scope --base origin/main
    """
    ws = _workspace(root)
    findings = api.check_scope(ws, base, head=head, staged=staged, department=department, bureau=bureau)
    text = report.render(report.for_user(findings, ws.shown, fmt), fmt, len({f.path for f in findings}))
    if text:
        click.echo(text)
    return 1 if findings else 0


@cli.command("new-review", short_help="生成审核目录中的一个待填写文件：审核意见（review）、整改（rectification）或结果应用（application）")
@click.argument("kind", type=click.Choice(["review", "rectification", "application"]))
@click.option("--period", required=True, help="监控期间，如 2025-06（2025年1-6月）。")
@click.option("--department-code", "department_code", required=True, help="被审核的主管部门代码，如 101。")
@click.option("--bureau", is_flag=True, help="审核意见由市财政局出具（文件名 财政局-<代码>.yaml）；不加时为部门自己的审核意见。")
@ROOT_OPTION
@handle_errors
def new_review(kind: str, period: str, department_code: str, bureau: bool, root: Path | None) -> int:
    """在 submissions/<期间>/审核/ 中生成审核意见、整改或结果应用文件（带编辑器提示用的 $schema 行和示例）。

    示例：docgen new-review review --period 2025-06 --department-code 101 --bureau
    """
    ws = _workspace(root)
    target = api.new_review(kind, ws, period, department_code, bureau=bureau)
    click.echo(messages.label("created", path=ws.shown(target)))
    return 0


@cli.command()
@click.argument("kind", type=click.Choice(sorted(R.SCHEMAS)), required=False, metavar="[种类]")
@click.option("--export", "export_dir", type=click.Path(path_type=Path, file_okay=False), help="把全部模式文件写入此目录。")
@handle_errors
def schema(kind: str | None, export_dir: Path | None) -> int:
    """输出 JSON Schema（供编辑器补全和提示），或用 --export 写入目录。

    示例：docgen schema project；docgen schema --export schema/
    """
    profile = api.profile_here()  # the forms of the repository the user stands in (docgen.yaml), else the default
    if export_dir:
        for path in R.export(export_dir, profile):
            click.echo(str(path))
        return 0
    import json

    click.echo(json.dumps(R.schema_for(kind or "project", profile), ensure_ascii=False, indent=2))
    return 0


@cli.group("profile", cls=click_zh.Group)
def profile_group() -> None:
    """表样：本仓库的监控表由哪个表样描述（仓库根目录的 docgen.yaml 选定），检查和查看表样。

    示例：docgen profile list；docgen profile check；docgen profile show --form department
    """


@profile_group.command("list")
@handle_errors
def profile_list() -> int:
    """列出 docgen 内置的表样（编号、名称、层级），标出本仓库正在使用的一个。"""
    profiles, current = api.profile_list()
    click.echo(messages.PROFILE["list_header"])
    for p in profiles:
        mark = messages.PROFILE["list_current"] if p.id == current else ""
        click.echo(messages.PROFILE["list_line"].format(id=p.id, name=p.name, level=p.level, current=mark))
    return 0


@profile_group.command("check")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False), required=False)
@handle_errors
def profile_check(path: Path | None) -> int:
    """检查表样文件（默认：docgen.yaml 选定的表样），一次列出全部错误，每个错误带行号；有错误时退出码为 1。

    示例：docgen profile check；docgen profile check profiles/我们的表.yaml
    """
    ws = _files_workspace((path,) if path else ())
    profile, findings, checked = api.profile_check(path)
    for finding in report.for_user(findings, ws.shown):
        click.echo(report.text_line(finding))
    if profile is None or any(f.is_error for f in findings):
        click.echo(messages.PROFILE["check_failed"].format(path=ws.shown(checked), count=sum(f.is_error for f in findings)), err=True)
        return 1
    click.echo(messages.PROFILE["check_ok"].format(path=ws.shown(checked), name=profile.name, id=profile.id, level=profile.level))
    return 0


@profile_group.command("show")
@click.option(
    "--form",
    "kind",
    type=click.Choice(["project", "department"]),
    default="project",
    show_default=True,
    help="project：附件2；department：附件3。",
)
@handle_errors
def profile_show(kind: str) -> int:
    """按本仓库的表样画出表格（各行、合并的单元格、各列的顺序和起止），以及报送文件中的键，供与纸质表对照。

    示例：docgen profile show；docgen profile show --form department
    """
    click.echo(api.profile_show(kind), nl=False)
    return 0


@cli.command()
@ROOT_OPTION
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="按此日期计算距截止日期的天数（默认今天），如 2025-07-20。")
@click.option("--strict", is_flag=True, help="有报送未通过校验时退出码为 1（站点照常生成）。")
@handle_errors
def site(root: Path | None, today: Any, strict: bool) -> int:
    """生成状态站点（MkDocs Material）到 site/：报送情况、各部门和项目的数据、修改记录。

    有错误的报送不会中断生成，在站点中标为「有错误」并列出错误；涉密项目不出现在站点中。
    先运行 docgen build 可在项目页提供附件下载。

    示例：docgen site --today 2025-07-20
    """
    ws = _workspace(root)
    done = api.site(ws, today=today.date() if today else None, cache=_cache())
    model = done.model
    click.echo(
        messages.site_label(
            "built",
            path=_shown(ws, done.output),
            pages=done.pages,
            periods=len(model.periods),
            submissions=sum(e.submitted for e in model.entries()),
            errors=done.invalid,
        )
    )
    if done.invalid:
        click.echo(messages.site_label("invalid_listed", count=done.invalid), err=True)
    return 1 if strict and done.invalid else 0


@cli.command("export-data", short_help="（将删除）同 docgen export --format sqlite|csv。")
@click.option("--format", "fmt", type=click.Choice(list(api.DATA_FORMATS)), required=True, help="sqlite 或 csv，同 docgen export。")
@click.option("--out", type=click.Path(path_type=Path), help="sqlite 写入此文件，csv 写入此目录。")
@click.option("--period", help="只导出这一期的报送，如 2025-06（默认全部期间）。")
@click.option("--region", default="", help=messages.CLICK_HELP["export_region"])
@ROOT_OPTION
@handle_errors
def export_data_command(fmt: str, out: Path | None, period: str | None, region: str, root: Path | None) -> int:
    """旧名称，将在下一版本删除：请改用 docgen export --format sqlite|csv（参数相同）。

    示例：docgen export --format sqlite（即原来的 docgen export-data --format sqlite）
    """
    # First named export-data; every export now lives under `export`. Kept one release (never in a tagged one, but
    # scripts written against development builds, and the docs people copied from, use it), then removed.
    click.echo(messages.label("export_data_alias", format=fmt), err=True)
    return _export_data(_workspace(root), fmt, out, period, region)


@cli.command(short_help="比较两个 git 版本的报送数据，逐项列出修改（供审核合并请求）。")
@click.argument("base", metavar="基准版本")
@click.argument("head", required=False, metavar="[比较版本]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown 可直接贴到合并请求评论中；json 供工具使用。",
)
@click.option("--output", "-o", "out", type=click.Path(path_type=Path, dir_okay=False), help="写入文件而不是屏幕输出。")
@ROOT_OPTION
@handle_errors
def diff(base: str, head: str | None, fmt: str, out: Path | None, root: Path | None) -> int:
    """比较两个 git 版本的报送数据：逐项列出修改前后的填报数、计算结果、新增/删除的绩效指标、
    新出现/已消除的校验问题，以及新增、删除、重命名的文件。

    比较版本省略时与工作区（含未提交的修改）比较。

    示例：docgen diff origin/main；docgen diff main HEAD --format json -o diff.json
    """
    text = api.diff_text(_workspace(root), base, head, fmt)
    if out is None:
        click.echo(text, nl=False)
    else:
        output.write_text(out, text)
        click.echo(messages.label("diff_written", path=out), err=True)
    return 0


@cli.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="只检查、不改写：列出需要整理的文件，有则退出码 1（供 CI 和 pre-commit 使用）。")
@click.option("--diff", "show_diff", is_flag=True, help="显示将要做的改动（不改写文件）。")
@handle_errors
def fmt_command(paths: tuple[Path, ...], check: bool, show_diff: bool) -> int:
    """把报送文件整理成规范格式（默认：submissions/ 下全部文件）。

    键按表格顺序排列，逐项分行书写，缩进 2 格，金额去掉多余的写法（值不变）；全部注释保留。
    只改格式，不改任何值；有 YAML 错误的文件不动，退出码 1。

    示例：docgen fmt；docgen fmt --check submissions/2025-06/
    """
    ws = _files_workspace(paths) if paths else _workspace()  # as validate: no file named, the project found by walking up
    results = api.fmt(list(paths) or [Path(ws.shown(api.SUBMISSIONS))], write=not (check or show_diff), workspace=ws)
    dry = check or show_diff
    for result in results:
        shown = Path(ws.shown(result.path))
        if result.refused:
            for finding in report.for_user(result.findings, ws.shown):
                click.echo(report.text_line(finding), err=True)
            click.echo(messages.label("fmt_refused", path=shown), err=True)
        elif result.changed and result.after is not None:
            if show_diff:
                click.echo(report.unified_diff(shown.as_posix(), result.before, result.after), nl=False)
            click.echo(messages.label("fmt_would_change" if dry else "fmt_changed", path=shown))
    changed = sum(r.changed for r in results)
    refused = sum(r.refused for r in results)
    counts = {"changed": changed, "same": len(results) - changed - refused}
    click.echo(messages.label("fmt_check_summary" if dry and changed else "fmt_summary", **counts), err=True)
    if refused:
        click.echo(messages.label("fmt_refused_summary", refused=refused), err=True)
    return 1 if refused or (check and changed) else 0


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="覆盖内容不同的已有报送文件（默认只列出将要做的修改，不覆盖）。")
@click.option("--dry-run", "dry_run", is_flag=True, help="只读取和校验，列出将要新建或修改的文件，不写入。")
@handle_errors
def import_command(files: tuple[Path, ...], force: bool, dry_run: bool) -> int:
    """把填好的附件2/附件3（.xlsx，或经 LibreOffice 转换的 .xls）导入为报送文件。

    按表名和栏目名找到表格（不依赖单元格位置），写入本期、本部门的目录（项目按名单对应项目代码）。
    有任何问题时逐条指出工作簿、工作表和单元格，一个文件也不写；已有文件内容不同时列出逐项修改，加 --force 才覆盖。

    示例：docgen import 附件2-101-2025-001-城乡义务教育家庭经济困难学生生活补助.xlsx
    """
    ws = _workspace()
    done = api.import_workbooks(list(files), force=force, dry_run=dry_run, workspace=ws)
    for problem in done.problems:
        click.echo(problem.text(), err=True)
    if done.problems:
        click.echo(messages.label("import_failed", count=len(done.problems)), err=True)
        return 1
    for plan in done.refused:
        click.echo(messages.message("E521", path=ws.shown(plan.target), count=len(plan.changes)), err=True)
        for line in plan.changes:
            click.echo(messages.label("import_change", text=line), err=True)
    if done.refused:
        click.echo(messages.label("import_refused", count=len(done.refused)), err=True)
        return 1
    for plan in done.planned:
        shown = ws.shown(plan.target)
        if plan.status == "same":
            click.echo(messages.label("import_same", path=shown, source=plan.source))
        elif dry_run:
            name = "import_would_create" if plan.status == "created" else "import_would_update"
            click.echo(messages.label(name, path=shown, source=plan.source, count=len(plan.changes)))
        else:
            name = "import_created" if plan.status == "created" else "import_updated"
            click.echo(messages.label(name, path=shown, source=plan.source, count=len(plan.changes)))
        if dry_run or plan.status == "updated":
            for line in plan.changes:
                click.echo(messages.label("import_change", text=line))
    if done.findings:  # the warnings of the files just written, located as `docgen validate` prints them
        written = sum(p.status != "same" for p in done.planned)
        click.echo(report.render(report.for_user(done.findings, ws.shown), "text", written))
        click.echo(report.summary_line(done.findings, written), err=True)
    counts = {s: sum(p.status == s for p in done.planned) for s in ("created", "updated", "same")}
    summary = messages.label("import_summary", files=done.workbooks, sheets=len(done.planned), **counts)
    click.echo(summary + (messages.label("import_dry_run") if dry_run else ""), err=True)
    return 0


@cli.command("install-hook")
@click.option("--force", is_flag=True, help="覆盖已有的别的 pre-commit 钩子（原钩子备份为 pre-commit.docgen-backup）。")
@click.option("--uninstall", is_flag=True, help="卸载 docgen 的钩子（并恢复备份的原钩子）。")
@handle_errors
def install_hook(force: bool, uninstall: bool) -> int:
    """安装 git 提交前钩子：每次 git commit 前校验暂存的报送文件，有错误时拒绝提交。

    适合不使用 pre-commit 框架的仓库；钩子运行 docgen validate --staged。

    示例：docgen install-hook
    """
    target, backup = api.install_hook(force=force, uninstall=uninstall, workspace=_files_workspace(()))
    if uninstall:
        click.echo(messages.label("hook_uninstalled", path=target))
        return 0
    if backup:
        click.echo(messages.label("hook_backup", path=backup))
    click.echo(messages.label("hook_installed", path=target))
    return 0


@cli.command()
@click.option("--outputs", is_flag=True, help=messages.CLICK_HELP["clean_outputs"])
@ROOT_OPTION
@handle_errors
def clean(outputs: bool, root: Path | None) -> int:
    """删除 docgen 为本项目保存的缓存（在用户缓存目录中，不在仓库里）；加 --outputs 时同时删除 build/ 和 site/。

    输出看起来过时、或想确认结果不依赖缓存时使用；下次运行会重新计算（也可用 docgen --no-cache 临时不用缓存）。

    示例：docgen clean；docgen clean --outputs
    """
    ws = _workspace(root)
    cleaned = api.clean(ws, outputs=outputs)
    for path in cleaned.cache:
        click.echo(messages.label("cleaned_cache", path=path))
    for path in cleaned.outputs:
        click.echo(messages.label("cleaned_output", path=_shown(ws, path)))
    if not cleaned.cache and not cleaned.outputs:
        click.echo(messages.label("cleaned_nothing", path=Store(ws.root).location("*").parent))
    return 0


#: What a command that has said everything leaves to the end of the process, when run as the console script (`main`):
#: never freed object by object. None elsewhere (tests, a caller of the group): nothing is kept.
_LEFT: list[object] | None = None


def main() -> int:
    """The console-script entry point: run the group and return its exit code instead of exiting.

    A command that leaves what it made in `_LEFT` (`docgen build`, once it has said everything: its checked tree,
    10,000 records and 47,000 findings at 10,000 projects) ends the process here with its output flushed, neither
    freeing them one by one (~0.07 s) nor waiting for the interpreter's own cleanup, as its forked children end: its
    children are joined and its files closed by then."""
    global _LEFT
    _LEFT = []
    children.stop_workers_on_signals()
    gc.freeze()  # what the imports made lives to the end: no collection of the command's walks it again
    code = 0
    try:
        cli.main(standalone_mode=True)
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        # the process ends here: its last collection, as the interpreter exits, need not walk everything a command
        # kept (a one-edit build at 10,000 projects: ~0.04 s)
        gc.freeze()
    if _LEFT:
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # None: started with it closed (`docgen build >&-`)
                    stream.flush()
        except OSError:  # a closed pipe: as the interpreter ends when it cannot flush them
            code = code or 120
        os._exit(code)
    return code
