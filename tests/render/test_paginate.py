"""paginate's rules on the real demo sheet with chosen row heights: one page when it fits or nearly fits, else
breaks only where indicator groups start, labels split at the breaks, the notes with the last group."""

from __future__ import annotations

from docgen.evaluate.evaluation import evaluate
from docgen.form import vocabulary as F
from docgen.form.model import Project
from docgen.render import layout, paginate, templates, xlsx

STYLE = templates.table_style(templates.BUILTIN / templates.TABLES_YAML)
METRICS = xlsx.metrics(STYLE)
CAP = paginate.capacity(STYLE["page"], METRICS)


def sheet(project: Project) -> layout.Sheet:
    return layout.place(evaluate(project))


def test_table_that_fits_prints_on_one_page(project: Project) -> None:
    s = sheet(project)
    plan = paginate.plan(s, [CAP / s.rows] * s.rows, STYLE["page"], METRICS)
    assert plan == paginate.Plan((), True, CAP, paginate.print_scale(METRICS))


def test_table_that_nearly_fits_is_shrunk_onto_one_page(project: Project) -> None:
    s = sheet(project)
    plan = paginate.plan(s, [CAP / s.rows / METRICS.fit_min_scale * 0.99] * s.rows, STYLE["page"], METRICS)
    assert plan.one_page and not plan.breaks


def test_tall_table_breaks_only_where_groups_start(project: Project) -> None:
    s = sheet(project)
    heights = [20.0 if r <= s.header_rows[1] or r >= s.body_end else CAP / 5 for r in range(s.rows)]  # rows ~2 pages
    plan = paginate.plan(s, heights, STYLE["page"], METRICS)
    assert not plan.one_page and plan.breaks
    assert set(plan.breaks) <= {row for row, _ in s.breaks}
    assert all(s.header_rows[1] < b or b == s.header_rows[0] for b in plan.breaks)  # never right under the header
    header = heights[s.header_rows[0]] + heights[s.header_rows[1]]
    for rows in plan.pages(s.rows):
        carried = header if rows.start in plan.breaks and rows.start != s.header_rows[0] else 0
        assert carried + sum(heights[r] for r in rows) <= CAP
    assert plan.pages(s.rows)[-1].start < s.body_end  # the notes keep rows above them


def test_group_taller_than_a_page_breaks_between_rows(project: Project) -> None:
    s = sheet(project)
    heights = [20.0] * s.rows
    heights[s.header_rows[1] + 1] = CAP * 0.9  # the first group alone nearly fills a page
    heights[s.header_rows[1] + 2] = CAP * 0.9
    plan = paginate.plan(s, heights, STYLE["page"], METRICS)
    assert len(plan.breaks) >= 2


def test_split_repeats_a_spanning_label_on_each_page(project: Project) -> None:
    s = sheet(project)
    level1 = next(c for c in s.cells if c.style == "label" and c.col == 1 and c.last_row > c.row)
    cut = paginate.split(s, [level1.row + 1])
    parts = [c for c in cut.cells if c.value == level1.value and c.col == 1]
    assert [(c.row, c.last_row) for c in parts] == [(level1.row, level1.row), (level1.row + 1, level1.last_row)]
    blocks = [c for c in cut.cells if c.value == F.INDICATOR_BLOCK]
    assert len(blocks) == 2


def test_split_without_breaks_leaves_the_sheet(project: Project) -> None:
    s = sheet(project)
    assert paginate.split(s, []) is s
