"""Shared helpers: the repository root, a file-tree builder, and the CLI runner."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from docgen.cli import cli

ROOT = Path(__file__).resolve().parents[1]

# In CI the property tests draw the same examples every run: a submission lands or not on its own merits, never on
# which examples a random seed drew (a failure found locally is added as an @example). On a developer's machine they
# explore anew each run, which is how they keep finding cases like W421's 9.375.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
GOLDEN_UPDATES = pytest.StashKey[list[str]]()  # with --update-golden: the snapshots tests/golden/test_golden.py wrote


def build_file_tree(base: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under base; returns base."""
    for relative, content in files.items():
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return base


@pytest.fixture
def chdir() -> Iterator[Callable[[Path], None]]:
    """Change the working folder for one test, and back."""
    before = Path.cwd()
    yield lambda path: os.chdir(path)
    os.chdir(before)


@pytest.fixture
def run() -> Callable[..., Result]:
    """Invoke `docgen ARGS` in-process; stderr kept apart from stdout."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """docgen keeps per-file results in the user's cache folder (cache.py): the tests use their own, never the user's."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden snapshots in tests/golden/snapshots/ from the demo's outputs (review `git diff tests/golden`)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """--update-golden runs in this one process even under `-n`: each xdist worker would write its own snapshots and
    keep its own list of them (the stash does not cross processes), so the summary below would say nothing was written."""
    if config.getoption("--update-golden") and config.pluginmanager.hasplugin("xdist"):
        config.option.numprocesses = 0


#: A fixture of one of these scopes is made once per process for all the tests of its file (or class) that use it.
SHARED_SCOPES = frozenset({"class", "module", "package"})


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `-n` (pytest-xdist's default --dist load): the tests of a file that use a class- or module-scoped fixture
    go to one worker together, so that fixture (a built demo, a wheel and its venv) is made once, not once per worker;
    every other test goes on its own to whichever worker is free, so a file of independent slow tests
    (tests/hostile/test_confidential.py) uses both cores. Other --dist modes keep their xdist meaning.

    (xdist's --dist loadgroup would group by marks, but it rewrites node ids, which pytest 9.2 no longer lets it do:
    pytest-dev/pytest-xdist#1386.)"""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    rootpath = config.rootpath

    class SharedFixtureScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """Work units: a file's tests that share a fixture, together; each other test alone. Units are sent largest
        first (xdist's --loadscope-reorder, on by default), so what builds something starts early and single tests
        fill in at the end."""

        def __init__(self, config: pytest.Config, log: Any = None) -> None:
            super().__init__(config, log)
            self._users: dict[str, set[str] | None] = {}

        def _split_scope(self, nodeid: str) -> str:
            file, _, rest = nodeid.partition("::")
            if file not in self._users:
                self._users[file] = _shared_fixture_users(rootpath / file, rootpath)
            users = self._users[file]
            test = re.split(r"[\[:]", rest, maxsplit=1)[0]  # the function (or class) name
            return file if users is None or test in users else nodeid

    return SharedFixtureScheduling(config, log)


def _shared_fixture_users(test_file: Path, rootpath: Path) -> set[str] | None:
    """The tests (functions, or classes) of test_file that use a class- or module-scoped fixture, directly or through
    other fixtures, read from the source of the file and of the conftest.py files above it; None when every test
    does (an autouse one). A file that cannot be read counts as all of them: grouping is only slower, never wrong."""
    fixtures: dict[str, tuple[str, list[str], bool]] = {}  # name -> (scope, arguments, autouse)
    tests: dict[str, set[str]] = {}
    sources = [folder / "conftest.py" for folder in reversed(test_file.parents) if folder.is_relative_to(rootpath)]
    try:
        for path in [p for p in sources if p.is_file()] + [test_file]:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                fixture = _fixture(node)
                if fixture is not None:
                    fixtures[node.name] = fixture  # type: ignore[union-attr]
                elif path == test_file and isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                    tests[node.name] = {a.arg for a in node.args.args}
                elif path == test_file and isinstance(node, ast.ClassDef):
                    tests[node.name] = {a.arg for f in node.body if isinstance(f, ast.FunctionDef) for a in f.args.args}
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    shared = {name for name, (scope, _, _) in fixtures.items() if scope in SHARED_SCOPES}
    while True:
        more = {name for name, (_, arguments, _) in fixtures.items() if name not in shared and shared & set(arguments)}
        if not more:
            break
        shared |= more
    if any(autouse for name, (_, _, autouse) in fixtures.items() if name in shared):
        return None
    return {test for test, arguments in tests.items() if arguments & shared}


def _fixture(node: ast.stmt) -> tuple[str, list[str], bool] | None:
    """(scope, arguments, autouse) of a `@pytest.fixture(...)` function; None for anything else."""
    if not isinstance(node, ast.FunctionDef):
        return None
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call is not None else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            keywords = {k.arg: k.value for k in call.keywords} if call is not None else {}
            scope = keywords.get("scope")
            autouse = keywords.get("autouse")
            return (
                scope.value if isinstance(scope, ast.Constant) and isinstance(scope.value, str) else "function",
                [a.arg for a in node.args.args],
                isinstance(autouse, ast.Constant) and autouse.value is True,
            )
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """With --update-golden: which snapshots were written, so the person running it knows what to review."""
    changed = config.stash.get(GOLDEN_UPDATES, None)
    if changed is None:
        return
    terminalreporter.section("golden snapshots")
    if not changed:
        terminalreporter.write_line("--update-golden: every snapshot already matched; nothing written")
        return
    for line in changed:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"--update-golden: {len(changed)} snapshot(s) changed; review `git diff tests/golden` before committing")
