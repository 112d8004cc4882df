"""Click's own framing in Chinese: the usage line, help headings, value placeholders and its usage errors.

A clerk who mistypes a command should read 「错误：缺少参数 …」, not "Error: Missing argument". Click wraps
these strings in gettext, but a translation would have to be switched on through the locale environment,
which git, LibreOffice and MkDocs inherit from docgen; so the framing is replaced here, through Click's
extension points (formatter, context and command classes), and its usage errors are said from their
attributes. The texts are in messages.CLICK.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click

from . import messages as M
from .textwidth import WIDE, WIDE_CLASS, width

T, W = M.CLICK, M.CLICK_WORDS
_PLACEHOLDERS = sorted((w for w in W if w.replace(" ", "").isupper()), key=len, reverse=True)  # INTEGER RANGE before INTEGER
_WORDS = re.compile(r"\b(" + "|".join(map(re.escape, _PLACEHOLDERS)) + r")\b")
_DATE_METAVAR = "[%Y-%m-%d]"


def words(text: str) -> str:
    """Click's English placeholders (DIRECTORY, INTEGER …) in a usage line or an option's column, in Chinese."""
    return _WORDS.sub(lambda m: W[m.group(1)], text.replace(_DATE_METAVAR, "[年-月-日]"))


#: A word of other scripts, a run of spaces, or one wide character: where a line may break.
_TOKENS = re.compile(f"[^\\s{WIDE_CLASS}]+|\\s+|.")


def _joined(lines: list[str]) -> str:
    """A paragraph's lines as one: no space is put where a line break fell between Chinese characters."""
    out = ""
    for line in (line.strip() for line in lines):
        if out and line and not (WIDE.match(out[-1]) or WIDE.match(line[0])):
            out += " "
        out += line
    return out


#: Punctuation that never starts a line (a simple 避头点 rule): it stays at the end of the line before.
_NO_LINE_START = set("，。、；：！？）」』》〉】”’,.;:!?)")
#: Brackets that never end a line: they go to the next line with what they open.
_NO_LINE_END = set("（「『《〈【“‘(")


def wrap(text: str, columns: int) -> list[str]:
    """Fill lines up to `columns` terminal columns: break between Chinese characters or at spaces.

    Punctuation that may not start a line takes the character before it along to the next line; an opening
    bracket never ends one.
    """
    lines: list[str] = []
    line: list[str] = []
    for token in _TOKENS.findall(text):
        if token.isspace() and not line:
            continue
        if line and not token.isspace() and width("".join(line) + token) > columns:
            carried: list[str] = []
            while token in _NO_LINE_START and len(line) > 1 and (not carried or carried[0] in _NO_LINE_START):
                carried.insert(0, line.pop())
            while len(line) > 1 and line[-1] in _NO_LINE_END:
                carried.insert(0, line.pop())
            lines.append("".join(line).rstrip())
            line = carried
        line.append(token)
    if "".join(line).strip():
        lines.append("".join(line).rstrip())
    return lines


class Formatter(click.HelpFormatter):
    """Click's help layout, measured in terminal columns and with Chinese headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, words(args), T["usage"] if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{W.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for number, paragraph in enumerate(re.split(r"\n\s*\n", text)):
            if number:
                self.write("\n")
            if paragraph.startswith("\b"):  # Click's mark for a paragraph written as it stands
                lines = paragraph.splitlines()[1:]
            else:
                lines = wrap(_joined(paragraph.splitlines()), max(self.width - self.current_indent, 20))
            for line in lines:
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max) + col_spacing
        text_width = max(self.width - first_col - self.current_indent - 2, 10)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(_joined(second.splitlines()), text_width) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class Context(click.Context):
    """Lets every command's help go through the column-aware Chinese `Formatter`."""

    formatter_class = Formatter


