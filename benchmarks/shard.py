"""Sharded builds against one build, on one machine: is splitting the build across CI runners worth it?

    python benchmarks/shard.py [N] [--shards 2,4]      (defaults: 1,000 projects, 2 and 4 shards)

Generates N projects (benchmarks/generate.py), then times, each in its own fresh checkout and cache folder (as a CI
runner starts): `docgen build` on one machine; for each shard count, every `docgen build --shard K/N` one after
another and the `docgen merge` that follows. Prints the wall time of each shard (what a runner waits for when the
shards run in parallel), their sum, the merge, and the ratios. One after another on one machine, sharding costs more
in total (every shard checks the whole tree); with N runners the pipeline's wall time is the slowest shard plus the
merge. Read the ratios: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate


def docgen(repo: Path, cache: Path, *args: str) -> float:
    """Seconds one `docgen ARGS` took in `repo`, with its own cache folder; fails loudly when docgen does."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "SOURCE_DATE_EPOCH": "1751328000"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "docgen", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"docgen {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return took


def checkout(source: Path, where: Path) -> Path:
    shutil.copytree(source / "submissions", where / "submissions")
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--shards", default="2,4")
    options = parser.parse_args()
    counts = [int(c) for c in options.shards.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        generate(base / "source", options.n)
        print(f"{options.n} projects; {os.cpu_count()} cores; {platform.platform()}; load {os.getloadavg()[0]:.2f}", flush=True)
        one = docgen(checkout(base / "source", base / "single"), base / "cache-single", "build")
        print(f"docgen build (one machine):       {one:7.1f} s", flush=True)
        for total in counts:
            shards = []
            for k in range(1, total + 1):
                repo = checkout(base / "source", base / f"s{total}-{k}")
                shards.append(docgen(repo, base / f"cache-{total}-{k}", "build", "--shard", f"{k}/{total}"))
                print(f"  shard {k}/{total}: {shards[-1]:.1f} s", flush=True)  # as it goes: a long run stopped early keeps them
            merger = checkout(base / "source", base / f"m{total}")
            for k in range(1, total + 1):
                shutil.copytree(base / f"s{total}-{k}" / "build", merger / "build", dirs_exist_ok=True)
            records = [str(base / f"s{total}-{k}" / "shards" / f"shard-{k}-of-{total}.json") for k in range(1, total + 1)]
            merge = docgen(merger, base / f"cache-m{total}", "merge", *records)
            slowest = max(shards)
            print(
                f"{total} shards: each {', '.join(f'{s:.1f}' for s in shards)} s; sum {sum(shards):.1f} s; merge {merge:.1f} s; "
                f"on {total} runners {slowest + merge:.1f} s = {(slowest + merge) / one:.2f}x one build"
            )
        print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
