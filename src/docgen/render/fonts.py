"""The fontconfig file LibreOffice converts with, written by docgen: from templates/fonts.conf only its <alias> elements.

A committed fonts.conf is hostile like any committed file, and fontconfig obeys every element of one: <cachedir>
writes anywhere the user may write, <dir> and <include> read fonts and configuration from anywhere. So the committed
file is parsed here (no DTD entities, no external anything) and only its font substitutions are kept; anything else
is a Chinese message naming the file and line. The real configuration is ours: the system font folders, the
project's own templates/fonts/ if it has one, and a cache inside the build's work folder.
"""

from __future__ import annotations

import pyexpat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .. import messages as M
from ..errors import EnvironmentProblem
from ..escape import xml as escape
from ..escape import xml_attribute
from ..form import limits

#: Where the system keeps its fonts (Debian/Ubuntu, and fonts a user's administrator added).
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
#: Caches the system already built: read to spare a rescan, never written (ours comes first in the list).
SYSTEM_CACHE_DIRS = (Path("/var/cache/fontconfig"),)
#: A project's own font files, beside its fonts.conf (templates/fonts/).
PROJECT_FONTS = "fonts"
#: The one element docgen's own fonts.conf once ended with; a copy of it is read as if the line were not there.
OLD_SYSTEM_INCLUDE = "/etc/fonts/fonts.conf"
BINDINGS = ("weak", "strong", "same")
LISTS = ("prefer", "accept", "default")
MAX_FAMILY_CHARS = 100
#: Latin stand-ins (metric-compatible where installed): the system configuration is not read, so they are said here.
LATIN = (
    ("Times New Roman", ("Liberation Serif", "DejaVu Serif")),
    ("Arial", ("Liberation Sans", "DejaVu Sans")),
    ("Courier New", ("Liberation Mono", "DejaVu Sans Mono")),
    ("serif", ("Noto Serif CJK SC", "DejaVu Serif")),
    ("sans-serif", ("Noto Sans CJK SC", "DejaVu Sans")),
    ("monospace", ("Noto Sans Mono CJK SC", "DejaVu Sans Mono")),
)


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)
    text: str = ""


@dataclass(frozen=True)
class Alias:
    """One <alias>: the family the documents name and the families that stand in for it, in order."""

    binding: str
    family: str
    lists: tuple[tuple[str, tuple[str, ...]], ...]


def _parse(path: Path) -> _Element:
    """The file as a tree with line numbers; an entity declaration or malformed XML is refused."""
    data = path.read_bytes()
    parser = pyexpat.ParserCreate()
    stack: list[_Element] = []
    root: list[_Element] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = _Element(tag, attrs, parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack:
            stack[-1].text += text

    def entity(*args: object) -> None:
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=M.label("fonts_entity", line=parser.CurrentLineNumber)))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = entity
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except pyexpat.ExpatError as exc:
        detail = M.label("template_xml", part=path.name, detail=f"第 {exc.lineno} 行")
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=detail)) from exc
    if not root or root[0].tag != "fontconfig":
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=M.label("fonts_root")))
    return root[0]


@cache
def aliases(path: Path) -> tuple[Alias, ...]:
    """The font substitutions of a fonts.conf, or one Chinese message naming the first element that is not one."""
    root = _parse(path)

    def refuse(element: _Element) -> EnvironmentProblem:
        return EnvironmentProblem(
            M.label("template_invalid", path=path, detail=M.label("fonts_element", line=element.line, tag=element.tag))
        )

    def family(element: _Element) -> str:
        name = element.text.strip()
        if element.tag != "family" or element.children or element.attrs or not name or len(name) > MAX_FAMILY_CHARS:
            raise refuse(element)
        if limits.UNPRINTABLE.search(name):
            raise refuse(element)
        return name

    found: list[Alias] = []
    for element in root.children:
        if element.tag == "include" and element.text.strip() == OLD_SYSTEM_INCLUDE:
            continue
        if element.tag != "alias" or set(element.attrs) - {"binding"} or element.attrs.get("binding", "weak") not in BINDINGS:
            raise refuse(element)
        if not element.children or element.children[0].tag != "family":
            raise refuse(element)
        lists = []
        for child in element.children[1:]:
            if child.tag not in LISTS or child.attrs or not child.children:
                raise refuse(child)
            lists.append((child.tag, tuple(family(f) for f in child.children)))
        found.append(Alias(element.attrs.get("binding", "weak"), family(element.children[0]), tuple(lists)))
    return tuple(found)


def _alias_xml(binding: str, name: str, lists: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    body = "".join(f"<{tag}>{''.join(f'<family>{escape(f)}</family>' for f in families)}</{tag}>" for tag, families in lists)
    return f'  <alias binding="{xml_attribute(binding)}"><family>{escape(name)}</family>{body}</alias>\n'


def write(fonts_conf: Path, workdir: Path) -> Path:
    """Write the fontconfig file for one conversion into `workdir` and return it: the system font folders, the project's
    templates/fonts/ (a real folder inside templates/, never a link out), a cache under `workdir`, and the aliases."""
    dirs = [d for d in SYSTEM_FONT_DIRS if d.is_dir()]
    own = fonts_conf.parent / PROJECT_FONTS
    if own.is_dir() and not own.is_symlink() and own.resolve().is_relative_to(fonts_conf.parent.resolve()):
        dirs.append(own.resolve())
    cache_dir = workdir.resolve() / "fontconfig-cache"
    lines = ['<?xml version="1.0"?>\n<fontconfig>\n']
    lines += [f"  <dir>{escape(str(d))}</dir>\n" for d in dirs]
    lines += [f"  <cachedir>{escape(str(c))}</cachedir>\n" for c in (cache_dir, *SYSTEM_CACHE_DIRS)]
    lines += [_alias_xml(a.binding, a.family, a.lists) for a in aliases(fonts_conf)]
    lines += [_alias_xml("weak", name, (("prefer", stand_ins),)) for name, stand_ins in LATIN]
    lines.append("</fontconfig>\n")
    target = workdir / "fonts.conf"
    target.write_text("".join(lines), encoding="utf-8")
    return target
