"""The one date a build's outputs carry: taken from the data, never from the clock, so two builds give the same bytes.

`SOURCE_DATE_EPOCH` (reproducible-builds.org) wins when set; otherwise the last day of the reporting month, the day
the period closes: a PDF's CreationDate/ModDate, the bundle's zip entries and the 报送日期 on the dossier's cover.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from .. import messages as M
from ..errors import UsageError
from ..form.model import Period

VARIABLE = "SOURCE_DATE_EPOCH"
CHINA = timezone(timedelta(hours=8), "CST")  # the offices' clock: dates are what a clerk in the bureau reads
ZIP_FIRST = datetime(1980, 1, 1, tzinfo=CHINA)  # a zip entry cannot be older
LAST = datetime(9999, 12, 31, tzinfo=CHINA)


def epoch(environ: Mapping[str, str] | None = None) -> str:
    """The SOURCE_DATE_EPOCH as given ("" when unset): part of every output's key, so a new value re-dates them."""
    return (os.environ if environ is None else environ).get(VARIABLE, "").strip()


def document_date(period: Period | None, environ: Mapping[str, str] | None = None) -> datetime:
    """SOURCE_DATE_EPOCH if set, else 00:00 (Beijing time) on the last day of the period's month (1980-01-01 for a
    file of no period)."""
    given = epoch(environ)
    if given:
        try:
            seconds = int(given)
            when = datetime.fromtimestamp(seconds, CHINA)
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageError(M.label("source_date_epoch_invalid", variable=VARIABLE, value=given[:40])) from exc
        return min(max(when, datetime(1970, 1, 1, tzinfo=CHINA)), LAST)
    if period is None:
        return ZIP_FIRST
    day = calendar.monthrange(period.year, period.month)[1]
    return datetime(period.year, period.month, day, tzinfo=CHINA)


def pdf_date(when: datetime) -> str:
    """A PDF date string (ISO 32000 §7.9.4): D:20250630000000+08'00'."""
    offset = when.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"D:{when:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def zip_date(when: datetime) -> tuple[int, int, int, int, int, int]:
    """A zip entry's local date and time (the format has no zone: Beijing time, as the clerks' machines show it)."""
    local = max(when.astimezone(CHINA), ZIP_FIRST)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second - local.second % 2)


def written_date(when: datetime) -> str:
    """「2025年6月30日」: the cover's 报送日期, in the offices' own way of writing a date."""
    local = when.astimezone(CHINA)
    return M.label("date_written", year=local.year, month=local.month, day=local.day)
