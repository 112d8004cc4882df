"""PDF through LibreOffice headless: each .docx/.xlsx converted beside itself, a few soffice runs in parallel.

One soffice run converts a whole batch (starting LibreOffice costs seconds; a file costs a fraction of one), each
run with its own throw-away profile so parallel runs, and a LibreOffice the user has open, do not collide. Fonts
named in the documents (仿宋_GB2312, 方正小标宋简体 …) are substituted per templates/fonts.conf
(its <alias> elements only: fonts.py writes the real configuration). Results are written
into place atomically, so a killed conversion never leaves half a PDF. LibreOffice missing is not an error:
the caller reports one message and the rest of the build stands.

LibreOffice stamps each PDF with the clock (/CreationDate, and the trailer's /ID and /DocChecksum made from it);
`finish` rewrites every PDF with pypdf so that the dates are the data's (dates.document_date) and the /ID a digest
of the content: the same attachments give the same bytes, build after build.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import messages as M
from .. import output
from . import dates, fonts, paths

if TYPE_CHECKING:
    from pypdf import PdfWriter

TEMP_PREFIX = paths.PDF_TEMP_PREFIX
STARTUP_SECONDS = 120
SECONDS_PER_FILE = 20


def soffice() -> str | None:
    """The LibreOffice command, if installed (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass
class Converted:
    """What a PDF run produced, and the problems to report without failing the build."""

    pdfs: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _batches(sources: list[Path], count: int) -> list[list[Path]]:
    """Split into `count` batches, round robin, never two files with the same stem in one batch (same output name)."""
    batches: list[list[Path]] = []
    stems: list[set[str]] = []
    for index, source in enumerate(sources):
        start = index % count
        for offset in range(len(batches) + 1):
            slot = start + offset
            while slot >= len(batches):
                batches.append([])
                stems.append(set())
            if source.stem not in stems[slot]:
                batches[slot].append(source)
                stems[slot].add(source.stem)
                break
    return [b for b in batches if b]


def _command(exe: str, profile: Path, outdir: Path, files: list[Path]) -> list[str]:
    return [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *(str(f) for f in files),
    ]


def finish(writer: PdfWriter, when: datetime, info: Mapping[str, str] | None = None) -> bytes:
    """The PDF's bytes with nothing from the clock: dates set to `when`, XMP dropped (it repeats them), /ID a digest.

    The /ID is written as zeros first and then set to the MD5 of that output (ISO 32000 §14.4 asks it be unique to
    the content, not random), so equal content gives equal bytes.
    """
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    stamp = dates.pdf_date(when)
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp, **(info or {})})
    writer.root_object.pop(NameObject("/Metadata"), None)
    digest = b"\0" * 16
    for _ in range(2):
        writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
        buffer = io.BytesIO()
        writer.write(buffer)
        digest = hashlib.md5(buffer.getvalue(), usedforsecurity=False).digest()
    return buffer.getvalue()


def normalise(data: bytes, when: datetime) -> bytes:
    """LibreOffice's PDF, re-dated to `when` and given a content /ID (its own /DocChecksum is not carried over)."""
    from pypdf import PdfReader, PdfWriter

    return finish(PdfWriter(clone_from=PdfReader(io.BytesIO(data))), when)


def page_count(path: Path) -> int:
    """Pages of a PDF docgen wrote (the dossier numbers its parts from them)."""
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def convert(
    sources: list[Path],
    workdir: Path,
    fonts_conf: Path,
    *,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
    dated: Callable[[Path], datetime] | None = None,
) -> Converted:
    """Convert every source to paths.pdf(source); returns the PDFs written and the problems, in Chinese.

    `dated` gives each source's date (dates.document_date of its period); without it SOURCE_DATE_EPOCH, else 1980."""
    result = Converted()
    if not sources:
        return result
    exe = soffice()
    if exe is None:
        result.problems.append(M.label("pdf_missing"))
        return result
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX, dir=workdir.resolve()) as tmp:
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts.write(fonts_conf, Path(tmp)))}
        runs = []
        for index, batch in enumerate(_batches([s.resolve() for s in sources], max(1, jobs))):
            outdir, profile, log = Path(tmp) / f"out{index}", Path(tmp) / f"profile{index}", Path(tmp) / f"log{index}.txt"
            outdir.mkdir()
            with log.open("w") as err:  # a file, not a pipe: a chatty LibreOffice can never block on a full pipe
                process = subprocess.Popen(_command(exe, profile, outdir, batch), env=env, stdout=subprocess.DEVNULL, stderr=err)
            runs.append((batch, outdir, process, time.monotonic() + STARTUP_SECONDS + SECONDS_PER_FILE * len(batch)))
        _wait(runs, len(sources), progress)
        for index, (batch, outdir, process, _) in enumerate(runs):
            detail = (Path(tmp) / f"log{index}.txt").read_text(errors="replace").strip().splitlines()
            for source in batch:
                made = outdir / (source.stem + ".pdf")
                if made.is_file():
                    target = paths.pdf(source)
                    when = dated(source) if dated else dates.document_date(None)
                    output.write_bytes(target, normalise(made.read_bytes(), when))
                    result.pdfs.append(target)
                else:
                    result.problems.append(M.label("pdf_failed", path=source.name, detail=detail[-1] if detail else process.returncode))
    return result


def _wait(
    runs: list[tuple[list[Path], Path, subprocess.Popen[bytes], float]], total: int, progress: Callable[[int, int], None] | None
) -> None:
    """Wait for every run, reporting PDFs as they appear; a run past its deadline is killed."""
    reported = -1
    while True:
        running = [r for r in runs if r[2].poll() is None]
        for _, _, process, deadline in running:
            if time.monotonic() > deadline:
                process.kill()
        done = sum(len(list(outdir.glob("*.pdf"))) for _, outdir, _, _ in runs)
        if progress and done != reported:
            progress(done, total)
            reported = done
        if not running:
            return
        time.sleep(0.3)
