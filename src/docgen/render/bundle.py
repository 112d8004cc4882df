"""A department's 绩效监控报告 as the regulation defines it, in one .zip the 财政局 clerk can file.

第四章: the report consists of the 部门整体 analysis (正文 附件1 + 附件3) and one analysis per project (正文 附件1 +
附件2). The .zip holds one folder named like itself, a contents list first (目录.txt, UTF-8 with BOM and CRLF so
Windows Notepad shows it), then the files in the order the list gives. Fixed order, and every entry dated with the
data's date (dates.document_date: SOURCE_DATE_EPOCH, else the period's last day): same bytes for the same files.
Confidential projects are never in it; the list only says how many are sent separately.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from .. import __version__, output
from ..form.forms import form_of
from ..form.model import Department, Period, Project
from ..messages import bundle_text as B
from ..messages import review_text
from . import dates, paths

ALREADY_COMPRESSED = (".docx", ".xlsx")  # zips themselves: stored, not deflated again


@dataclass
class Group:
    """One department's submissions for one period, in filing order (部门整体 first, then projects by code), each
    with its files (attachments, and their PDFs where current); `confidential` counts the projects left out."""

    period: Period
    code: str
    name: str
    entries: list[tuple[Project | Department, list[Path]]]
    confidential: int = 0
    department_withheld: bool = False  # its 部门整体 would reveal 涉密 figures: sent separately, like them
    when: datetime | None = None  # the date its files carry; None: dates.document_date(period)
    # submissions a reviewer returned (退回修改), left out until they pass again, each with the reason
    returned: list[tuple[Project | Department, str]] = field(default_factory=list)

    @property
    def date(self) -> datetime:
        return self.when or dates.document_date(self.period)


def _file_lines(files: list[Path], sub: Project | Department) -> list[str]:
    """A report's files; its table named by its attachment number (附件2), or by its title on a form filed otherwise."""
    lines = []
    form = form_of(sub)
    for path in files:
        if path.suffix == ".pdf":
            lines.append("    " + B("file_pdf", name=path.name))
        elif path.suffix == ".docx":
            lines.append("    " + B("file_docx", name=path.name))
        elif form.numbered:
            lines.append("    " + B("file_xlsx", name=path.name, table=path.name.split("-", 1)[0]))
        else:
            lines.append("    " + B("file_xlsx_titled", name=path.name, title=form.title))
    return lines


def index_text(group: Group) -> str:
    """目录.txt: what the bundle holds, report by report."""
    numbered = all(form_of(sub).numbered for sub, _ in group.entries)
    intro = B("intro" if numbered else "intro_titled")
    lines = [B("heading", department=group.name, code=group.code, period=group.period.label), "", intro, ""]
    departments = [(s, f) for s, f in group.entries if isinstance(s, Department)]
    projects = [(s, f) for s, f in group.entries if isinstance(s, Project)]
    if departments:
        lines += [B("department"), *_file_lines(departments[0][1], departments[0][0])]
    elif any(isinstance(s, Department) for s, _ in group.returned):
        lines.append(B("department") + review_text("department_returned"))
    else:
        lines.append(B("department_withheld" if group.department_withheld else "department_missing"))
    lines += ["", B("projects", count=len(projects))]
    for number, (project, files) in enumerate(projects, start=1):
        assert isinstance(project, Project)
        lines += [B("project", number=number, name=project.name, code=project.code, unit=project.unit), *_file_lines(files, project)]
    if group.confidential:
        lines += ["", B("confidential", count=group.confidential)]
    if group.returned:
        lines += ["", review_text("returned_out")]
        for sub, reason in group.returned:
            code = sub.code if isinstance(sub, Project) else review_text("whole_department")
            name = sub.name if isinstance(sub, Project) else sub.department
            lines.append(review_text("returned_item", name=name, code=code, reason=reason))
    lines += ["", B("footer", version=__version__)]
    return "\r\n".join(lines) + "\r\n"


