"""Finding and loading the templates a department may restyle: templates/ of the project, else docgen's own.

The renderers take everything that decides how an output looks from here (the reference .docx of 附件1, the
table styles of 附件2/附件3, the font substitutions for PDF), so the build cache can key on their content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .. import messages as M
from ..check.load import load_file
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
    """Each template from `root/templates/` if the project has it, else docgen's own; a clear error if neither."""
    files: dict[str, Path] = {}
    for name in NAMES:
        for folder in (root / FOLDER, BUILTIN):
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
    if not isinstance(data, dict) or not {"fonts", "number_formats", "page"} <= data.keys():
        raise EnvironmentProblem(M.label("template_invalid", path=path, detail="fonts / number_formats / page"))
    _check_print(data.get("print"), path)
    return data


#: tables.yaml's `print:` numbers (render/paginate.py); a file without the section takes docgen's own.
PRINT_NUMBERS = ("width_scale", "fit_min_scale", "safety", "level1_min_fill", "line_factor", "cell_padding_pt", "min_row_pt")


def _check_print(section: object, path: Path) -> None:
    """Each of `print:`'s numbers present and a positive number, or one Chinese message naming the first bad one."""
    if section is None:
        return
    for name in PRINT_NUMBERS:
        value = section.get(name) if isinstance(section, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 10000:
            raise EnvironmentProblem(M.label("template_invalid", path=path, detail=f"print.{name}"))
