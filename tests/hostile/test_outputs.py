"""Every file in the repository comes from a pull request: outputs stay inside their folder, caches cannot be turned
against the user, and nothing outside the repository is read, probed or deleted. Real git repositories in tmp_path,
the real CLI (in a child process, except where a module constant must be lowered to reach the per-file cache)."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import cache
from docgen.check import validate
from docgen.cli import cli
from docgen.history import timeline as history
from docgen.render import engine
from tests.history.gitrepo import DEPT, PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH, GitRepo

MARKER = "外部机密值XYZZY"  # text of files outside the repository: must never show up anywhere
TODAY = "2025-07-20"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A repository (tmp_path/repo) with a valid roster and project committed; tmp_path/outside is not in it."""
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write(ROSTER_PATH, ROSTER)
    repo.write(PROJECT_PATH, PROJECT)
    repo.commit("首次报送 2025年1-6月")
    (tmp_path / "outside").mkdir()
    return repo


def docgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`docgen ARGS` in a child process, as CI runs it; the per-file caches in the test session's own folder."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "docgen", *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def everything_written(root: Path) -> str:
    """The text of every file docgen wrote (build/, site/), for leak checks."""
    texts = []
    for folder in (root / "build", root / "site"):
        for path in folder.rglob("*") if folder.is_dir() else []:
            if path.is_file() and not path.is_symlink():
                texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def build_manifest(root: Path) -> Path:
    """Where docgen keeps the manifest of root/build: the project's Store, in the user's cache (never build/), a shard
    for each folder of outputs (engine.Manifest)."""
    return cache.Store(root).record_shards(root / "build", engine.MANIFEST)


def plant_manifest(root: Path, entries: dict[str, str]) -> list[Path]:
    """Plant `entries` (a path under build/ -> the key it claims) in the manifest of root/build, as someone who can
    write the user's cache would: a shard of ours for each folder they name. Returns the shard files."""
    by_folder: dict[str, dict[str, str]] = {}
    for rel, key in entries.items():
        folder, _, name = rel.rpartition("/")
        by_folder.setdefault(folder, {})[name] = key
    planted = []
    for folder, named in by_folder.items():
        names = sorted(named)
        head = {"format": engine.MANIFEST_FORMAT, "owner": os.path.abspath(root / "build"), "folder": folder}
        lines = [head, names, [named[n] for n in names], [0, 0, 0] * len(names)]
        shard = build_manifest(root) / engine._shard_file(folder)
        shard.parent.mkdir(parents=True, exist_ok=True)
        shard.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        planted.append(shard)
    return planted


# --- 1. outputs only inside their folder --------------------------------------------------------


def test_a_planted_manifest_cannot_delete_outside_build(repo: GitRepo, tmp_path: Path) -> None:
    assert docgen(repo.root, "build").returncode == 0
    victims = [tmp_path / "victim.txt", repo.root / "README.md", tmp_path / "outside" / "absolute.txt"]
    for victim in victims:
        victim.write_text("keep me", encoding="utf-8")
    planted = ["../../victim.txt", "../README.md", str(tmp_path / "outside" / "absolute.txt"), "2025-06/../../README.md"]
    shards = plant_manifest(repo.root, dict.fromkeys(planted, "0" * 64))  # in the user's cache: a second line

    done = docgen(repo.root, "build")
    assert done.returncode == 0, done.stderr
    assert all(v.read_text(encoding="utf-8") == "keep me" for v in victims)
    for entry in planted:
        assert f"「{entry}」" in done.stderr  # the warning names the entry
    assert "已忽略" in done.stderr
    assert not any(shard.exists() for shard in shards) and list(build_manifest(repo.root).iterdir())  # and forgets them


def test_a_planted_manifest_entry_cannot_inject_lines_into_a_ci_log(repo: GitRepo) -> None:
    (repo.root / "build").mkdir()
    plant_manifest(repo.root, {"/x\n::error::pwned/附件1.docx": "k"})
    done = docgen(repo.root, "build")
    assert done.returncode == 0
    assert "\n::error::" not in done.stderr and "::error::pwned" in done.stderr  # shown, escaped, on the warning's own line


