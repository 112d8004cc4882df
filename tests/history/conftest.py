"""Fixtures for the history and diff tests: a git repository, empty or with two files committed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.history.gitrepo import PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH, GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return GitRepo(tmp_path)


@pytest.fixture
def seeded(repo: GitRepo) -> GitRepo:
    """A repository with the roster and one project committed."""
    repo.write(ROSTER_PATH, ROSTER)
    repo.write(PROJECT_PATH, PROJECT)
    repo.commit("首次报送 2025年1-6月")
    return repo
