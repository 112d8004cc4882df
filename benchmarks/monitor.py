"""What monitoring adds to a check, and what the roll-ups cost, for N synthetic submissions.

    python benchmarks/monitor.py [N]        (default 1000)

Prints, measured in the same run: loading and validating without monitoring, the rules engine alone,
`api.check` with everything, and writing every department's and the city's 汇总表 with XlsxWriter and,
for comparison, the city workbook's project sheet with openpyxl (the other candidate writer).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl
from generate import generate

from docgen import api
from docgen.check.validate import check_files
from docgen.evaluate import monitor
from docgen.form.model import Period
from docgen.render import rollup


def timed(label: str, func, count: int):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<52} {elapsed:7.2f} s  {elapsed / count * 1000:7.3f} ms/submission")
    return value


def openpyxl_projects(lines: list[rollup.ProjectLine], out: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    for line in lines:
        ws.append([v if not hasattr(v, "quantize") else float(v) for v in line.values().values()])
    book.save(out)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")  # docgen's per-file cache: cold, and gone afterwards
        files = generate(root, n)
        os.chdir(root)
        print(f"{len(files)} files, {n} projects; 2 cores shared with other work: compare numbers within one run")
        paths = api.discover([Path("submissions")])
        timed("validate only (load + schema + rules), cold cache", lambda: check_files(paths), len(files))
        shutil.rmtree(root / "cache", ignore_errors=True)  # cold again: as on a first run
        result = timed("api.check (validate + models + monitoring), cold", lambda: api.check([Path("submissions")]), len(files))
        timed("api.check again, per-file results cached", lambda: api.check([Path("submissions")]), len(files))
        ruleset, _ = monitor.load_rules(None)
        assert ruleset is not None
        timed(
            "rules engine alone (monitor.analyse)",
            lambda: monitor.analyse(result.projects, result.departments, result.rosters, ruleset),
            len(files),
        )
        analysis = api.analyse(result)
        written = timed("all 汇总表 with XlsxWriter (departments + city)", lambda: api.write_rollups(result, root / "build"), len(files))
        city = rollup.city_rollup(analysis, Period(2025, 6), result.rosters[0] if result.rosters else None)
        timed("city 项目明细 rows only, openpyxl (comparison)", lambda: openpyxl_projects(city.lines, root / "op.xlsx"), len(files))
        timed(
            "city 项目明细 rows only, XlsxWriter (comparison)",
            lambda: rollup.workbook([rollup.Sheet("x", "", "", rollup.CITY_PROJECT_COLUMNS, [line.values() for line in city.lines])]),
            len(files),
        )
        lights = {d.code: d.lights for d in analysis.departments()}
        print(f"{len(written)} workbooks; {len(result.warnings)} warnings; lights of department 101: {lights.get('101')}")


if __name__ == "__main__":
    main()
