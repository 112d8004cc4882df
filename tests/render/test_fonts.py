"""templates/fonts.conf is committed, so hostile: fontconfig never reads it, docgen writes the configuration itself."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from docgen.errors import EnvironmentProblem
from docgen.render import fonts, templates

BUILTIN = templates.BUILTIN / templates.FONTS_CONF


def escaping(outside: Path) -> str:
    """The review's escape: a cache written anywhere, fonts read from anywhere."""
    return (
        f"<?xml version='1.0'?>\n<fontconfig><cachedir>{outside / 'deep' / 'dir'}</cachedir>\n"
        f"<dir>{outside / 'fontsrc'}</dir><dir>/usr/share/fonts</dir></fontconfig>\n"
    )


def conf(tmp_path: Path, text: str) -> Path:
    (tmp_path / "templates").mkdir(exist_ok=True)
    path = tmp_path / "templates" / "fonts.conf"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_escape_is_refused_by_build_pdf_and_writes_nothing_outside(
    run: Callable[..., Result], small_tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("fc-escape")
    conf(small_tree, escaping(outside))
    result = run("build", "--pdf")
    assert result.exit_code == 3, result.output
    assert "templates/fonts.conf 无法使用：第 2 行 <cachedir> 不能用" in result.stderr
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    assert list(outside.iterdir()) == []
    assert not (small_tree / "build").exists() or not any((small_tree / "build").rglob("*.xlsx"))


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("<fontconfig>\n<include>/tmp/x.conf</include></fontconfig>", "第 2 行 <include>", id="include"),
        pytest.param("<fontconfig>\n\n<dir>/</dir></fontconfig>", "第 3 行 <dir>", id="dir"),
        pytest.param("<fontconfig><match><edit name='file'/></match></fontconfig>", "第 1 行 <match>", id="match"),
        pytest.param(
            "<fontconfig><alias><family>宋体</family><prefer><dir>/x</dir></prefer></alias></fontconfig>", "<dir>", id="dir-in-alias"
        ),
        pytest.param("<fontconfig><alias binding='x'><family>宋体</family></alias></fontconfig>", "<alias>", id="binding"),
        pytest.param('<!DOCTYPE f [<!ENTITY a "aaaa">]><fontconfig/>', "实体", id="entity"),
        pytest.param("<fontconfig><alias>", "不是有效的 XML", id="malformed"),
        pytest.param("<fonts/>", "<fontconfig>", id="root"),
    ],
)
def test_a_fonts_conf_with_more_than_aliases_is_refused_at_its_line(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(EnvironmentProblem, match=re.escape(said)) as raised:
        fonts.aliases(conf(tmp_path, text))
    assert "fonts.conf 无法使用" in str(raised.value)


def test_docgens_own_aliases_are_read_and_written_with_nothing_else(tmp_path: Path) -> None:
    found = fonts.aliases(BUILTIN)
    assert {a.family for a in found} >= {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"}
    written = ET.parse(fonts.write(BUILTIN, tmp_path)).getroot()
    assert {e.tag for e in written} == {"dir", "cachedir", "alias"}
    assert next(e.text for e in written.iter("cachedir")) == str(tmp_path.resolve() / "fontconfig-cache")
    allowed = {str(d) for d in (*fonts.SYSTEM_FONT_DIRS, *fonts.SYSTEM_CACHE_DIRS)} | {str(tmp_path.resolve() / "fontconfig-cache")}
    assert {e.text for e in written if e.tag in ("dir", "cachedir")} <= allowed
    first = next(e for e in written.iter("alias") if e.findtext("family") == "仿宋_GB2312")
    assert [f.text for f in first.iter("family")][1:3] == ["FangSong_GB2312", "仿宋"]


def test_a_family_name_is_text_never_markup(tmp_path: Path) -> None:
    odd = "A&amp;B &lt;/family&gt;&lt;cachedir&gt;/x&lt;/cachedir&gt;"
    path = conf(
        tmp_path, f"<fontconfig><alias><family>{odd}</family><prefer><family>Noto Serif CJK SC</family></prefer></alias></fontconfig>"
    )
    written = ET.parse(fonts.write(path, tmp_path)).getroot()
    assert next(e.findtext("family") for e in written.iter("alias")) == "A&B </family><cachedir>/x</cachedir>"
    assert len(list(written.iter("cachedir"))) == 1 + len(fonts.SYSTEM_CACHE_DIRS)


def test_the_projects_own_font_folder_is_read_but_not_through_a_link(tmp_path: Path) -> None:
    path = conf(tmp_path, "<fontconfig/>")
    work = tmp_path / "work"
    work.mkdir()
    assert str(tmp_path / "templates" / "fonts") not in fonts.write(path, work).read_text(encoding="utf-8")
    (tmp_path / "templates" / "fonts").symlink_to("/")
    assert "<dir>/</dir>" not in fonts.write(path, work).read_text(encoding="utf-8")
    (tmp_path / "templates" / "fonts").unlink()
    (tmp_path / "templates" / "fonts").mkdir()
    assert f"<dir>{(tmp_path / 'templates' / 'fonts').resolve()}</dir>" in fonts.write(path, work).read_text(encoding="utf-8")


def test_a_copy_of_the_old_builtin_with_its_system_include_is_still_taken(tmp_path: Path) -> None:
    old = BUILTIN.read_text(encoding="utf-8").replace(
        "</fontconfig>", '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n</fontconfig>'
    )
    assert fonts.aliases(conf(tmp_path, old)) == fonts.aliases(BUILTIN)
    assert "<include" not in fonts.write(tmp_path / "templates" / "fonts.conf", tmp_path).read_text(encoding="utf-8")
