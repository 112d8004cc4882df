"""Hostile text in the review folder's files (opinions, 整改) through `docgen feedback`'s .docx: the XML stays
well formed and every payload reads back as the text it was, never as markup."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from docgen import api

from .repo import PAYLOADS, dept_code, make_hostile_repo


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("hostile-review")
    make_hostile_repo(root)
    api.feedback(root, period="2025-06")
    return root / "build/2025-06"


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_each_payload_reads_back_as_text(letters: Path, index: int) -> None:
    (letter,) = letters.glob(f"审核结果反馈-{dept_code(index)}-*.docx")
    xml = zipfile.ZipFile(letter).read("word/document.xml")
    ElementTree.fromstring(xml)  # well formed, whatever the payload
    texts = "".join(
        t.text or "" for t in ElementTree.fromstring(xml).iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")
    )
    first_line = PAYLOADS[index].split("\n")[0]
    assert re.sub(r"\s+", "", first_line) in re.sub(r"\s+", "", texts)
