"""Finding and loading the templates a department may restyle: templates/ of the project, else docgen's own.

The renderers take everything that decides how an output looks from here (the reference .docx of 附件1, the
table styles of 附件2/附件3, the font substitutions for PDF), so the build cache can key on their content.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .. import messages as M
from ..check.load import Document, load_file
from ..errors import EnvironmentProblem

FOLDER = "templates"
REPORT_DOCX = "report.docx"  # 附件1: styles, page set-up, footers with page numbers
TABLES_YAML = "tables.yaml"  # 附件2/附件3: fonts, number formats, print set-up
FONTS_CONF = "fonts.conf"  # PDF: which installed fonts stand in for 仿宋_GB2312, 方正小标宋简体 …
NAMES = (REPORT_DOCX, TABLES_YAML, FONTS_CONF)

#: docgen's own templates, package data (src/docgen/render/builtin_templates/ in a checkout, inside the wheel when installed):
#: used for any file a project does not override. pip always unpacks a wheel, so this is a real folder; LibreOffice
#: and python-docx need file paths.
BUILTIN = Path(str(resources.files("docgen.render").joinpath("builtin_templates")))


@dataclass(frozen=True)
class Templates:
    """The resolved template files; `digest` changes whenever any of them does."""

    files: dict[str, Path]

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode())
            h.update(self.files[name].read_bytes())
        return h.hexdigest()

    def path(self, name: str) -> Path:
        return self.files[name]


def find(root: Path) -> Templates:
    """Each template from `root/templates/` if the project has it, else docgen's own; a clear error if neither.

    templates/ is committed: a template, or the folder, that is a link is refused, named (E115), as tables.yaml
    always was, never read (report.docx and fonts.conf were read through it, from anywhere on the machine)."""
    files: dict[str, Path] = {}
    own = root / FOLDER
    for link in (own, *(own / name for name in NAMES)):
        if link.is_symlink():
            raise EnvironmentProblem(M.label("template_invalid", path=link, detail=M.message("E115")))
    for name in NAMES:
        for folder in (own, BUILTIN):
            if (folder / name).is_file():
                files[name] = folder / name
                break
        else:
            raise EnvironmentProblem(M.label("template_missing", path=Path(FOLDER) / name))
    return Templates(files)


@cache
def table_style(path: Path) -> dict[str, Any]:
    """tables.yaml, parsed once per process, as bounded as any committed YAML (check/load.py: size, anchors and
    aliases, depth, syntax) and with no tags (`!!python/object` …): every problem is a Chinese message naming the
    file (exit 3), never PyYAML's English text."""
    doc, findings = load_file(path)
    if doc is None:
        detail = findings[0].message if findings else M.label("template_zip")
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=detail))
    text = path.read_bytes().decode("utf-8-sig")
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            if tag is not None and not (implicit is True or (isinstance(implicit, tuple) and any(implicit))):
                mark = event.start_mark
                detail = M.label("template_yaml_tag", tag=tag, line=mark.line + 1 if mark else 1)
                raise EnvironmentProblem(M.label("template_invalid", path=path, detail=detail))
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = M.label("template_yaml", line=mark.line + 1 if mark else 1, column=mark.column + 1 if mark else 1)
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=detail)) from exc
    _check_style(doc, path)
    return data  # type: ignore[no-any-return]


#: The roles tables.yaml gives a font (render/xlsx.py STYLES).
FONT_ROLES = ("title", "period", "header", "body", "note")
#: Number formats by role: each must show the value (see _shows_value).
NUMBER_FORMATS = ("money", "rate")
#: tables.yaml's `print:` numbers (render/paginate.py) with the range each may take; a file without the section takes
#: docgen's own. The scale of a printed page is 10–400 % in Excel, a row at most 409 pt high.
PRINT_NUMBERS = {
    "width_scale": (0.1, 4.0),
    "fit_min_scale": (0.1, 1.0),
    "safety": (0.5, 1.0),
    "level1_min_fill": (0.0, 1.0),
    "line_factor": (1.0, 3.0),
    "cell_padding_pt": (0.0, 50.0),
    "min_row_pt": (1.0, 409.0),
}
FONT_SIZE = (5.0, 72.0)
MARGIN_CM = (0.0, 10.0)
MAX_FONT_NAME = 64
MAX_FORMAT_CHARS = 255  # Excel's own bound on a number format
MAX_FOOTER_CHARS = 200  # Excel keeps 255 characters of a footer, its codes included
ORIENTATIONS = ("landscape", "portrait")
MARGINS = ("left", "right", "top", "bottom")

