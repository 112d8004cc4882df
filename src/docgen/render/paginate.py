"""Where a 附件2/附件3 table breaks across printed pages, decided like a careful clerk would, from row heights.

The rules, with every number taken from tables.yaml's `print:` (measured with LibreOffice, docs/printing.md):

- a table that fits one page prints on one page; one that nearly fits (shrinking to `fit_min_scale` of the
  width-fitting scale suffices) is shrunk onto one page;
- otherwise it breaks only between indicator groups (`Sheet.breaks`: between 一级 groups, else between 二级 groups),
  so every later page starts with the repeated indicator header and at least one whole group, and the notes stay
  with the last group; a 一级 boundary is preferred when it still fills `level1_min_fill` of the page;
- a label that spans rows (「效益指标」, 「绩效指标」) and crosses a break is split in two, each page carrying it.

Pure functions of the placed sheet and its row heights: the .xlsx only carries the result — fit to one page, or a
fixed print scale with manual row breaks (Excel, like LibreOffice, ignores manual breaks when fitting to pages) — so
any reader that honours print set-up paginates the same way: the rows' heights are exact, the scale is fixed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from .layout import Placed, Sheet

CM_TO_PT = 72 / 2.54
#: A4's sides in points; landscape prints along the short side.
A4_PT = (595.28, 841.89)


@dataclass(frozen=True)
class Metrics:
    """tables.yaml's `print:` numbers (what they mean: the comments there)."""

    width_scale: float
    fit_min_scale: float
    safety: float
    level1_min_fill: float
    line_factor: float
    cell_padding_pt: float
    min_row_pt: float

    @classmethod
    def of(cls, data: dict[str, Any]) -> Metrics:
        return cls(**{name: float(data[name]) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Plan:
    """How a table prints: on one page (shrunk if need be), or with manual breaks before the rows in `breaks`."""

    breaks: tuple[int, ...]
    one_page: bool
    capacity_pt: float  # unscaled points of rows one page holds
    scale: int  # print scale in percent for a broken table (a reader ignores manual breaks when fitting to pages)

    def pages(self, rows: int) -> list[range]:
        starts = [0, *self.breaks, rows]
        return [range(a, b) for a, b in pairwise(starts)]


def print_scale(metrics: Metrics) -> int:
    """The print scale (percent) of a table broken across pages: the measured width-fitting scale less the safety
    margin, so the 13 columns stay one page wide in any reader and every reader breaks at the same rows."""
    return math.floor(metrics.width_scale * metrics.safety * 100)


def capacity(page: dict[str, Any], metrics: Metrics) -> float:
    """Unscaled points of rows one printed page holds at the print scale: the paper's height less the margins,
    less the safety margin."""
    tall = A4_PT[0] if page.get("orientation", "landscape") == "landscape" else A4_PT[1]
    margins = page["margins_cm"]
    body = tall - (float(margins["top"]) + float(margins["bottom"])) * CM_TO_PT
    return body / (print_scale(metrics) / 100) * metrics.safety


def plan(sheet: Sheet, heights: Sequence[float], page: dict[str, Any], metrics: Metrics) -> Plan:
    """The breaks for a sheet with these row heights (points, unscaled)."""
    cap = capacity(page, metrics)
    total = sum(heights)
    if total * metrics.fit_min_scale <= cap or not sheet.breaks:
        return Plan((), True, cap, print_scale(metrics))
    header = sum(heights[r] for r in range(sheet.header_rows[0], sheet.header_rows[1] + 1))
    rank = dict(sheet.breaks)
    breaks: list[int] = []
    start, carried = 0, 0.0
    while carried + sum(heights[start:]) > cap:
        fits = [r for r in rank if r > start and carried + sum(heights[start:r]) <= cap]
        if not fits:  # one group taller than a page: the last row that fits, so nothing is ever cut by the reader
            fits = [r for r in range(start + 1, len(heights)) if carried + sum(heights[start:r]) <= cap] or [start + 1]
            chosen = fits[-1]
        else:
            level1 = [r for r in fits if rank[r] == 1 and carried + sum(heights[start:r]) >= metrics.level1_min_fill * cap]
            chosen = (level1 or fits)[-1]
        if chosen >= min(sheet.body_end, len(heights)):
            break
        breaks.append(chosen)
        start, carried = chosen, 0.0 if chosen == sheet.header_rows[0] else header  # the header repeats above
    return Plan(tuple(breaks), False, cap, print_scale(metrics))


def split(sheet: Sheet, breaks: Sequence[int]) -> Sheet:
    """The sheet with every row-spanning cell that crosses a break cut in two, the label repeated on each page."""
    if not breaks:
        return sheet
    cells: list[Placed] = []
    for cell in sheet.cells:
        cuts = [b for b in breaks if cell.row < b <= cell.last_row]
        if not cuts:  # nearly every cell: kept as it is (dataclasses.replace was ~8 % of a workbook's CPU)
            cells.append(cell)
            continue
        starts = [cell.row, *cuts]
        ends = [b - 1 for b in cuts] + [cell.last_row]
        cells.extend(replace(cell, row=a, last_row=b) for a, b in zip(starts, ends, strict=True))
    return replace(sheet, cells=tuple(cells))


def paginate(
    sheet: Sheet, heights_of: Callable[[Sheet], list[float]], page: dict[str, Any], metrics: Metrics
) -> tuple[Sheet, list[float], Plan]:
    """Plan, split the spanning labels at the breaks, and plan again with the heights the split cells need (a
    split label may make its rows taller) until the breaks stand."""
    heights = heights_of(sheet)
    current = plan(sheet, heights, page, metrics)
    for _ in range(3):
        cut = split(sheet, current.breaks)
        heights = heights_of(cut)
        again = plan(sheet, heights, page, metrics)
        if again.breaks == current.breaks:
            return cut, heights, current
        current = again
    cut = split(sheet, current.breaks)
    return cut, heights_of(cut), current