class Command(click.Command):
    """Every docgen command: Chinese help framing; the first sentence (up to 「。」) is its summary in lists."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", T["options_metavar"])
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = T["help"]
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help or not self.help:
            return super().get_short_help_str(limit)
        return _joined(self.help.strip().split("。", 1)[0].splitlines())

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [r for param in self.get_params(ctx) if not isinstance(param, click.Argument) and (r := _record(param, ctx))]
        if records:
            with formatter.section("Options"):
                formatter.write_dl(records)


class Group(Command, click.Group):
    """The `docgen` group: its commands are `Command`s, and Click's usage errors are said in Chinese."""

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", T["subcommand_metavar"])
        super().__init__(*args, **kwargs)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `docgen` alone: the help, as Click shows it
            click.echo(exc.ctx.get_help(), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            show(exc)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(T["aborted"], err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """An option's line in the help: its names and value placeholder, its help, and [默认：…；必填]."""
    record = param.get_help_record(ctx)
    if record is None or not isinstance(param, click.Option):
        return record
    extra = param.get_help_extra(ctx)
    items = []
    if "default" in extra:
        items.append(T["default"].format(default=extra["default"]))
    if "range" in extra:
        items.append(_range(extra["range"]))
    if "required" in extra:
        items.append(T["required"])
    text = param.help or ""
    if items:
        text = f"{text}  [{'；'.join(items)}]" if text else f"[{'；'.join(items)}]"
    return words(record[0]), text


def _range(text: str) -> str:
    """Click's "x>=1", "1<=x<=8" as ≥1, 1–8."""
    both = re.fullmatch(r"(\S+)<=x<=(\S+)", text)
    if both:
        return f"{both.group(1)}–{both.group(2)}"
    return re.sub(r"^x>=", "≥", re.sub(r"^x<=", "≤", text))


def show(exc: click.ClickException) -> None:
    """Print a Click error as Click would, in Chinese: the usage line, where to find help, what went wrong."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        lines = [ctx.get_usage()]
        if ctx.command.get_help_option(ctx) is not None:
            option = max(ctx.command.get_help_option_names(ctx), key=len)
            lines.append(T["try_help"].format(command=ctx.command_path, option=option))
        click.echo("\n".join(lines) + "\n", err=True)
    click.echo(T["error"].format(message=message(exc)), err=True)


def message(exc: click.ClickException) -> str:
    """What went wrong, from the exception's attributes; Click's English only where nothing better is known."""
    if isinstance(exc, click.exceptions.NoSuchOption):
        return T["no_such_option"].format(name=exc.option_name) + _did_you_mean(exc.possibilities)
    if isinstance(exc, click.exceptions.NoSuchCommand):
        return T["no_such_command"].format(name=exc.command_name) + _did_you_mean(exc.possibilities)
    if isinstance(exc, click.exceptions.MissingParameter):
        return _missing(exc)
    if isinstance(exc, click.BadParameter):
        return T["bad_value"].format(hint=_hint(exc), reason=_reason(exc))
    if isinstance(exc, click.BadOptionUsage):
        if "requires an argument" in exc.message:
            return T["needs_value"].format(name=exc.option_name)
        if "does not take a value" in exc.message:
            return T["takes_no_value"].format(name=exc.option_name)
    extra = re.match(r"^Got unexpected extra arguments? \((.*)\)$", exc.message)
    if extra:
        return T["extra_arguments"].format(args=extra.group(1))
    ctx = getattr(exc, "ctx", None)
    if exc.message == "Missing command." and ctx is not None:
        return T["missing_command"].format(command=ctx.command_path)
    return exc.format_message()


def _did_you_mean(possibilities: Sequence[str] | None) -> str:
    return T["did_you_mean"].format(possibilities="、".join(possibilities)) if possibilities else ""


def _hint(exc: click.BadParameter) -> str:
    """The parameter as the user typed it (--jobs / -j) or as the usage line names it, without Click's quotes."""
    if exc.param_hint is not None:
        hint = exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
    elif exc.param is not None:
        hint = words(exc.param.get_error_hint(exc.ctx))
    else:
        return ""
    return hint.replace("'", "")


def _missing(exc: click.exceptions.MissingParameter) -> str:
    hint = _hint(exc)
    kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
    text = T["missing_argument" if kind == "argument" else "missing_option"].format(hint=hint)
    if exc.param is not None and isinstance(exc.param.type, click.Choice):
        text += T["choose_from"].format(choices="、".join(map(str, exc.param.type.choices)))
    return text


def _reason(exc: click.BadParameter) -> str:
    """Why a value was refused, for the types docgen's options use; else Click's own words."""
    kind = exc.param.type if exc.param is not None else None
    quoted = re.match(r"^(?:\w+ )?'(.*?)' ", exc.message)
    value = quoted.group(1) if quoted else ""
    if isinstance(kind, click.Choice):
        return T["not_a_choice"].format(value=value, choices="、".join(map(str, kind.choices)))
    if isinstance(kind, click.types.IntParamType):
        ranged = re.match(r"^(.*) is not in the range (.*)\.$", exc.message)
        if ranged:
            return T["out_of_range"].format(value=ranged.group(1), range=_range(ranged.group(2)))
        return T["not_a_number"].format(value=value)
    if isinstance(kind, click.DateTime):
        return T["not_a_date"].format(value=value)
    if isinstance(kind, click.Path):
        for ending, key in (("does not exist.", "path_missing"), ("is a file.", "path_is_file"), ("is a directory.", "path_is_dir")):
            if exc.message.endswith(ending):
                return T[key].format(value=value)
    return exc.message
