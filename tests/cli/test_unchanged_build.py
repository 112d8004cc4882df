"""`docgen build` with nothing changed since the last build replays its report and touches nothing (issue 18).

A full build rewrites summary.json (a new file by atomic rename); the replay reads no submission and writes nothing,
so summary.json keeps its inode: that is how these tests see which path was taken."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen import api, cli
from tests.cli.test_commands import FOLDER, PROJECT, ROSTER, tree

PROJECT_FILE = f"{FOLDER}/101-2025-001.yaml"


def settled(root: Path) -> None:
    """Every input modified a minute ago and changed (its times set) over a second ago: files written or changed in
    the last second are never vouched for (cache.SETTLED_NS)."""
    from docgen import cache

    past = time.time() - 60
    for path in (root / "submissions").rglob("*"):
        os.utime(path, (past, past))
    time.sleep(cache.SETTLED_NS / 1e9)


def listing(build: Path) -> dict[str, tuple[int, int, int]]:
    stats = {p.relative_to(build).as_posix(): p.stat() for p in build.rglob("*") if p.is_file()}
    return {name: (info.st_size, info.st_mtime_ns, info.st_ino) for name, info in stats.items()}


def test_a_rebuild_with_nothing_changed_says_what_a_full_rebuild_says_and_writes_nothing(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    settled(tmp_path)
    assert run("build").exit_code == 0
    before = listing(tmp_path / "build")
    replayed = run("build")
    assert replayed.exit_code == 0, replayed.output
    assert listing(tmp_path / "build") == before  # not one file rewritten, summary.json included
    full = run("--no-cache", "build")  # --no-cache never replays: the whole check and render, nothing to render
    assert full.exit_code == 0
    assert listing(tmp_path / "build")["summary.json"] != before["summary.json"]
    assert (replayed.stdout, replayed.stderr) == (full.stdout, full.stderr)
    assert "W" in full.stdout + full.stderr  # the warnings are replayed too, not only the counts


def test_an_edit_a_missing_output_or_a_file_just_touched_builds_again(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    settled(tmp_path)
    assert run("build").exit_code == 0
    project = tmp_path / PROJECT_FILE
    stamp = project.stat().st_mtime
    project.write_text(PROJECT.replace("支出数: 98.2", "支出数: 99.2"), encoding="utf-8")
    os.utime(project, (stamp - 5, stamp - 5))  # an edit long ago, say by a checkout: its signature differs all the same
    assert run("build").exit_code == 0
    assert '"spent":"511.55"' in (tmp_path / "build" / "summary.json").read_text(encoding="utf-8")

    (table,) = (tmp_path / "build").rglob("*101-2025-001*.xlsx")
    table.unlink()
    assert run("build").exit_code == 0
    assert table.is_file()

    before = listing(tmp_path / "build")
    project.touch()  # the same bytes, touched now: within the clock's tick an edit could keep its signature
    assert run("build").exit_code == 0
    assert listing(tmp_path / "build")["summary.json"] != before["summary.json"]


def test_force_and_another_option_never_replay(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    settled(tmp_path)
    assert run("build").exit_code == 0
    before = listing(tmp_path / "build")
    assert run("build", "--strict").exit_code in (0, 1)  # another option: another key, a full check
    assert listing(tmp_path / "build").get("summary.json") != before["summary.json"]
    forced = run("build", "--force")
    assert forced.exit_code == 0
    assert "新生成 2 个文件" in forced.stderr  # rendered again, not replayed


def test_a_manifest_edited_by_hand_is_read_again_not_replayed_over(run, chdir, tmp_path) -> None:
    """The manifests in the cache are what a full build trusts and checks: one someone planted an entry in gets the
    full build's warning (「已忽略」), not the last build's clean report."""
    from tests.hostile.test_outputs import plant_manifest

    chdir(tree(tmp_path))
    settled(tmp_path)
    assert run("build").exit_code == 0
    plant_manifest(tmp_path, {"../planted.txt": "0" * 64})
    done = run("build")
    assert done.exit_code == 0
    assert "已忽略" in done.stderr and "../planted.txt" in done.stderr


def test_a_replay_from_a_subfolder_names_the_files_as_typed_there(run, chdir, tmp_path) -> None:
    """The replayed warnings are kept as printed from the root; standing elsewhere, they are made again from the
    findings, with the paths as the user would type them there, as a full build prints them."""
    chdir(tree(tmp_path))
    settled(tmp_path)
    assert run("build").exit_code == 0
    chdir(tmp_path / "submissions")
    before = listing(tmp_path / "build")
    replayed = run("build")
    assert replayed.exit_code == 0, replayed.output
    assert listing(tmp_path / "build") == before  # replayed: nothing written
    full = run("--no-cache", "build")
    assert (replayed.stdout, replayed.stderr) == (full.stdout, full.stderr)
    assert "W" in full.stderr and f"\n{FOLDER}/" not in "\n" + full.stderr  # named from submissions/, not from the root


def test_the_walk_after_a_one_edit_build_lists_again_only_what_it_wrote_and_still_replays(run, chdir, tmp_path, monkeypatch) -> None:
    """`docgen build` walks submissions/ once before it starts (api.Walks): an input changed since the last build is
    known from the stamp, without a walk of build/; after the build it lists again only the folders of build/
    changed since the last build's walk (cache.Walk's `before`, the Listing the stamp keeps): the key it remembers
    is the one a fresh walk gives, so the next build with nothing changed replays; one changed by hand between them
    does not. The streamed check takes an unchanged submission's signature from the probe's walk instead of
    stat'ing it again."""
    from docgen import cache
    from docgen.check import validate
    from docgen.evaluate import stream

    monkeypatch.setattr(validate, "CACHE_FROM", 1)  # the tree is small: cache it as a large tree would be
    chdir(tree(tmp_path))
    settled(tmp_path)
    assert run("build").exit_code == 0
    (tmp_path / "build" / "notes").mkdir()  # a folder of build/ no build writes into: listed once, then kept
    (tmp_path / "build" / "notes" / "readme.txt").write_text("kept", encoding="utf-8")
    assert run("build").exit_code == 0  # build/ changed: built, and its walk kept in the stamp with notes/ in it
    walks: list[cache.Walk] = []
    original = cache.Walk.__init__

    def counted(self: cache.Walk, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        walks.append(self)

    monkeypatch.setattr(cache.Walk, "__init__", counted)
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # build/ is a moment old: its folders count as settled
    time.sleep(0.05)
    project = tmp_path / PROJECT_FILE
    project.write_text(PROJECT.replace("支出数: 98.2", "支出数: 99.2"), encoding="utf-8")
    time.sleep(0.05)
    assert run("build").exit_code == 0
    # the probe's walk of the inputs, and after the build one of build/ that re-read all but notes/, and of the
    # manifest's shards in the cache (a folder: engine.Manifest)
    folders = [tmp_path / "build", *(p for p in (tmp_path / "build").rglob("*") if p.is_dir())]
    assert len(walks) == 2 and walks[1].reread == len(folders) - 1 + 1
    before = listing(tmp_path / "build")
    replayed = run("build")
    assert replayed.exit_code == 0 and listing(tmp_path / "build") == before  # replayed: nothing written
    stats: list[object] = []
    monkeypatch.setattr(stream, "settled_signature", lambda *args: stats.append(args))
    (tmp_path / "submissions" / "notes.txt").write_text("not a submission", encoding="utf-8")  # another input: a build
    time.sleep(0.05)
    assert run("build").exit_code == 0 and listing(tmp_path / "build")["summary.json"] != before["summary.json"]
    assert stats == []  # the project's signature came from the walk: its outcome from the cache, the file not read
    before = listing(tmp_path / "build")
    (stray,) = (tmp_path / "build").rglob("*101-2025-001*.xlsx")
    with stray.open("ab") as out:  # rewritten in place by hand: the folder keeps its times, the file does not
        out.write(b"\0")
    assert run("build").exit_code == 0
    assert listing(tmp_path / "build")["summary.json"] != before["summary.json"]  # built again, not replayed


def test_the_findings_are_kept_piece_by_piece_as_the_json_text_of_their_rows() -> None:
    """The record keeps the findings' rows as one JSON text inside its JSON (`Unchanged.rows`), written a thousand
    rows at a time and escaped piece by piece (api._findings_literal): read back, it is the text of all the rows
    dumped at once, across the pieces' seams and for text JSON must escape."""
    import json

    from docgen import api
    from docgen.check.findings import Finding, finding_rows

    odd = ['引号"和\\反斜杠', "换行\n与\t制表", "控制\x01字符", "表情😀与\u2028分隔", ""]
    for count in (0, 1, 999, 1000, 1001, 2500):
        findings = [Finding(f"submissions/{i}.yaml", i, 1, "W101", "warning", odd[i % len(odd)] * (i % 3), None) for i in range(count)]
        literal = b"".join(api._findings_literal(findings)).decode("utf-8")
        assert json.loads(literal) == json.dumps(finding_rows(findings), ensure_ascii=False, separators=(",", ":"))


def test_a_replay_is_the_same_when_the_parent_keeps_the_findings_itself(run, chdir, tmp_path, monkeypatch) -> None:
    """The roll-up child hands the parent the report for the replay (api._write_told); when it could not, the parent
    makes it itself, and the replay says the same, from the root and from a subfolder."""
    from docgen import api

    def unwritable(*args: object) -> None:
        raise OSError("read-only cache")

    chdir(tree(tmp_path))
    settled(tmp_path)
    full = run("build")
    assert full.exit_code == 0
    replayed = run("build")
    monkeypatch.setattr(api, "_write_told", unwritable)
    assert run("build", "--force").exit_code == 0
    before = listing(tmp_path / "build")
    again = run("build")
    assert (again.stdout, again.stderr) == (replayed.stdout, replayed.stderr) != ("", "")
    chdir(tmp_path / "submissions")
    below = run("build")  # replayed from the findings the record keeps, not from its text
    assert below.exit_code == 0 and "W" in below.stderr
    assert listing(tmp_path / "build") == before  # both replayed: nothing rewritten


def test_a_build_that_cannot_be_remembered_prints_the_childs_report_and_removes_its_file(run, chdir, tmp_path, monkeypatch) -> None:
    """When build/ cannot be walked for a replay's key (a folder in it unreadable: `_build_key` None), the build is not
    remembered; it still prints the report the roll-up child made for it, as a build without the cache says it, and
    the child's file does not stay in the cache (it did: only `_remember`'s success removed it)."""
    from docgen import api
    from docgen.cache import Store

    chdir(tree(tmp_path))
    settled(tmp_path)
    cold = run("--no-cache", "build", "--force")
    assert cold.exit_code == 0 and "W" in cold.stderr
    monkeypatch.setattr(api, "_build_key", lambda *args: None)
    built = run("build", "--force")
    assert built.exit_code == 0 and (built.stdout, built.stderr) == (cold.stdout, cold.stderr)
    store, build = Store(tmp_path), tmp_path / "build"
    assert not store.record(build, "report").exists() and not store.record(build, api.UNCHANGED).exists()


def test_a_stamp_that_does_not_match_its_record_never_replays_it(run, chdir, tmp_path) -> None:
    """The stamp (api.STAMP) is asked first and the record read only when the stamp holds this build's key; the
    record must hold it too. A stamp put back beside another build's record, an older stamp, or a damaged one never
    replays: the build runs, and says what a full build says."""
    from docgen import api
    from docgen.cache import Store

    chdir(tree(tmp_path))
    settled(tmp_path)
    assert run("build").exit_code == 0
    store, build = Store(tmp_path), tmp_path / "build"
    stamp, record = store.record(build, api.STAMP), store.record(build, api.UNCHANGED)
    old_stamp, old_record = stamp.read_bytes(), record.read_bytes()
    project = tmp_path / PROJECT_FILE
    project.write_text(PROJECT.replace("支出数: 98.2", "支出数: 99.2"), encoding="utf-8")
    settled(tmp_path)
    assert run("build").exit_code == 0
    full = run("--no-cache", "build")
    assert full.exit_code == 0 and run("build").exit_code == 0  # the full build's key remembered: a replay next

    def replays() -> bool:
        before = listing(build)
        done = run("build")
        assert done.exit_code == 0 and (done.stdout, done.stderr) == (full.stdout, full.stderr)
        return listing(build) == before

    assert replays()
    for planted, path in ((old_record, record), (old_stamp, stamp), (b"{not json", stamp)):
        path.write_bytes(planted)  # another build's record beside this stamp, the other build's stamp, a broken one
        assert not replays()
        assert replays()  # that build remembered itself again


def test_a_listing_kept_between_builds_is_read_back_only_as_plain_names() -> None:
    """cache.Listing, kept in the stamp: read back as it was kept; one naming a sub-folder that is not a plain name
    (a way out of the tree) or of the wrong shape is not read at all (None: build/ is walked afresh)."""
    from docgen.cache import Listing

    kept = Listing(7, {"/r/build": ((1, 2, 3, 4), b"\x01\xff", ["2025-06", "notes"])})
    assert Listing.read(kept.kept()) == kept
    for name in ("..", ".", "", "a/b", "a\\b", 3):
        assert Listing.read({"taken_ns": 7, "folders": {"/r/build": [[1, 2, 3, 4], "01", [name]]}}) is None
    for damaged in (None, [], {"taken_ns": 7}, {"taken_ns": "x", "folders": {}}, {"taken_ns": 7, "folders": {"/r": [[1, 2], "01", []]}}):
        assert Listing.read(damaged) is None


@given(st.text(st.characters(blacklist_categories=("Cs",))) | st.none(), st.integers(1, 7))
def test_the_remembered_text_is_written_in_pieces_as_one_json_string(text: str | None, size: int) -> None:
    """The replay record's warnings (millions of characters at 10,000 projects) are escaped a piece at a time: joined,
    the very literal json.dumps writes of the whole, quotes, backslashes, control characters and all."""
    assert b"".join(api._literal(text, size)) == json.dumps(text, ensure_ascii=False).encode()
    if text is not None:  # as the roll-up child hands it over: UTF-8, cut anywhere, even inside a character
        assert b"".join(api._literal(text.encode(), size)) == json.dumps(text, ensure_ascii=False).encode()


def test_many_warnings_are_printed_in_pieces_as_one_text(capsys: pytest.CaptureFixture[str]) -> None:
    """The warnings a build prints (5.8 million characters at 10,000 projects) go to stderr a piece at a time, never
    copied whole: what arrives is the lines joined, and one newline."""
    lines = ["submissions/2025-06/101-教育局/101-2025-001.yaml:3:1: W401 支出进度滞后", "第二行", "", "末行 \\ 'x'"]
    for size in (1, 7, 1 << 18):
        cli._echo_lines(lines, size)
        assert capsys.readouterr().err == "\n".join(lines) + "\n"
        cli._echo_text("\n".join(lines).encode(), size)  # as the roll-up child hands it over (UTF-8)
        assert capsys.readouterr().err == "\n".join(lines) + "\n"
    cli._echo_lines([])
    assert capsys.readouterr().err == ""
    # what click does to text (a terminal's escape stripped where stderr is no terminal) it does to the UTF-8 too
    escaped = "甲\x1b[31m乙\n丙\x1b[0m"
    cli._echo_lines([escaped])
    said = capsys.readouterr().err
    for size in (3, 40):
        cli._echo_text(escaped.encode(), size)
        assert capsys.readouterr().err == said


def rewritten_in_place(path: Path, old: str, new: str) -> None:
    """`old` replaced by `new` in the same file (its inode), the trailing comment cut or padded to keep its size, and
    its modification time set back: all a hostile clerk can keep of a file's signature (not its change time)."""
    info = path.stat()
    text = path.read_bytes().replace(old.encode(), new.encode())
    body, _, comment = text.rpartition(b"\n#")
    text = body + b"\n#" + comment.ljust(info.st_size - len(body) - 2, b"x")[: info.st_size - len(body) - 2]
    with path.open("r+b") as handle:
        handle.write(text)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (info.st_size, info.st_mtime_ns, info.st_ino)


def test_a_file_rewritten_in_place_with_its_size_and_time_kept_is_built_again_not_replayed(run, chdir, tmp_path, monkeypatch) -> None:
    """Size, modification time and inode can all be kept by whoever writes a file; its change time cannot. A
    figure changed so is built, and a project made 涉密 so (in its file and in the roster) leaves build/, as after
    any edit: a replay would have kept its attachments and figures published."""
    from docgen import cache

    padding = "\n# " + "x" * 40 + "\n"
    chdir(tree(tmp_path, **{"submissions/2025-06/名单.yaml": ROSTER + padding, PROJECT_FILE: PROJECT + padding}))
    settled(tmp_path)
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # the inputs are a moment old: count them settled
    time.sleep(0.05)
    assert run("build").exit_code == 0
    project = tmp_path / PROJECT_FILE
    rewritten_in_place(project, "支出数: 98.2", "支出数: 99.2")
    time.sleep(0.05)
    assert run("build").exit_code == 0
    assert '"spent":"511.55"' in (tmp_path / "build" / "summary.json").read_text(encoding="utf-8")

    assert any((tmp_path / "build").rglob("*101-2025-001*"))
    rewritten_in_place(project, "预算单位: 朔州市教育局本级\n", "预算单位: 朔州市教育局本级\n涉密: true\n")
    roster = tmp_path / "submissions/2025-06/名单.yaml"
    rewritten_in_place(roster, "预算单位: 朔州市教育局本级}", "预算单位: 朔州市教育局本级, 涉密: true}")
    time.sleep(0.05)
    assert run("build").exit_code == 0
    assert not any((tmp_path / "build").rglob("*101-2025-001*"))
    assert "101-2025-001" not in (tmp_path / "build" / "summary.json").read_text(encoding="utf-8")


def test_a_build_run_as_the_script_ends_its_process_once_it_has_said_everything(tmp_path: Path) -> None:
    """`docgen build` run as the console script (cli.main) ends its process as soon as it has said everything: what it
    made is not freed object by object, nor is the interpreter's cleanup waited for (an atexit handler never runs),
    and what it says is whole, flushed. A build stopped by an error, and a command that keeps nothing, end as usual."""
    root = tree(tmp_path / "repo")
    marker = tmp_path / "cleaned-up"
    script = f"import atexit, sys; atexit.register(open, {str(marker)!r}, 'w'); from docgen.cli import main; sys.exit(main())"

    def docgen(*args: str) -> tuple[subprocess.CompletedProcess[str], bool]:
        marker.unlink(missing_ok=True)
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        done = subprocess.run([sys.executable, "-c", script, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)
        return done, marker.exists()

    built, cleaned = docgen("build")
    assert built.returncode == 0 and not cleaned, built.stderr
    assert built.stdout.endswith("份报送）\n") and "2 个文件：0 个错误" in built.stderr and built.stderr.endswith("\n")
    assert docgen("validate")[0].returncode == 0 and docgen("validate")[1]
    (root / PROJECT_FILE).write_text(PROJECT.replace("支出数: 98.2", "支出数: 98,2"), encoding="utf-8")
    stopped, cleaned = docgen("build")
    assert stopped.returncode == 1 and cleaned and "E203" in stopped.stdout + stopped.stderr


def test_a_build_with_its_standard_output_closed_ends_as_one_that_printed(tmp_path: Path) -> None:
    """`docgen build >&-` (no standard output at all: sys.stdout is None) builds and ends with 0, not a traceback from
    flushing a stream that is not there."""
    root = tree(tmp_path / "repo")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    script = "import sys; assert sys.stdout is None; from docgen.cli import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", script, "build"],
        cwd=root,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.close(1),  # as the shell's >&-: the interpreter starts without a standard output
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert (root / "build" / "summary.json").is_file()
