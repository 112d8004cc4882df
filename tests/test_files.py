"""files.py: a file from a pull request is read, or digested, only when it is a regular file and not a link."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from docgen import files
from docgen.cache import Store
from docgen.verdicts import FileDigests


@pytest.mark.parametrize("size", [0, 1, files.BLOCK - 1, files.BLOCK, 3 * files.BLOCK + 7])
def test_a_file_is_digested_block_by_block_as_it_is_read_whole(tmp_path: Path, size: int) -> None:
    path = tmp_path / "index.json"
    path.write_bytes(os.urandom(size))
    for prefix in (b"", b"page\0"):
        data = files.read_regular(path)
        assert data is not None
        assert files.digest_regular(path, prefix) == hashlib.sha256(prefix + data).hexdigest()


def test_a_link_a_folder_and_a_fifo_are_not_digested(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("涉密", encoding="utf-8")
    (tmp_path / "link").symlink_to(secret)
    os.mkfifo(tmp_path / "fifo")  # never opened for a blocking read: it would hang
    (tmp_path / "folder").mkdir()
    for name in ("link", "fifo", "folder"):
        assert files.digest_regular(tmp_path / name) is None
        assert files.read_regular(tmp_path / name) is None


def test_the_site_s_file_digests_are_the_bytes_digests(tmp_path: Path) -> None:
    """FileDigests (the published site's files by stat signature) digests a large file without holding it."""
    store = Store(tmp_path / "repo", enabled=True)
    page = tmp_path / "search_index.json"
    page.write_bytes(b"{" + b"x" * (2 * files.BLOCK) + b"}")
    digests = FileDigests(store, "site")
    assert digests.of(page, b"p\0") == hashlib.sha256(b"p\0" + page.read_bytes()).hexdigest()
    (tmp_path / "link.json").symlink_to(page)
    assert digests.of(tmp_path / "link.json") is None