Spec = dict[str, Any]


def _check_style(doc: Document, path: Path) -> None:
    """Every key and value of tables.yaml, or one Chinese message naming the file, the line and the key.

    A department restyles the workbooks here; a typo must not print rows 9999 pt high or every amount as 「1.00」."""

    def fail(where: tuple[str, ...], problem: str) -> None:
        line = doc.position(where)[0] if where else 1
        detail = M.label("template_at", line=line, key=".".join(where) or "文件", problem=problem)
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail=detail))

    def mapping(value: object, where: tuple[str, ...], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            fail(where, M.label("template_not_mapping"))
        assert isinstance(value, dict)
        for key in value:
            if key not in required + optional:
                fail((*where, str(key)), M.label("template_unknown_key", allowed="、".join(required + optional)))
        for key in required:
            if key not in value:
                fail(where, M.label("template_missing_key", key=key))
        return value

    def number(value: object, where: tuple[str, ...], bounds: tuple[float, float]) -> None:
        low, high = bounds
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or not low <= value <= high:
            fail(where, M.label("template_number", low=f"{low:g}", high=f"{high:g}"))

    def text(value: object, where: tuple[str, ...], limit: int) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            fail(where, M.label("template_text", limit=limit))
        assert isinstance(value, str)
        return value

    top = mapping(doc.data, (), ("fonts", "number_formats", "page"), ("print",))
    fonts = mapping(top["fonts"], ("fonts",), FONT_ROLES)
    for role in FONT_ROLES:
        font = mapping(fonts[role], ("fonts", role), ("name", "size"), ("bold",))
        text(font["name"], ("fonts", role, "name"), MAX_FONT_NAME)
        number(font["size"], ("fonts", role, "size"), FONT_SIZE)
        if "bold" in font and not isinstance(font["bold"], bool):
            fail(("fonts", role, "bold"), M.label("template_bool"))
    formats = mapping(top["number_formats"], ("number_formats",), NUMBER_FORMATS)
    for role in NUMBER_FORMATS:
        code = text(formats[role], ("number_formats", role), MAX_FORMAT_CHARS)
        if not shows_value(code):
            fail(("number_formats", role), M.label("template_num_format", value=code))
    page = mapping(top["page"], ("page",), ("margins_cm",), ("orientation", "footer"))
    if "orientation" in page and page["orientation"] not in ORIENTATIONS:
        fail(("page", "orientation"), M.label("template_choice", choices=" / ".join(ORIENTATIONS)))
    margins = mapping(page["margins_cm"], ("page", "margins_cm"), MARGINS)
    for side in MARGINS:
        number(margins[side], ("page", "margins_cm", side), MARGIN_CM)
    if page.get("footer") is not None:
        text(page["footer"], ("page", "footer"), MAX_FOOTER_CHARS)
    if "print" in top:
        for name, bounds in PRINT_NUMBERS.items():  # a bad number first: it says more than the numbers still missing
            if isinstance(top["print"], dict) and name in top["print"]:
                number(top["print"][name], ("print", name), bounds)
        mapping(top["print"], ("print",), tuple(PRINT_NUMBERS))


_QUOTED = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]?|[_*].')


def shows_value(code: str) -> bool:
    """Whether an Excel number format prints the number: its positive and negative sections (the zero section may be
    a dash) each hold a digit placeholder 0 or # outside quotes, escapes and brackets, or are General."""
    sections = _QUOTED.sub("", code).split(";")
    return all("0" in s or "#" in s or s.strip().lower() == "general" for s in sections[:2])
