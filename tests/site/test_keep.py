"""The page keys' written form (site/keep.py): the same for equal values whatever their type's form was worked out
from, and a kept page refused when a folder on its way in the last docs/ is a link."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath

import pytest

from docgen.cache import Store
from docgen.redact import Secrets
from docgen.site import keep
from docgen.site.generate import SiteModel


class Colour(enum.Enum):
    RED = "red"


@dataclass(frozen=True)
class Point:
    x: int
    label: str | None = None


class Listing(list[int]):
    pass


def written(value: object) -> list[str]:
    out: list[str] = []
    keep._put(value, out)
    return out


def test_each_form_is_written_as_before() -> None:
    """The written form is pinned: a change to it would re-render every page once, and a form that merged two
    different values would keep a stale page."""
    assert written(None) == ["NoneType:None"]
    assert written([True, 1, 1.5, "a", Decimal("1.50"), date(2025, 6, 30)]) == [
        "[6",
        *["bool:True", "int:1", "float:1.5", "str:'a'", "Decimal:Decimal('1.50')", "date:datetime.date(2025, 6, 30)"],
        "]",
    ]
    assert written(PurePosixPath("a/b.yaml")) == ["path:a/b.yaml"]
    assert written(Colour.RED) == ["enum:Colour.RED"]
    assert written(Point(1)) == [f"<{__name__}.Point", "x", "int:1", "label", "NoneType:None", ">"]
    assert written(Listing([2])) == ["[1", "int:2", "]"]
    assert written({"k": (1,)}) == ["(1", "str:'k'", "[1", "int:1", "]", ")"]
    assert written(frozenset({2, 1})) == written({1, 2}) == ["{int:1\x1eint:2}"]


def test_values_without_a_stable_form_are_refused() -> None:
    with pytest.raises(keep.Unstable):
        keep.stable(object())
    with pytest.raises(keep.Unstable):
        keep.stable(Point)  # a dataclass's class is no dataclass value
    with pytest.raises(keep.Unstable):
        keep.stable([lambda: 1])


def test_equal_values_share_a_key_and_different_ones_do_not() -> None:
    assert keep.stable(Point(1, "a"), [1, 2]) == keep.stable(Point(1, "a"), [1, 2])
    assert keep.stable(Point(1, "a")) != keep.stable(Point(1, "b"))
    assert keep.stable(1) != keep.stable(True) != keep.stable("1")


def test_a_page_under_a_linked_folder_is_not_kept(tmp_path: Path) -> None:
    """Record.previous asks each folder of the last docs/ once, and refuses every page under a link, however deep."""
    record = keep.Record(Store(tmp_path, enabled=False), tmp_path)
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    pages = {"2025-06/101/a.md": docs, "2025-06/102/b.md": outside, "2025-06/102/deeper/c.md": outside}
    for page, folder in pages.items():
        path = folder / page if folder is docs else folder / page.split("/", 2)[2]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"# page\n")
        record.then[page] = ["key", hashlib.sha256(b"# page\n").hexdigest()]
    (docs / "2025-06" / "102").symlink_to(outside, target_is_directory=True)
    assert record.previous("2025-06/101/a.md", "key", docs) == b"# page\n"
    assert record.previous("2025-06/101/a.md", "other key", docs) is None
    assert record.previous("2025-06/102/b.md", "key", docs) is None
    assert record.previous("2025-06/102/deeper/c.md", "key", docs) is None


def test_a_source_is_named_as_resolving_it_names_it(tmp_path: Path) -> None:
    """SiteModel.source resolves a file by its folder, resolved once: the same name as resolving the file itself, a
    linked file or folder included."""
    root = tmp_path / "repo"
    (root / "submissions" / "2025-06" / "101").mkdir(parents=True)
    (root / "elsewhere").mkdir()
    (root / "submissions" / "2025-06" / "101" / "a.yaml").write_text("")
    (root / "elsewhere" / "b.yaml").write_text("")
    (root / "submissions" / "2025-06" / "101" / "b.yaml").symlink_to(root / "elsewhere" / "b.yaml")
    (root / "submissions" / "2025-06" / "102").symlink_to(root / "elsewhere", target_is_directory=True)
    model = SiteModel(periods=[], today=date(2025, 7, 20), secrets=Secrets(), root=root)
    for path in ["submissions/2025-06/101/a.yaml", "submissions/2025-06/101/b.yaml", "submissions/2025-06/102/b.yaml"]:
        assert model.source(path) == (root / path).resolve().relative_to(root.resolve()).as_posix()
    assert model.source("submissions/2025-06/102/b.yaml") == "elsewhere/b.yaml"
    assert model.source(root / "submissions/2025-06/101/a.yaml") == "submissions/2025-06/101/a.yaml"
