"""Every profile's demo speaks its form's language: no word its form does not use, anywhere a person reads it.

Each shipped profile's demo (examples/profiles/<id>/) is copied into a git repository and built for real with the
command line: `docgen build` (附件1 .docx, 附件2/3 and the 汇总表 .xlsx), `docgen site` (HTML) and `docgen
validate` (the warnings). Every text is read back (the .docx's runs, every cell of every workbook, the pages' text
without markup) and searched for the words the form does not use: 朔州's words the profile's `wording.terms`
replaces (支出进度 on a form that says 执行率), the columns it lacks (上年结转, 下达数 …), and for a 区级/县级 profile
the city's 「全市」「市财政局」. The guides name the YAML keys clerks type (「执行数（键「支出数」）」): a key is
docgen's, the same on every form, so those mentions are left out of the search.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen.evaluate import figures as compute
from docgen.form import forms

ROOT = Path(__file__).resolve().parents[2]
#: 朔州's words for a budget column, by the figure it shows: never said on a form without that column.
COLUMN_WORDS = {
    "carried_over": ("上年结转",),
    "allocated": ("下达数",),
    "allocation_rate": ("下达率",),
}
#: A level's own words a lower level's outputs must not borrow (the city's, on a district's or county's demo); 「朔州市
#: 财政局」 (the regulation's issuer, a name) is not the bureau's wording.
CITY_WORDS = ("全市", "市财政局")
NAMED = re.compile(r"朔州市财政局")
#: A YAML key named beside the form's column in the guides: the key is docgen's on every form.
KEY_MENTION = re.compile(r"（键「[^」]*」）")


def forbidden(profile_id: str) -> set[str]:
    """The words `profile_id`'s outputs must not contain, derived from its profile."""
    profile = forms.builtin(profile_id)
    form = profile.form("project")
    said = [new for _, new in profile.wording.terms]
    words = {old for old, _ in profile.wording.terms if not any(old in new for new in said)}  # 执行率 is national's own
    gone = compute.absent_columns(form.absent)
    words |= {w for name, ws in COLUMN_WORDS.items() if name in gone for w in ws}
    if "carried_over" in gone:
        words.add("小计")  # 上年结转 + 本年预算: no such column without 上年结转
    if profile.area != forms.DEFAULT.area:
        words |= set(CITY_WORDS)
    return words


def _texts(root: Path) -> dict[str, str]:
    """Every text a person reads in the built demo, by where it is."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.docx")):
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        found[str(path.relative_to(root))] = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    for path in sorted(root.rglob("*.xlsx")):
        book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
        cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
        found[str(path.relative_to(root))] = "\n".join(cells)
    for path in sorted((root / "site").rglob("*.html")):
        page = re.sub(r"<script.*?</script>|<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
        found[str(path.relative_to(root))] = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return {where: NAMED.sub("", KEY_MENTION.sub("", text)) for where, text in found.items()}


def _docgen(root: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "docgen", *args], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module", params=("national-2019", "hubei", "shuozhou-county", "shuozhou-district"))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    profile_id: str = request.param
    root = tmp_path_factory.mktemp("vocabulary") / profile_id
    shutil.copytree(ROOT / "examples" / "profiles" / profile_id, root)
    git = ["git", "-c", "user.name=测试", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(root), "commit", "-qm", "demo"], check=True)
    validate = _docgen(root, "validate")
    _docgen(root, "build")
    _docgen(root, "site")
    texts = _texts(root)
    assert any(k.endswith(".docx") for k in texts) and any(k.endswith(".html") for k in texts), sorted(texts)
    return profile_id, {**texts, "docgen validate": NAMED.sub("", validate)}


def test_no_output_of_a_profile_demo_uses_a_word_its_form_does_not(built: tuple[str, dict[str, str]]) -> None:
    profile_id, texts = built
    words = forbidden(profile_id)
    assert words, profile_id  # every shipped profile other than the default words something otherwise
    hits = [
        f"{where}: {w} … {text[max(0, text.index(w) - 20) : text.index(w) + 20]!r}"
        for where, text in texts.items()
        for w in words
        if w in text
    ]
    assert not hits, "\n".join(hits)


def test_the_outputs_do_say_the_forms_own_words(built: tuple[str, dict[str, str]]) -> None:
    """The firing side: the form's words are there (执行率 in the warnings and 附件1, the area in the 汇总表's name)."""
    profile_id, texts = built
    profile = forms.builtin(profile_id)
    said = dict(profile.wording.terms)
    if "支出进度" in said:
        assert said["支出进度"] in texts["docgen validate"]
        assert any(said["支出进度"] in t for w, t in texts.items() if w.endswith(".docx"))
    assert any(Path(w).name.startswith(profile.area + "-") for w in texts if w.endswith(".xlsx")), sorted(texts)


def test_the_default_profile_keeps_its_words() -> None:
    """朔州's own profile replaces nothing: its outputs stay byte-identical (tests/golden)."""
    assert forms.DEFAULT.wording.terms == () and forbidden(forms.DEFAULT_PROFILE) == set()
    assert forms.DEFAULT.words("支出进度") == "支出进度" and forms.builtin("national-2019").words("支出进度") == "执行率"
    assert forms.builtin("national-2019").words("支出进度与执行率") == "执行率与进度比"  # at once, never chained


@pytest.mark.parametrize("profile_id", ["hubei", "national-2019", forms.DEFAULT_PROFILE])
def test_the_rollup_headers_are_the_forms_columns_once_each(profile_id: str, tmp_path: Path) -> None:
    """On a form without 上年结转, 小计 is the 本年预算 again under the same words: printed once, not twice; the
    likelihood counts stand under the form's own answers (Hubei's 不可能, not 朔州's 完全不可能)."""
    root = tmp_path / profile_id
    source = ROOT / "examples" / "profiles" / profile_id if profile_id != forms.DEFAULT_PROFILE else ROOT
    shutil.copytree(source / "submissions", root / "submissions")
    if (source / "docgen.yaml").exists():
        shutil.copy(source / "docgen.yaml", root / "docgen.yaml")
    _docgen(root, "build")
    rollups = sorted((root / "build").glob("*/*汇总表.xlsx"))
    assert rollups, sorted(p.name for p in (root / "build").rglob("*"))
    answers = [lk.answer for lk in forms.builtin(profile_id).form("project").likelihoods]
    for ws in openpyxl.load_workbook(rollups[0]).worksheets[:2]:
        headers = [c.value for c in ws[3] if c.value is not None]
        assert len(headers) == len(set(headers)), headers
        assert [h for h in headers if h in answers or h == "完全不可能"] == answers, headers