@pytest.mark.parametrize("command", ["build", "site", "rollup"])
def test_a_symlinked_build_folder_is_refused(repo: GitRepo, tmp_path: Path, command: str) -> None:
    precious = tmp_path / "outside" / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep me", encoding="utf-8")
    (precious / ".docgen-manifest.json").write_text(json.dumps({"outputs": {"keep.txt": "x"}}), encoding="utf-8")
    before = files_under(precious)
    (repo.root / "build").symlink_to(precious, target_is_directory=True)
    done = docgen(repo.root, command, *(["--today", TODAY] if command == "site" else []))
    assert done.returncode == 3, done.stderr
    assert "符号链接" in done.stderr and "Traceback" not in done.stderr
    assert files_under(precious) == before


def test_a_symlinked_folder_inside_build_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    assert docgen(repo.root, "build").returncode == 0
    precious = tmp_path / "outside" / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep me", encoding="utf-8")
    plant_manifest(repo.root, {"link/keep.txt": "x"})
    (repo.root / "build" / "link").symlink_to(precious, target_is_directory=True)
    done = docgen(repo.root, "build")
    assert done.returncode == 3 and "符号链接" in done.stderr
    assert (precious / "keep.txt").read_text(encoding="utf-8") == "keep me"


def test_a_symlinked_site_folder_is_refused_and_its_target_untouched(repo: GitRepo, tmp_path: Path) -> None:
    precious = tmp_path / "outside" / "home"
    (precious / "docs").mkdir(parents=True)
    (precious / "docs" / "thesis.txt").write_text("years of work", encoding="utf-8")
    before = files_under(precious)
    (repo.root / "site").symlink_to(precious, target_is_directory=True)
    done = docgen(repo.root, "site", "--today", TODAY)
    assert done.returncode == 3, done.stderr
    assert "符号链接" in done.stderr
    assert files_under(precious) == before
    assert not list(tmp_path.joinpath("outside").glob(".home*"))  # nothing swapped in beside it either


@pytest.mark.parametrize("folder", ["site", "site/secret"])
def test_include_confidential_refuses_the_site_folder(repo: GitRepo, folder: str) -> None:
    done = docgen(repo.root, "build", "--include-confidential", folder)
    assert done.returncode == 2, done.stderr
    assert "--include-confidential" in done.stderr
    assert not (repo.root / "site" / "secret").exists()


def test_include_confidential_refuses_a_symlink(repo: GitRepo, tmp_path: Path) -> None:
    (repo.root.parent / "secret-link").symlink_to(tmp_path / "outside", target_is_directory=True)
    done = docgen(repo.root, "build", "--include-confidential", str(repo.root.parent / "secret-link"))
    assert done.returncode == 3 and "符号链接" in done.stderr


# --- symlinked submissions: refused, never read ------------------------------------------------------


def plant_symlinks(repo: GitRepo, tmp_path: Path) -> None:
    """A project, a roster-named file and a whole department folder that are symlinks to YAML outside the repository."""
    outside = tmp_path / "outside"
    (outside / "stolen.yaml").write_text(f"{MARKER}: {MARKER}\n项目名称: {MARKER}\n", encoding="utf-8")
    (outside / "dept").mkdir()
    (outside / "dept" / "101-2025-777.yaml").write_text(PROJECT.replace("城乡义务教育", MARKER), encoding="utf-8")
    (repo.root / DEPT / "101-2025-009.yaml").symlink_to(outside / "stolen.yaml")
    (repo.root / "submissions" / "2025-07").mkdir()
    (repo.root / "submissions" / "2025-07" / "名单.yaml").symlink_to(outside / "stolen.yaml")
    (repo.root / "submissions" / "2025-06" / "103-外部").symlink_to(outside / "dept", target_is_directory=True)


