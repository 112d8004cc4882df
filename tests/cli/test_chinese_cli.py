"""Click's own framing — usage lines, help headings, its usage errors — reaches the clerk in Chinese."""

from __future__ import annotations

import pytest

from docgen import click_zh
from docgen.cli import cli
from docgen.textwidth import width
from tests.conftest import ROOT

ENGLISH = ("Usage:", "Options:", "Commands:", "Error:", "Try '", "Show this message", "[default:", "Missing", "No such")


@pytest.mark.parametrize(
    ("args", "usage", "error"),
    [
        (
            ["new"],
            "用法：docgen new [选项] {project|department|period|roster} [期间]",
            "错误：缺少参数 {project|department|period|roster}，可选：project、department、period、roster",
        ),
        (["validate", "--bogus"], "用法：docgen validate [选项] [路径]...", "错误：没有选项 --bogus"),
        (["bild"], "用法：docgen [选项] 命令 [参数]...", "错误：没有命令 bild。是否想用：build？"),
        (["build", "--jobs", "x"], "用法：docgen build [选项]", "错误：--jobs / -j 的值无效：「x」不是整数"),
        (["build", "-j", "0"], "用法：docgen build [选项]", "错误：--jobs / -j 的值无效：0 超出允许的范围（≥1）"),
        (["build", "extra"], "用法：docgen build [选项]", "错误：多余的参数：extra"),
        (
            ["site", "--today", "2025/07/20"],
            "用法：docgen site [选项]",
            "错误：--today 的值无效：「2025/07/20」不是日期，应写成 2025-07-20 这样的格式",
        ),
        (["validate", "--format"], None, "错误：选项 --format 后面需要一个值"),  # Click knows no command here
        (
            ["validate", "--format", "xml"],
            "用法：docgen validate [选项] [路径]...",
            "错误：--format 的值无效：「xml」不是可选值，可选：text、json、github、codequality",
        ),
        (["diff"], "用法：docgen diff [选项] 基准版本 [比较版本]", "错误：缺少参数 基准版本"),
        (["--traceback"], "用法：docgen [选项] 命令 [参数]...", "错误：缺少命令。运行「docgen --help」查看全部命令"),
    ],
)
def test_usage_errors_are_said_in_chinese(run, args: list[str], usage: str | None, error: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    if usage is not None:
        assert lines[0] == usage
        command = "" if args[0] in ("bild", "--traceback") else f" {args[0]}"
        assert lines[1] == f"运行「docgen{command} --help」查看帮助。"
    assert lines[-1] == error
    assert not any(word in result.stderr for word in ENGLISH)


@pytest.mark.parametrize("command", [None, *sorted(cli.commands)])  # type: ignore[attr-defined]
def test_every_help_page_is_chinese_and_fits_80_columns(run, command: str | None) -> None:
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("用法：docgen") and "选项：" in text and "显示此帮助并退出。" in text
    assert not any(word in text for word in ENGLISH)
    assert max(width(line) for line in text.splitlines()) <= 80
    assert not any(
        line.strip()[:1] in set("，。、；：）") or line.strip()[-1:] in set("（「") for line in text.splitlines() if line.strip()
    )


def test_defaults_and_value_names_are_chinese(run) -> None:
    text = run("build", "--help").stdout
    assert "--root 目录" in text and "[默认：.]" in text and "-j, --jobs 整数" in text and "[≥1]" in text
    assert "日期" in run("site", "--help").stdout and "[年-月-日]" in run("site", "--help").stdout


def test_the_version_and_the_bare_command(run) -> None:
    assert run("--version").stdout.strip().startswith("docgen ")
    bare = run()
    assert "用法：docgen [选项] 命令 [参数]..." in bare.stdout + bare.stderr and "命令：" in bare.stdout + bare.stderr


def test_wrapping_counts_chinese_characters_as_two_columns_and_keeps_words_whole() -> None:
    lines = click_zh.wrap("校验全部报送文件，无错误时生成附件 build/summary.json 和汇总表。", 20)
    assert all(width(line) <= 20 for line in lines[:-1]) and "build/summary.json" in "".join(lines)
    assert "".join(lines).replace(" ", "") == "校验全部报送文件，无错误时生成附件build/summary.json和汇总表。"
    assert not any(line.startswith(("，", "。")) for line in lines)
    assert click_zh.wrap("甲乙丙丁戊，", 10) == ["甲乙丙丁", "戊，"]  # the comma takes the character before it along


def test_help_paragraphs_join_chinese_lines_without_spaces_and_keep_marked_ones() -> None:
    formatter = click_zh.Formatter(width=40)
    formatter.write_text("甲乙丙丁\n戊己 build/\nsummary.json\n\n\b\n  keep   this\n  as is")
    assert formatter.getvalue() == "甲乙丙丁戊己 build/ summary.json\n\n  keep   this\n  as is\n"


def test_the_readme_example_is_the_real_output(run) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("$ docgen new\n", 1)[1].split("```", 1)[0]
    assert run("new").stderr == example
