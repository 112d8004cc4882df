"""The per-submission record (evaluate/record.py): what later stages keep of a submission instead of its model."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from docgen import api
from docgen.cache import dumps
from docgen.check.findings import Finding, finding_rows, findings_from_rows
from docgen.evaluate.record import SubmissionRecord, record_of
from tests.conftest import ROOT


def _records() -> tuple[api.Result, list[SubmissionRecord]]:
    result = api.check([ROOT / "submissions"], workspace=api.Workspace.at(ROOT), cache=False)
    assert result.analysis is not None
    key = api.Workspace.at(ROOT).key
    return result, [record_of(ev, key(ev.submission.path)) for ev in result.analysis.submissions.values()]


#: A row's members by position (split_row): the fields but its texts
NAMES = [f.name for f in fields(SubmissionRecord) if f.name != "texts"]


def _row(record: SubmissionRecord) -> list[Any]:
    """A record's row as the cache keeps it: JSON, never a pickle."""
    row, texts = record.split_row()
    assert texts is None
    return json.loads(dumps(row))  # type: ignore[no-any-return]


def test_a_record_reads_back_from_its_plain_data_as_it_was() -> None:
    _, records = _records()
    assert len(records) > 10
    for record in records:
        assert SubmissionRecord.from_row(_row(record)) == record


def test_a_record_holds_the_lights_and_counts_of_its_evaluation() -> None:
    result, records = _records()
    assert result.analysis is not None
    for record in records:
        ev = result.analysis.of(record.path)
        assert ev is not None
        assert record.light == (ev.light or "none")
        assert record.counts == ev.counts()
        assert record.completeness == (ev.completeness.reported, ev.completeness.total)
        assert [light for _, light in record.indicators] == [x or "none" for x in ev.indicator_lights]
    assert {r.light for r in records} >= {"red", "yellow"}


def test_the_record_carries_the_summary_entry_build_publishes() -> None:
    result, records = _records()
    summary = api.summary(result, ROOT)
    published = {s["path"]: s for period in summary["periods"] for s in period["submissions"]}
    compared = 0
    for record in records:
        entry = published.get(record.path)
        if entry is None or entry.get("figures_withheld"):
            continue
        expected = {k: v for k, v in entry.items() if k not in ("path", "light", "lights")}
        assert record.summary == expected
        compared += 1
    assert compared > 10


def test_a_confidential_project_is_marked_in_its_record() -> None:
    _, records = _records()
    secret = [r for r in records if r.confidential]
    assert secret and all(r.kind == "project" and r.code for r in secret)
    assert Path(secret[0].path).name == "104-2025-003.yaml"


def test_anything_else_read_back_is_a_miss_never_a_record() -> None:
    _, records = _records()
    good = _row(records[0])
    assert SubmissionRecord.from_row(good) == records[0]
    assert SubmissionRecord.from_row([good[0] + 1, good[1]]) is None  # another version
    assert SubmissionRecord.from_row([good[0], dict(zip(NAMES, good[1], strict=True))]) is None  # by name: version 2's
    counts, indicators, rows = good[1][NAMES.index("lit")]

    def with_(name: str, value: Any) -> list[Any]:
        values = list(good[1])
        values[NAMES.index(name)] = value
        return [good[0], values]

    shapes = (
        with_("lit", [[], indicators, rows]),
        with_("lit", [{1: 2}, indicators, rows]),
        with_("lit", [counts, indicators, {"t": []}]),
        with_("lit", [counts, indicators, {"t": {"r": 1}}]),
        with_("lit", [counts, [["a"]], rows]),
        with_("lit", [counts, indicators]),
        with_("path", 3),
        with_("summary", []),
        with_("completeness", ["x", 1]),
        [good[0], good[1] + [1]],  # a member more
        [good[0], good[1][:-1]],  # one fewer
    )
    for bad in (None, [], "x", [1], [good[0], {}], [good[0], []], *shapes):
        assert SubmissionRecord.from_row(bad) is None