def test_symlinked_submissions_are_refused_with_a_location_and_never_read(repo: GitRepo, tmp_path: Path) -> None:
    plant_symlinks(repo, tmp_path)
    for fmt in ("text", "json", "github"):
        done = docgen(repo.root, "validate", "--format", fmt)
        assert done.returncode == 1
        assert MARKER not in done.stdout + done.stderr
    text = docgen(repo.root, "validate")
    lines = (text.stdout + text.stderr).splitlines()
    for name in ("2025-06/101-教育局/101-2025-009.yaml", "2025-07/名单.yaml", "2025-06/103-外部"):
        assert any(f"submissions/{name}:1:1:" in line and "E115" in line for line in lines), name
    build = docgen(repo.root, "build")
    assert build.returncode == 1 and MARKER not in build.stdout + build.stderr


def test_symlinked_submissions_never_reach_the_site(repo: GitRepo, tmp_path: Path) -> None:
    plant_symlinks(repo, tmp_path)
    repo.commit("符号链接")
    done = docgen(repo.root, "site", "--today", TODAY)
    assert done.returncode == 0, done.stderr
    assert MARKER not in done.stdout + done.stderr
    assert MARKER not in everything_written(repo.root)


def test_docgen_diff_does_not_read_a_symlinked_submission(repo: GitRepo, tmp_path: Path) -> None:
    plant_symlinks(repo, tmp_path)
    done = docgen(repo.root, "diff", "HEAD")
    assert MARKER not in done.stdout + done.stderr


# --- 佐证材料: only ever inside the repository ---------------------------------------------------------


def with_evidence(*entries: str) -> str:
    lines = "".join(f"      - {json.dumps(e, ensure_ascii=False)}\n" for e in entries)
    return PROJECT.replace("    完成目标可能性: 确定能\n", "    完成目标可能性: 确定能\n    佐证材料:\n" + lines, 1)


def evidence_findings(repo: GitRepo) -> list[str]:
    done = docgen(repo.root, "validate")
    return [line for line in (done.stdout + done.stderr).splitlines() if "W306" in line or "W309" in line]


def test_evidence_outside_the_repository_is_reported_without_probing(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "x.pdf").write_bytes(b"%PDF")
    (repo.root / DEPT / "材料").mkdir()
    (repo.root / DEPT / "材料" / "发放花名册.pdf").write_bytes(b"%PDF")
    (repo.root / DEPT / "外链").symlink_to(outside, target_is_directory=True)
    entries = [
        str(outside / "x.pdf"),  # absolute
        "/etc/passwd",
        "../../../../x.pdf",  # climbs out of the repository (to tmp_path/outside's parent)
        "../../../../outside/x.pdf",
        "外链/x.pdf",  # a symlink inside the repository pointing out
        "材料/发放花名册.pdf",  # fine
        "材料/../材料/发放花名册.pdf",  # fine: .. that stays inside
        "材料/没有的文件.pdf",  # inside, missing: W306 as before
        # a `\` is a separator on the way and for the file alike: read as part of a name for the file only, this one was
        # looked for at tmp_path/outside/x.pdf (one level fewer to climb) while the way checked stayed inside
        "a\\b/../../../../../outside/x.pdf",
    ]
    repo.write(PROJECT_PATH, with_evidence(*entries))
    found = evidence_findings(repo)
    text = PROJECT_PATH.split("/")[-1]
    assert [line.split(": ")[1].split()[1] for line in found] == ["W309"] * 5 + ["W306"] * 2, found
    assert all(text in line for line in found)
    # the same answers whether or not the files outside exist: no oracle for what is on the machine
    (outside / "x.pdf").unlink()
    assert evidence_findings(repo) == found


# --- 2. caches that cannot be turned against the user -------------------------------------------------


