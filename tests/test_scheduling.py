"""How `make test` (pytest -n auto) splits the suite: the tests that share a module-scoped fixture stay together.

tests/conftest.py reads, from the source, which tests of a file use a class- or module-scoped fixture (directly or
through another fixture, or a conftest.py's); those go to one xdist worker as a unit, so the fixture is made once.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, _shared_fixture_users, build_file_tree


def test_a_files_tests_that_read_its_module_fixture_are_grouped_and_the_rest_are_not() -> None:
    users = _shared_fixture_users(ROOT / "tests/hostile/test_confidential.py", ROOT)
    assert users is not None
    assert "test_no_secret_name_code_or_figure_in_anything_published" in users  # reads the module's corpus
    assert "test_a_project_not_on_the_roster_is_w302_and_published_nowhere" not in users  # its own tmp_path


def test_fixtures_through_other_fixtures_and_conftests_count(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "conftest.py": "import pytest\n\n@pytest.fixture(scope='module')\ndef built(tmp_path_factory):\n    return 1\n",
            "sub/test_a.py": (
                "import pytest\n\n"
                "@pytest.fixture\ndef page(built):\n    return built\n\n"
                "def test_reads_a_page(page):\n    pass\n\n"
                "def test_alone(tmp_path):\n    pass\n\n"
                "class TestGroup:\n    def test_one(self, built):\n        pass\n"
            ),
            "sub/test_b.py": (
                "import pytest\n\n@pytest.fixture(scope='module', autouse=True)\ndef everyone():\n    yield\n\ndef test_x():\n    pass\n"
            ),
            "sub/test_c.py": "def test_broken(:\n",
        },
    )
    assert _shared_fixture_users(tmp_path / "sub/test_a.py", tmp_path) == {"test_reads_a_page", "TestGroup"}
    assert _shared_fixture_users(tmp_path / "sub/test_b.py", tmp_path) is None  # autouse: the whole file together
    assert _shared_fixture_users(tmp_path / "sub/test_c.py", tmp_path) is None  # unreadable: together, never split
