"""Shared helpers: the repository root, a file-tree builder, and the CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

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
