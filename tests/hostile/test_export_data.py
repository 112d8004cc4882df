"""The analysts' export of a hostile repository: every payload kept as data, none run by SQLite or a spreadsheet."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest

from docgen import api

from .repo import PAYLOADS, make_hostile_repo


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path_factory.mktemp("hostile-export")
    make_hostile_repo(folder)
    return folder


def test_sqlite_keeps_every_payload_as_written(root: Path, tmp_path: Path) -> None:
    [path] = api.export_data(root, "sqlite", tmp_path / "x.sqlite")
    with sqlite3.connect(path) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        texts = {row[0] for row in db.execute("SELECT name FROM submissions")}
        texts |= {row[0] for row in db.execute("SELECT author FROM history")}
    db.close()
    assert {"submissions", "figures", "findings", "history", "red_list", "late_list"} <= names  # no table dropped or added
    for payload in PAYLOADS:
        assert any(payload.replace("\n", " ") in " ".join(str(t).split("\n")) for t in texts if t), payload


def test_csv_cells_never_start_a_formula(root: Path, tmp_path: Path) -> None:
    written = api.export_data(root, "csv", tmp_path / "csv")
    for path in written:
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                assert not [cell for cell in row if cell[:1] in ("=", "+", "@") and not cell.startswith("'")], path.name