def _info(name: str, stored: bool, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write(build: Path, group: Group, bundled: Mapping[str, int] | None = None) -> Path:
    """Write the department's .zip atomically; returns its path. `bundled`: the attachments (name -> size) that are,
    byte for byte, in the bundle at that path as the last build wrote it (engine._bundled): copied from it as they
    are, header and bytes, not read and written again (after one edit, 2,000 files read and stored for one changed:
    ~0.1 s of a 1,000-project department). The bytes are those a write from the files makes (`_spliced`)."""
    target = paths.bundle(build, group.period, group.code, group.name)
    folder = target.stem
    when = dates.zip_date(group.date)
    index = (_info(f"{folder}/{paths.bundle_index()}", False, when), "\ufeff" + index_text(group))
    members = [(f"{folder}/{path.name}", path) for _, files in group.entries for path in files]
    if bundled and _spliced(build, target, when, index, members, bundled):
        return target
    # written to the file as it is made, one attachment read at a time: a bundle of 1,000 projects is 18 MB
    with output.atomic(target, owner=build) as handle, zipfile.ZipFile(handle, "w") as archive:
        archive.writestr(*index)
        for name, path in members:
            archive.writestr(_info(name, path.suffix in ALREADY_COMPRESSED, when), path.read_bytes())
    return target


_CENTRAL, _END = b"PK\x01\x02", b"PK\x05\x06"
_END_RECORD = struct.Struct("<4s4H2LH")  # the end of a zip: its central directory's count, size and place
_COPIED = 1 << 20  # bytes copied from the last bundle at a time


def _entry(info: zipfile.ZipInfo, data: bytes | str) -> tuple[bytes, bytes]:
    """One entry as zipfile writes it: its local header and bytes, and its central directory record (at offset 0)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as alone:
        alone.writestr(info, data)
    raw = buffer.getvalue()
    _, _, _, _, _, size, start, _ = _END_RECORD.unpack_from(raw, len(raw) - _END_RECORD.size)
    return raw[:start], raw[start : start + size]


def _entries(source: BinaryIO) -> dict[str, tuple[int, int, bytes]] | None:
    """The entries of the zip in `source` as `write` leaves one (no zip64, no comment, one entry after another): name
    -> where its local header starts, its length with its bytes, and its central directory record; None for
    anything else."""
    try:
        size = source.seek(0, io.SEEK_END)
        source.seek(max(0, size - _END_RECORD.size))
        sign, disk, first, here, count, length, start, comment = _END_RECORD.unpack(source.read())
        if sign != _END or disk or first or here != count or comment or start + length != size - _END_RECORD.size:
            return None
        source.seek(start)
        central = source.read(length)
        found, at = [], 0
        while at < len(central):
            name, extra, note = struct.unpack_from("<3H", central, at + 28)
            stored, offset = struct.unpack_from("<L", central, at + 20)[0], struct.unpack_from("<L", central, at + 42)[0]
            if central[at : at + 4] != _CENTRAL or extra or note:
                return None
            found.append((offset, central[at + 46 : at + 46 + name].decode("utf-8"), 30 + name + stored, central[at : at + 46 + name]))
            at += 46 + name
    except (OSError, ValueError, struct.error):  # not a zip as `write` makes them: written whole
        return None
    found.sort()
    ends = [offset for offset, *_ in found[1:]] + [start]
    if len(found) != count or (found and found[0][0] != 0) or any(o + n != e for (o, _, n, _), e in zip(found, ends, strict=True)):
        return None
    return {name: (offset, length, record) for offset, name, length, record in found}


def _moved(record: bytes, place: int) -> bytes:
    """A central directory record with its entry's local header at `place`."""
    return record[:42] + struct.pack("<L", place) + record[46:]


class _Zip64(Exception):
    """The bundle grew past what a zip holds without zip64 records: written whole by zipfile instead."""


class _Damaged(Exception):
    """The last bundle is shorter than its directory says, or an entry's bytes do not match its CRC: written whole."""


def _spliced(
    build: Path,
    target: Path,
    when: tuple[int, int, int, int, int, int],
    index: tuple[zipfile.ZipInfo, str],
    members: list[tuple[str, Path]],
    bundled: Mapping[str, int],
) -> bool:
    """Write the bundle at `target` from the one there, when that is a zip as `write` leaves it: each attachment in
    `bundled` (its name and size as the files are now) whose entry there is as `write` makes one on this date, its
    header and bytes copied as they are (its central record moved to its new place), runs of them at once; the
    others and 目录.txt written as zipfile writes them, one at a time. False (nothing written) when it is not such a
    zip, or when this one needs zip64 (over 65,534 entries or 2 GiB)."""
    if len(members) + 1 >= zipfile.ZIP_FILECOUNT_LIMIT:
        return False
    # a stored entry as `write` makes one on this date, its name in UTF-8 as theirs (the folder's is never ASCII)
    _, like = _entry(_info(index[0].filename, True, when), b"")
    try:
        with target.open("rb") as source:
            entries = _entries(source)
            if entries is None:
                return False
            with output.atomic(target, owner=build) as handle:
                records: list[bytes] = []
                run = [0, 0]  # the entries of the last bundle next to be copied: from, length
                checks: list[tuple[int, int, int]] = []  # each entry of the run: where its bytes start and end, their CRC

                def copy() -> None:
                    """The run copied, each entry's bytes checked against the CRC its record keeps as they pass: a
                    bundle damaged in place (its size and times as they were) is written whole, never passed on."""
                    source.seek(run[0])
                    at, crc, pending = run[0], 0, list(reversed(checks))
                    while run[1]:
                        chunk = source.read(min(run[1], _COPIED))
                        if not chunk:
                            raise _Damaged
                        handle.write(chunk)
                        end = at + len(chunk)
                        while pending:
                            start, stop, expected = pending[-1]
                            crc = zlib.crc32(chunk[max(start, at) - at : min(stop, end) - at], crc) if start < end else crc
                            if stop > end:
                                break
                            if crc != expected:
                                raise _Damaged
                            pending.pop()
                            crc = 0
                        at = end
                        run[0], run[1] = run[0] + len(chunk), run[1] - len(chunk)
                    if pending:
                        raise _Damaged
                    checks.clear()

                def new(info: zipfile.ZipInfo, data: bytes | str) -> int:
                    local, record = _entry(info, data)
                    handle.write(local)
                    records.append(_moved(record, place))
                    return len(local)

                place = 0
                place += new(*index)
                for name, path in members:
                    size = bundled.get(path.name)
                    kept = entries.get(name) if size is not None else None
                    if kept is not None:
                        offset, length, record = kept
                        sizes = struct.unpack_from("<2L", record, 20)
                        if record[4:16] == like[4:16] and record[30:42] == like[30:42] and sizes[0] == sizes[1] == size:
                            if sum(run) != offset:
                                copy()
                                run[0] = offset
                            run[1] += length
                            start = offset + length - sizes[0]  # its bytes (stored) end the entry
                            checks.append((start, offset + length, struct.unpack_from("<L", record, 16)[0]))
                            records.append(_moved(record, place))
                            place += length
                            continue
                    copy()
                    place += new(_info(name, path.suffix in ALREADY_COMPRESSED, when), path.read_bytes())
                copy()
                directory = b"".join(records)
                if place > zipfile.ZIP64_LIMIT:
                    raise _Zip64
                handle.write(directory)
                handle.write(_END_RECORD.pack(_END, 0, 0, len(records), len(records), len(directory), place, 0))
    except FileNotFoundError:  # no bundle there to copy from
        return False
    except (_Zip64, _Damaged):  # the temporary is gone with it
        return False
    return True
