"""Golden snapshots of the national 财预〔2019〕136号 and Hubei demos (examples/profiles/<id>/).

Each demo submission is built on its profile's form and rendered: its monitoring workbook and its 附件1, normalised
as test_golden.py normalises the 朔州 demo's (normalise.py), compared with `profile_snapshots/<id>/<file>.json`.
`pytest tests/golden --update-golden` rewrites them; review `git diff tests/golden` as for the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.check.load import load_file
from docgen.evaluate.evaluation import evaluate
from docgen.form import forms, model
from docgen.render import docx, templates, xlsx
from tests.conftest import GOLDEN_UPDATES, ROOT
from tests.golden.normalise import docx_, dumps
from tests.golden.normalise import xlsx as normalise_xlsx

SNAPSHOTS = Path(__file__).parent / "profile_snapshots"
PROFILES = ("national-2019", "hubei")
FLAG = "--update-golden"


def _cases() -> list[tuple[str, Path]]:
    return [
        (profile_id, path)
        for profile_id in PROFILES
        for path in sorted((ROOT / "examples" / "profiles" / profile_id / "submissions").rglob("*.yaml"))
        if path.name != "名单.yaml"
    ]


def _outputs(profile_id: str, path: Path, tmp: Path) -> dict[str, str]:
    kind = "department" if path.name == "部门整体.yaml" else "project"
    doc, findings = load_file(path)
    assert doc is not None, findings
    ev = evaluate(model.build(kind, path, doc.data, forms.builtin(profile_id).form(kind)))
    book, report = tmp / f"{path.stem}.xlsx", tmp / f"{path.stem}.docx"
    book.write_bytes(xlsx.workbook_bytes(ev, templates.BUILTIN / templates.TABLES_YAML))
    report.write_bytes(docx.document_bytes(ev, templates.BUILTIN / "report.docx"))
    return {f"{path.stem}.xlsx": dumps(normalise_xlsx(book)), f"{path.stem}.docx": dumps(docx_(report))}


@pytest.mark.parametrize(("profile_id", "path"), _cases(), ids=lambda v: v if isinstance(v, str) else v.stem.encode().hex()[:12])
def test_profile_demo_matches_its_snapshots(profile_id: str, path: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    update = request.config.getoption(FLAG)
    for name, text in _outputs(profile_id, path, tmp_path).items():
        snapshot = SNAPSHOTS / profile_id / path.parent.name / f"{name}.json"
        if update:
            if not snapshot.is_file() or snapshot.read_text(encoding="utf-8") != text:
                snapshot.parent.mkdir(parents=True, exist_ok=True)
                snapshot.write_text(text, encoding="utf-8")
                request.config.stash.setdefault(GOLDEN_UPDATES, []).append(f"updated  {snapshot.relative_to(ROOT)}")
            continue
        assert snapshot.is_file(), f"no snapshot {snapshot.relative_to(ROOT)}: run `pytest tests/golden {FLAG}` and review it"
        assert snapshot.read_text(encoding="utf-8") == text, f"{snapshot.relative_to(ROOT)} differs: run `pytest tests/golden {FLAG}`"
