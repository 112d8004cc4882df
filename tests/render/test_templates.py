"""tables.yaml is committed, so hostile: every key and value is checked, with the line and key named in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docgen.errors import EnvironmentProblem
from docgen.render import templates

BUILTIN = (templates.BUILTIN / templates.TABLES_YAML).read_text(encoding="utf-8")


def style_with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in BUILTIN
    path = tmp_path / "tables.yaml"
    path.write_text(BUILTIN.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        pytest.param(
            'money: "#,##0.00_)"', 'money: "\\"1.00\\""', '第 13 行「number_formats.money」数字格式「"1.00"」不显示数值', id="money-literal"
        ),
        pytest.param('rate: "0.00%_)"', 'rate: "@"', "「number_formats.rate」数字格式「@」", id="rate-text"),
        pytest.param('money: "#,##0.00_)"', 'money: "0;;;"', "「number_formats.money」", id="money-hides-negatives"),
        pytest.param("size: 18", "size: abc", "第 7 行「fonts.title.size」应为 5 到 72 之间的数字", id="size-abc"),
        pytest.param("size: 18", "size: 500", "「fonts.title.size」应为 5 到 72", id="size-500"),
        pytest.param(
            "{name: 宋体, size: 18, bold: true}", "{name: 宋体, size: 18, bold: 1}", "「fonts.title.bold」应为 true 或 false", id="bold"
        ),
        pytest.param("{name: 宋体, size: 18, bold: true}", "{name: '', size: 18}", "「fonts.title.name」应为不超过", id="no-name"),
        pytest.param(
            "  note:   {name: 宋体, size: 9}", "  notes:   {name: 宋体, size: 9}", "「fonts.notes」不是可用的键", id="unknown-role"
        ),
        pytest.param("min_row_pt: 20.0", "min_row_pt: 9999", "第 30 行「print.min_row_pt」应为 1 到 409", id="row-9999"),
        pytest.param("width_scale: 0.77", "width_scale: 9999", "「print.width_scale」应为 0.1 到 4", id="scale-9999"),
        pytest.param(
            "orientation: landscape", "orientation: sideways", "「page.orientation」只能是 landscape / portrait", id="orientation"
        ),
        pytest.param("left: 1.5", "left: -3", "「page.margins_cm.left」应为 0 到 10", id="margin"),
        pytest.param('footer: "第 &P 页，共 &N 页"', 'footer: "' + "页" * 300 + '"', "「page.footer」应为不超过 200", id="footer"),
        pytest.param("page:\n", "pages:\n", "「pages」不是可用的键", id="unknown-top"),
    ],
)
def test_a_bad_tables_yaml_is_refused_at_its_line(tmp_path: Path, old: str, new: str, said: str) -> None:
    with pytest.raises(EnvironmentProblem, match=re.escape(said)) as raised:
        templates.table_style(style_with(tmp_path, old, new))
    assert "内部错误" not in str(raised.value) and "tables.yaml 无法使用" in str(raised.value)


def test_fonts_that_are_not_a_mapping_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "tables.yaml"
    path.write_text("fonts: 5\nnumber_formats: {}\npage: {}\n", encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="第 1 行「fonts」应为「键: 值」形式"):
        templates.table_style(path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("size: 18", "size: 72", id="size-72"),
        pytest.param("min_row_pt: 20.0", "min_row_pt: 409", id="row-409"),
        pytest.param("orientation: landscape", "orientation: portrait", id="portrait"),
        pytest.param('money: "#,##0.00_)"', 'money: "#,##0.00;[Red]-#,##0.00;\\"-\\""', id="accounting-dash-zero"),
        pytest.param('rate: "0.00%_)"', 'rate: "General"', id="general"),
        pytest.param("{name: 宋体, size: 18, bold: true}", "{name: 方正小标宋简体, size: 22}", id="no-bold"),
    ],
)
def test_a_restyled_tables_yaml_within_bounds_is_taken(tmp_path: Path, old: str, new: str) -> None:
    assert templates.table_style(style_with(tmp_path, old, new))["fonts"]["title"]["name"]


@pytest.mark.parametrize(
    ("code", "shows"),
    [
        ("#,##0.00_)", True),
        ("0.00%_)", True),
        ('#,##0.00;-#,##0.00;"-"', True),
        ("[Red]0.00", True),
        ("General", True),
        ('"1.00"', False),
        ('"0"', False),
        ("\\1\\.\\0\\0", False),
        ("@", False),
        ("yyyy-mm-dd", False),
        ("0;;;", False),
        ("[$0]", False),
        ("_0*0", False),
    ],
)
def test_a_number_format_must_show_the_number(code: str, shows: bool) -> None:
    assert templates.shows_value(code) is shows


@pytest.mark.parametrize("linked", [templates.REPORT_DOCX, templates.TABLES_YAML, templates.FONTS_CONF, ""])
def test_a_template_or_its_folder_that_is_a_link_is_refused_not_read(tmp_path: Path, linked: str) -> None:
    """A committed link in templates/ (or templates/ itself a link) would have docgen read a file from outside the
    repository as the project's template: refused, named, whatever it points at (here docgen's own templates)."""
    root = tmp_path / "repo"
    (root / templates.FOLDER).mkdir(parents=True)
    link = root / templates.FOLDER / linked if linked else root / templates.FOLDER
    if not linked:
        link.rmdir()
    link.symlink_to(templates.BUILTIN / linked if linked else templates.BUILTIN)
    with pytest.raises(EnvironmentProblem, match="符号链接") as refused:
        templates.find(root)
    assert str(link) in str(refused.value)
