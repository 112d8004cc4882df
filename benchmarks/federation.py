"""`docgen merge --from` at province scale: how long an upper level takes to read, check and roll up lower exports.

    python benchmarks/federation.py [PROJECTS] [--regions 10]      (defaults: 10,000 projects over 10 regions)

Exporting a region is the lower level's own `docgen export` (its cost is the build's: see benchmarks/validate.py),
so this measures only the upper level. One real export is made from a generated tree of 200 projects
(benchmarks/generate.py); each region's export is that file with its project rows repeated (new ids and codes, same
figures and indicators) up to PROJECTS / regions projects, as SQLite and as CSV. Prints, for each format, the wall
time and peak memory of `docgen merge --from` over every region (a fresh process each), against the floor: reading
the same tables with sqlite3 / csv and nothing else. Read the ratios: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

READ = ("metadata", "periods", "submissions", "figures", "indicators")


def grow(source: Path, target: Path, projects: int, region: str) -> None:
    """A copy of `source` with its projects repeated to `projects` (new ids and codes), named `region`."""
    target.write_bytes(source.read_bytes())
    with sqlite3.connect(target) as db:
        db.execute("UPDATE metadata SET region = ?", (region,))
        base = db.execute("SELECT id FROM submissions WHERE kind = 'project' ORDER BY id").fetchall()
        top = db.execute("SELECT max(id) FROM submissions").fetchone()[0]
        copies = max(0, projects // max(1, len(base)) - 1)
        columns = [r[1] for r in db.execute("PRAGMA table_info(submissions)")]
        others = ", ".join(f'"{c}"' for c in columns if c not in ("id", "code"))
        for n in range(copies):
            for (sid,) in base:
                top += 1
                db.execute(
                    f"INSERT INTO submissions (id, code, {others}) SELECT ?, code || ?, {others} FROM submissions WHERE id = ?",
                    (top, f"-{n}", sid),
                )
                for table in ("figures", "indicators"):
                    cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] != "submission_id"]
                    names = ", ".join(f'"{c}"' for c in cols)
                    db.execute(
                        f"INSERT INTO {table} (submission_id, {names}) SELECT ?, {names} FROM {table} WHERE submission_id = ?", (top, sid)
                    )
    db.close()


def as_csv(source: Path, folder: Path) -> None:
    """The same tables as the CSV export writes them (UTF-8 with BOM, CRLF; every table the reader needs)."""
    folder.mkdir()
    with sqlite3.connect(source) as db:
        for table in READ:
            cursor = db.execute(f'SELECT * FROM "{table}"')
            with (folder / f"{table}.csv").open("w", encoding="utf-8-sig", newline="") as f:
                writer = csv.writer(f, lineterminator="\r\n")
                writer.writerow([d[0] for d in cursor.description])
                writer.writerows(cursor)
    db.close()


#: Runs the CLI in a fresh process and prints its own peak memory last (children of this script would mix theirs).
_WRAPPER = (
    "import resource, sys\n"
    "from docgen.cli import cli\n"
    "try:\n"
    "    cli.main(args=sys.argv[1:], prog_name='docgen')\n"
    "finally:\n"
    "    print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def timed(*args: str, cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak MiB of one fresh `docgen ARGS` process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *args], cwd=cwd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"docgen {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    peak = int(done.stderr.rsplit("PEAK", 1)[1].split()[0])
    return took, peak / 1024


def floor(paths: list[Path]) -> float:
    """Reading the same tables, nothing checked or computed: sqlite3 fetchall or csv.reader."""
    start = time.perf_counter()
    for path in paths:
        if path.is_dir():
            for table in READ:
                with (path / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
                    list(csv.reader(f))
        else:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                for table in READ:
                    db.execute(f'SELECT * FROM "{table}"').fetchall()
            db.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("projects", nargs="?", type=int, default=10_000)
    parser.add_argument("--regions", type=int, default=10)
    args = parser.parse_args()
    print(f"{platform.platform()}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generate(work / "tree", 200)
        os.environ["SOURCE_DATE_EPOCH"] = "1751328000"
        export = ["export", "--root", str(work / "tree"), "--format", "sqlite", "--region", "x", "--out", str(work / "one.sqlite")]
        subprocess.run([sys.executable, "-m", "docgen", *export], check=True, capture_output=True)
        per = args.projects // args.regions
        sqlites = []
        for k in range(args.regions):
            sqlites.append(work / f"region-{k}.sqlite")
            grow(work / "one.sqlite", sqlites[-1], per, f"地区{k}")
        csvs = []
        for path in sqlites:
            csvs.append(work / path.stem)
            as_csv(path, csvs[-1])
        with sqlite3.connect(sqlites[0]) as db:
            count = db.execute("SELECT count(*) FROM submissions WHERE kind = 'project'").fetchone()[0] * args.regions
        db.close()
        print(f"{count:,} projects in {args.regions} regions; load {os.getloadavg()[0]:.1f}")
        for name, paths in (("sqlite", sqlites), ("csv", csvs)):
            (work / name).mkdir()
            took, peak = timed("merge", *[a for p in paths for a in ("--from", str(p))], cwd=work / name)
            base = floor(paths)
            print(f"{name}: merge --from {took:.2f} s, peak {peak:.0f} MiB; reading alone {base:.2f} s; ratio {took / base:.1f}×")
        print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