def test_records_and_findings_read_back_share_the_strings_that_recur() -> None:
    """A build's parent holds 10,000 records and 47,000 findings read back from the cache: the strings they have in
    common (paths, periods, departments, lights, codes) are held once, not once per record or finding as JSON reads
    them."""
    _, records = _records()
    back = [SubmissionRecord.from_row(_row(r)) for r in records for _ in range(2)]
    assert all(r is not None for r in back)
    pairs = list(zip(back[::2], back[1::2], strict=True))
    for a, b in pairs:
        assert a is not None and b is not None
        assert a.path is b.path and a.period is b.period and a.department is b.department and a.light is b.light
        assert all(x is y for x, y in zip(a.counts, b.counts, strict=True))
        assert all(x[1] is y[1] for x, y in zip(a.indicators, b.indicators, strict=True))
    rows = json.loads(json.dumps(finding_rows([Finding(records[0].path, 3, 1, "W401", "warning", "支出进度滞后", "red")] * 2)))
    first, second = findings_from_rows(rows)
    assert first.path is second.path and first.code is second.code and first.severity is second.severity and first.light is second.light


def test_a_records_texts_and_lights_kept_apart_read_back_only_when_asked_for() -> None:
    """split_row: a record's long texts and its lights in detail go apart (a cache line's tail), and a record read
    back with them parses them only when one is read; texts that do not parse stop the run with E841 when read
    (never taken as empty). The figures a project prints stay with the record: the 涉密 check reads every one."""
    from docgen import messages
    from docgen.errors import DocgenError

    _, records = _records()
    parts = {"drafted": {"一、": "草拟"}, "printed": "1.00 2.00", "entry": ["project", '"a":1'], "likely": [1, 0, 0]}
    record = replace(records[0], built=parts)
    row, texts = record.split_row()
    assert texts is not None and set(row[1][NAMES.index("built")]) == {"likely", "printed"} and row[1][NAMES.index("lit")] is None
    back = SubmissionRecord.from_row(json.loads(dumps(row)), texts.encode())
    assert back is not None and back.lit is None and "drafted" not in back.built  # nothing parsed yet
    assert back.built["printed"] == "1.00 2.00"  # not apart
    assert back.part("drafted") == parts["drafted"] and back.part("entry") == parts["entry"]
    assert (back.counts, back.indicators, back.rows) == (record.counts, record.indicators, record.rows)
    assert back.as_row() == json.loads(dumps(record.as_row()))
    assert replace(records[0], built={"likely": [0, 0, 0]}).split_row()[1] is None  # no texts: nothing apart

    for bad in (b"[]", b"{", b'{"entry":1}', texts.encode().replace('"草拟"'.encode(), b"[]")):
        damaged = SubmissionRecord.from_row(json.loads(dumps(row)), bad)
        assert damaged is not None
        with pytest.raises(DocgenError) as raised:
            damaged.part("drafted")
        assert str(raised.value).startswith(messages.message("E841", path=record.path)[:20])
    lights, _, rest = texts.encode().partition(b"\x1e")  # the lights first, apart: the site reads them of every record
    assert lights and json.loads(lights) == [record.counts, [list(p) for p in record.indicators], record.rows]
    for bad in (b"[1]\x1e" + rest, b"{\x1e" + rest, rest):
        damaged = SubmissionRecord.from_row(json.loads(dumps(row)), bad)
        assert damaged is not None
        with pytest.raises(DocgenError):
            _ = damaged.counts


def test_a_files_own_path_is_not_repeated_in_its_findings_rows() -> None:
    """The streamed check's cache: a finding at the file's own path is kept as 0 (read back with that path); one at
    another path keeps it; rows with 0 read without a path are not findings."""
    here, there = "submissions/2025-06/101-教育局/101-2025-001.yaml", "submissions/2025-06/名单.yaml"
    found = [Finding(here, 3, 1, "W401", "warning", "支出进度滞后", "red"), Finding(there, 9, 5, "W302", "warning", "不在名单", None)]
    rows = json.loads(json.dumps(finding_rows(found, here)))
    assert [row[0] for row in rows] == [0, there]
    assert findings_from_rows(rows, here) == found
    assert findings_from_rows(json.loads(json.dumps(finding_rows(found))), here) == found  # rows with every path: as they were
    for bad, path in (([0, *rows[0][1:]], None), ([False, *rows[0][1:]], here), ([1, *rows[0][1:]], here)):
        with pytest.raises(TypeError):
            findings_from_rows([bad], path)