class _Payload:
    """Unpickling this writes the marker file: what a crafted cache shard would do to a docgen that unpickles."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


def test_a_crafted_cache_shard_never_runs_code(repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo.root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(validate, "CACHE_FROM", 1)  # the per-file cache is used from 300 files on

    def run() -> tuple[int, str]:
        done = CliRunner().invoke(cli, ["validate"], catch_exceptions=False)
        return done.exit_code, done.output

    first = run()
    shards = list((tmp_path / "cache" / "docgen").glob("*/*.jsonl"))
    assert shards  # check-… and monitor-…
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker))
    for shard in shards:
        shard.with_suffix(".pickle").write_bytes(payload)  # where an older docgen kept its pickles
        shard.write_bytes(payload)
    assert run() == first
    assert not marker.exists()
    # well-formed lines of the right format and key, but values of the wrong shape: misses, not errors
    header = cache.dumps({"format": cache.FORMAT, "code": cache.code_digest()})
    digest = cache.file_digest(Path(PROJECT_PATH))
    for shard in list((tmp_path / "cache" / "docgen").glob("*/*.jsonl")):
        bad = [cache.dumps([PROJECT_PATH, digest, value]) for value in (None, "x", [1, 2], ["project", {"path": 1}, []])]
        shard.write_text("\n".join([header, *bad, '["x", ', "[[[[[["]) + "\n", encoding="utf-8")
    assert run() == first
    assert not marker.exists()


def fake_history_db(repo: GitRepo, path: Path) -> None:
    """A history.sqlite that claims a change nobody made, keyed by the real blob ids, for the current docgen."""
    blob = repo.run("rev-parse", f"HEAD:{PROJECT_PATH}").strip()
    record = {"readable": True, "valid": True, "confidential": False, "name": "伪造项目", "code": "101-2025-001"}
    record["changes"] = [["field", "资金·伪造的修改记录", "0.00", "9999.00", False]]
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE snapshots (id TEXT PRIMARY KEY, data TEXT);"
        "CREATE TABLE diffs (id TEXT PRIMARY KEY, data TEXT);"
    )
    with db:
        db.execute("INSERT INTO meta VALUES ('version', ?)", (history._code_version(),))
        db.execute("INSERT INTO diffs VALUES (?, ?)", (f"project:-:{blob}", json.dumps(record, ensure_ascii=False)))
    db.close()


def project_page(root: Path) -> str:
    return (root / "site" / "2025-06" / "101" / "101-2025-001.html").read_text(encoding="utf-8")


def test_a_committed_history_cache_is_never_read(repo: GitRepo) -> None:
    committed = repo.root / ".docgen-cache" / "history.sqlite"
    fake_history_db(repo, committed)
    repo.run("add", "-f", ".docgen-cache/history.sqlite")
    repo.commit("提交缓存")
    before = committed.read_bytes()
    done = docgen(repo.root, "site", "--today", TODAY)
    assert done.returncode == 0, done.stderr
    page = project_page(repo.root)
    assert "伪造" not in page and "9999.00" not in page
    assert "首次报送" in page and "支出数" in page  # the real first version: its 资金总额 figures
    assert committed.read_bytes() == before  # neither read nor written
    assert repo.run("status", "--porcelain").split() == ["??", "build/", "??", "site/"]


def test_a_corrupt_history_row_is_a_miss(repo: GitRepo) -> None:
    assert docgen(repo.root, "site", "--today", TODAY).returncode == 0
    real = project_page(repo.root)
    databases = list(Path(os.environ["XDG_CACHE_HOME"]).glob("docgen/history-*/history.sqlite"))
    assert databases, "the history cache lives in the user's cache folder"
    for path in databases:
        db = sqlite3.connect(path)
        with db:
            rows = db.execute("SELECT id FROM diffs").fetchall()
            for n, (key,) in enumerate(rows):
                bad = ["{not json", '{"changes": 1}', json.dumps({"readable": True, "changes": [[1, 2]]})][n % 3]
                db.execute("UPDATE diffs SET data = ? WHERE id = ?", (bad, key))
            db.execute("UPDATE snapshots SET data = '[]'")
        db.close()
    done = docgen(repo.root, "site", "--today", TODAY)
    assert done.returncode == 0, done.stderr
    assert "内部错误" not in done.stderr
    assert project_page(repo.root) == real


def test_two_site_builds_at_once_do_not_corrupt_each_other(repo: GitRepo) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "docgen", "site", "--today", TODAY]
    runs = [subprocess.Popen(command, cwd=repo.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert "首次报送" in project_page(repo.root)
    assert (repo.root / "site" / "search" / "search_index.json").is_file()
    assert not [p.name for p in repo.root.iterdir() if p.name.startswith(".site")]  # no half-swapped folders left


# --- 3. nothing committed under build/ or site/ is trusted ------------------------------------------

ATTACHMENT2 = "build/2025-06/101-朔州市教育局/附件2-101-2025-001-城乡义务教育家庭经济困难学生生活补助.xlsx"


def forged_commit(repo: GitRepo) -> None:
    """A pull request that commits a forged 附件2 and the manifests that vouch for it, as a build left them."""
    assert docgen(repo.root, "build").returncode == 0
    assert (repo.root / ATTACHMENT2).is_file()
    (repo.root / ATTACHMENT2).write_bytes(b"forged")
    repo.run("add", "-f", "build")
    repo.commit("更新附件")


def test_committed_outputs_are_refused_in_a_fresh_clone(repo: GitRepo, tmp_path: Path) -> None:
    forged_commit(repo)
    clone = tmp_path / "clone"
    repo.run("clone", "-q", str(repo.root), str(clone))
    for command in ("build", "site", "rollup"):
        done = docgen(clone, command, *(["--today", TODAY] if command == "site" else []))
        assert done.returncode == 1, (command, done.stderr)
        assert "git rm -r --cached build site" in done.stderr and ".gitignore" in done.stderr
        assert "build/" in done.stderr and "Traceback" not in done.stderr
    assert (clone / ATTACHMENT2).read_bytes() == b"forged"  # refused before anything was written
    assert not (clone / "site").exists()
    repo.run("-C", str(clone), "rm", "-q", "-r", "--cached", "build")
    done = docgen(clone, "build")
    assert done.returncode == 0, done.stderr
    assert (clone / ATTACHMENT2).read_bytes() != b"forged"  # never vouched for by a manifest from the repository


def test_a_hand_placed_output_and_manifest_are_never_trusted(repo: GitRepo, tmp_path: Path) -> None:
    """No git involved: files put in build/ by hand, with a manifest of the old kind claiming them, are re-rendered."""
    assert docgen(repo.root, "build").returncode == 0
    genuine = (repo.root / ATTACHMENT2).read_bytes()
    (repo.root / ATTACHMENT2).write_bytes(b"forged")
    manifest = repo.root / "build" / ".docgen-manifest.json"
    manifest.write_text(json.dumps({"outputs": {ATTACHMENT2[6:]: "0" * 64}}), encoding="utf-8")
    done = docgen(repo.root, "build")
    assert done.returncode == 0, done.stderr
    assert "新生成 1 个文件" in done.stderr
    assert (repo.root / ATTACHMENT2).read_bytes() != b"forged"
    assert len((repo.root / ATTACHMENT2).read_bytes()) == len(genuine)
    assert not manifest.exists()
    again = docgen(repo.root, "build")
    assert "新生成 0 个文件" in again.stderr  # the one-edit rebuild still skips what is unchanged


# --- 4. no write follows a symlink inside build/ -----------------------------------------------------


def test_a_symlink_inside_build_receives_no_write(repo: GitRepo, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (repo.root / "build").mkdir()
    (repo.root / "build" / "2025-06").symlink_to(victim, target_is_directory=True)
    for command in ("build", "rollup", "site"):
        done = docgen(repo.root, command, *(["--today", TODAY] if command == "site" else []))
        assert done.returncode == 3, (command, done.stderr)
        assert "符号链接" in done.stderr and "Traceback" not in done.stderr
        assert list(victim.iterdir()) == []
    assert not (repo.root / "build" / "summary.json").exists()  # refused before anything was written


def test_every_writer_refuses_a_symlinked_parent(tmp_path: Path) -> None:
    from docgen import output

    owner, victim = tmp_path / "build", tmp_path / "victim"
    (owner / "a").mkdir(parents=True)
    victim.mkdir()
    (owner / "a" / "b").symlink_to(victim, target_is_directory=True)
    for target in (owner / "a" / "b" / "x.xlsx", owner / "a" / "b" / "c" / "x.xlsx", tmp_path / "elsewhere.txt"):
        with pytest.raises(output.UnsafeOutput):
            output.write_bytes(target, b"x", owner=owner)
    with pytest.raises(output.UnsafeOutput):
        output.write_text(owner / "a" / "b" / "y.txt", "x", owner=owner)
    assert list(victim.iterdir()) == []
    output.write_bytes(owner / "a" / "ok.txt", b"ok", owner=owner)
    assert (owner / "a" / "ok.txt").read_bytes() == b"ok"


# --- 5. templates from the repository: Chinese messages, never X900 ----------------------------------

BUILTIN_DOCX = Path(__file__).resolve().parents[2] / "src/docgen/render/builtin_templates/report.docx"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol9;</w:styles>'
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:styles>&e;</w:styles>'


def docx_with_styles(styles: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(BUILTIN_DOCX) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = styles.encode() if info.filename == "word/styles.xml" else source.read(info)
            target.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docx", docx_with_styles(LAUGHS)),
        ("report.docx", docx_with_styles(XXE)),
        ("report.docx", docx_with_styles("<w:styles><unclosed>")),
        ("report.docx", b"PK\x03\x04 not a zip"),
        ("tables.yaml", b"fonts: &a {x: 1}\nnumber_formats: *a\npage: {}\n"),
        ("tables.yaml", b"fonts: !!python/object/apply:os.system ['echo pwned']\nnumber_formats: {}\npage: {}\n"),
        ("tables.yaml", b"fonts: {x: 1\nnumber_formats: [\n"),
    ],
    ids=["billion-laughs", "xxe", "malformed-xml", "not-a-zip", "yaml-alias", "yaml-python-tag", "yaml-syntax"],
)
def test_a_malicious_template_is_a_chinese_message_naming_it(repo: GitRepo, name: str, content: bytes) -> None:
    (repo.root / "templates").mkdir()
    (repo.root / "templates" / name).write_bytes(content)
    done = docgen(repo.root, "build")
    assert done.returncode == 3, done.stderr
    assert f"templates/{name}" in done.stderr and "无法使用" in done.stderr
    assert "X900" not in done.stderr and "Traceback" not in done.stderr and "pwned" not in done.stdout
    assert not any(word in done.stderr for word in ("while parsing", "found undefined", "could not determine", "not well-formed"))


# --- 6. a failed publication check leaves nothing to publish -----------------------------------------


def test_a_leaking_site_never_replaces_the_previous_one(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from docgen import api, confidential
    from docgen.errors import Leak

    api.site(repo.root, today=date(2025, 7, 20))
    before = files_under(repo.root / "site")
    assert before
    real = confidential.check_published

    def leaking(folder: Path, found: object, *args: object, **kwargs: object) -> None:
        if folder.name.startswith(".site."):  # the new site, before the swap
            raise Leak("发布检查未通过")
        real(folder, found, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(confidential, "check_published", leaking)
    with pytest.raises(Leak):
        api.site(repo.root, today=date(2025, 7, 21))
    assert files_under(repo.root / "site") == before
    assert not [p for p in repo.root.iterdir() if p.name.startswith(".site.")]  # the leaking copy is gone too


# --- 7. validate and check refuse a submissions/ that leads out of the repository --------------------


@pytest.mark.parametrize("args", [("validate",), ("check",), ("validate", "submissions"), ("check", "submissions/2025-06")])
def test_validate_and_check_refuse_a_symlinked_submissions_folder(repo: GitRepo, tmp_path: Path, args: tuple[str, ...]) -> None:
    outside = tmp_path / "outside" / "subs"
    (outside / "2025-06").mkdir(parents=True)
    (outside / "2025-06" / "名单.yaml").write_text(f"{MARKER}: 1\n", encoding="utf-8")
    repo.run("rm", "-q", "-r", "submissions")
    (repo.root / "submissions").symlink_to(outside, target_is_directory=True)
    built = docgen(repo.root, "build")
    done = docgen(repo.root, *args)
    assert done.returncode == built.returncode != 0, done.stderr
    assert "指向仓库" in done.stderr and done.stderr.strip() == built.stderr.strip()
    assert MARKER not in done.stdout + done.stderr
