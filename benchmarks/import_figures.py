"""How long `docgen import-figures` takes: a 1,000-row execution spreadsheet updating 1,000 submissions.

    python benchmarks/import_figures.py [N]      (default N = 1000 synthetic projects, one spreadsheet row each)

Target (issue 16): under 5 s on 2 cores, everything included — reading the .xlsx, matching by 项目代码, editing every
file and writing it. Measured in the same run against the naive way: openpyxl's normal (not read-only) mode and a
ruamel round trip of every file (load, set the three figures, dump), as `docgen fmt` edits files. Both must produce
the same figures; the ratio is printed.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl
import yaml
from generate import generate

from docgen import api
from docgen.tooling.fmt import _Money, _yaml, money_text

HEADERS = ["项目代码", "资金来源", "下达数", "支出数", "全年预计支出数"]
MAPPING = "列:\n  项目代码: 项目代码\n  资金来源: 资金来源\n  下达数: 下达数\n  支出数: 支出数\n  全年预计支出数: 全年预计支出数\n"
TARGET_SECONDS = 5.0


def _rows(root: Path) -> list[tuple[Path, str, str, Decimal, Decimal, Decimal]]:
    """One row per project: its first fund row, with new figures no larger than its budget."""
    rng = random.Random(16)
    rows = []
    for path in sorted((root / "submissions" / "2025-06").rglob("*-2025-*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        fund, amounts = next(iter(data["资金"].items()))
        budget = Decimal(str(amounts["本年预算"])) + Decimal(str(amounts["上年结转"]))
        allocated = (budget * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal("0.01"))
        spent = (allocated * Decimal(rng.randint(10, 100)) / 100).quantize(Decimal("0.01"))
        rows.append((path, data["项目代码"], fund, allocated, spent, budget))
    return rows


def _sheet(rows: list[tuple[Path, str, str, Decimal, Decimal, Decimal]], target: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for _, code, fund, allocated, spent, expected in rows:
        ws.append([code, fund, float(allocated), float(spent), float(expected)])
    wb.save(target)


def naive(root: Path, sheet: Path) -> int:
    """openpyxl in normal mode, a dict by code, then a ruamel round trip of every project file."""
    ws = openpyxl.load_workbook(sheet).active
    lines = list(ws.iter_rows(min_row=2, values_only=True))
    files = {}
    for path in (root / "submissions" / "2025-06").rglob("*-2025-*.yaml"):
        files[yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["项目代码"]] = path
    rt = _yaml()
    for code, fund, allocated, spent, expected in lines:
        path = files[code]
        tree = rt.load(path.read_text(encoding="utf-8"))
        row = tree["资金"][fund]
        for key, value in (("下达数", allocated), ("支出数", spent), ("全年预计支出数", expected)):
            row[key] = _Money(money_text(Decimal(repr(value))))
        out = io.StringIO()
        rt.dump(tree, out)
        path.write_text(out.getvalue(), encoding="utf-8")
    return len(lines)


def timed(label: str, func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:7.2f} s")
    return result, seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        fast_root, naive_root = base / "fast", base / "naive"
        generate(fast_root, n)
        rows = _rows(fast_root)
        shutil.copytree(fast_root, naive_root)
        sheet = base / "执行情况.xlsx"
        _sheet(rows, sheet)
        (base / "对照.yaml").write_text(MAPPING, encoding="utf-8")
        print(f"{len(rows)} spreadsheet rows, {len(rows)} submissions to update, {os.cpu_count()} CPUs")
        os.chdir(fast_root)
        planned, fast = timed(
            "docgen import-figures (read, match, edit in place, write)",
            lambda: api.import_figures(fast_root, sheet, str(base / "对照.yaml"), period="2025-06"),
        )
        assert not planned.errors, [p.text() for p in planned.errors[:5]]
        assert len(planned.changes) == len(rows), (len(planned.changes), len(rows))
        _, slow = timed("naive: openpyxl + ruamel round trip of every file", lambda: naive(naive_root, sheet))
        for path, code, fund, allocated, spent, expected in rows[:: max(1, len(rows) // 50)]:
            relative = path.relative_to(fast_root)
            for root in (fast_root, naive_root):
                got = yaml.load((root / relative).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["资金"][fund]
                figures = (Decimal(str(got["下达数"])), Decimal(str(got["支出数"])), Decimal(str(got["全年预计支出数"])))
                assert figures == (allocated, spent, expected), (root, code)
        print(f"{'ratio naive / docgen':<58} {slow / fast:7.1f} x")
        print(f"{'target':<58} {TARGET_SECONDS:7.2f} s  ({'met' if fast < TARGET_SECONDS else 'NOT met'})")
        print(f"example edit: {money_text(rows[0][4])} in {rows[0][0].relative_to(fast_root)}")


if __name__ == "__main__":
    main()
