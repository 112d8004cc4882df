"""The stages import downwards only: utilities < form < check < evaluate < render < history < site < tooling < top level.

Every import of every module under src/docgen is read with `ast` (relative and absolute, at module level, under
`if TYPE_CHECKING:` and inside functions), resolved to the docgen module it names and checked against the order.
A lazy import is still an import: it only moves the failure from import time to call time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "docgen"

#: Lowest first. Top-level modules are named one by one, so a new one has to be placed here deliberately.
ORDER = ("utilities", "form", "check", "evaluate", "render", "history", "site", "tooling", "top")
UTILITIES = {
    "docgen",
    "docgen.errors",
    "docgen.messages",
    "docgen.output",
    "docgen.textwidth",
    "docgen.names",  # file- and folder-name-safe names: the check refuses two departments sharing a folder (E315)
    "docgen.cache",
    "docgen.verdicts",  # files found clean by the site's last checks, by content digest
    "docgen.escape",  # one escaping function per output context
    "docgen.children",  # worker processes that die with docgen
    "docgen.files",  # reading only regular files, never through a link
    "docgen.workspace",  # the project root and every path, found once
    "docgen.redact",  # the one redactor of 涉密 names, codes and figures, and the publication scan
    "docgen.search_index",  # the site's search index read entry by entry, for the publication checks
}
TOP = {
    "docgen.confidential",
    "docgen.shard",
    "docgen.federation",
    "docgen.report",
    "docgen.api",
    "docgen.cli",
    "docgen.click_zh",
    "docgen.__main__",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def layer(module: str) -> str:
    """The layer a docgen module belongs to: a stage package, or one of the two groups of top-level modules."""
    if module in UTILITIES:
        return "utilities"
    if module in TOP:
        return "top"
    stage = module.split(".")[1]
    assert stage in ORDER, f"{module} is in no layer: place it in UTILITIES, TOP or a stage package (tests/test_layers.py)"
    return stage


def imports(module: str) -> list[tuple[int, str]]:
    """(line, docgen module) for every import in `module`, wherever it sits in the file."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "docgen"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.split(".")[0] != "docgen":
                continue
            for alias in node.names:  # `from .evaluate import figures` imports the module docgen.evaluate.figures
                target = f"{source}.{alias.name}"
                found.append((node.lineno, target if target in MODULES else source))
    return found


EDGES = [(module, line, target) for module in MODULES for line, target in imports(module) if target != module]


def test_every_module_is_in_a_layer() -> None:
    assert {layer(m) for m in MODULES} == set(ORDER)


def test_the_parser_sees_relative_absolute_and_function_level_imports() -> None:
    edges = {(m, t) for m, _, t in EDGES}
    assert ("docgen.evaluate.monitor", "docgen.check.validate") in edges  # inside a function
    assert ("docgen.api", "docgen.site.generate") in edges  # `from .site import generate as site_module`
    assert ("docgen.render.engine", "docgen.render.docx") in edges  # `from . import ... docx`
    assert ("docgen.__main__", "docgen.cli") in edges


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_stages(module: str) -> None:
    here = ORDER.index(layer(module))
    upward = [
        f"{MODULES[module].relative_to(ROOT)}:{line}: imports {target} ({layer(target)})"
        for m, line, target in EDGES
        if m == module and ORDER.index(layer(target)) > here
    ]
    assert upward == [], f"{module} ({layer(module)}) may import only {', '.join(ORDER[: here + 1])}:\n" + "\n".join(upward)


def test_no_cycles_between_packages() -> None:
    graph: dict[str, set[str]] = {name: set() for name in ORDER}
    for module, _, target in EDGES:
        if layer(module) != layer(target):
            graph[layer(module)].add(layer(target))
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, "import cycle between packages: " + " -> ".join((*path[path.index(node) :], node))
        if node not in done:
            for following in sorted(graph[node]):
                visit(following, (*path, node))
            done.add(node)

    for name in ORDER:
        visit(name, ())
