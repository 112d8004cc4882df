"""How long the editing tools take on a large tree: `docgen fmt` and the pre-commit check.

    python benchmarks/tooling.py [N]      (default N = 1000 synthetic projects)

Prints, measured in this run: `fmt --check` over every file (ms per file), `fmt` rewriting every
file once, `fmt --check` again on the canonical tree, and `validate --staged` (what the git hook
runs) for a commit touching one file, next to `validate` of the whole tree for comparison.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from docgen import api


def timed(label: str, func, files: int | None = None):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    per_file = f"  ({seconds / files * 1000:.1f} ms/file)" if files else ""
    print(f"{label:<48} {seconds:7.2f} s{per_file}")
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, n)
        os.chdir(root)
        files = len(api.discover([Path("submissions")]))
        print(f"{files} files ({n} projects), {os.cpu_count()} CPUs")
        results = timed("fmt --check (synthetic layout)", lambda: api.fmt([Path("submissions")], write=False), files)
        print(f"{'':<48} {sum(r.changed for r in results)} would change")
        timed("fmt (rewrite)", lambda: api.fmt([Path("submissions")]), files)
        again = timed("fmt --check (canonical tree)", lambda: api.fmt([Path("submissions")], write=False), files)
        assert not any(r.changed for r in again), "fmt is not idempotent"

        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "b",
            "GIT_AUTHOR_EMAIL": "b@example.com",
            "GIT_COMMITTER_NAME": "b",
            "GIT_COMMITTER_EMAIL": "b@example.com",
            "GIT_CONFIG_GLOBAL": os.devnull,
        }
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "all"]):
            subprocess.run(["git", *args], check=True, env=env)
        one = next(p for p in Path("submissions").rglob("*.yaml") if p.name != "名单.yaml")
        one.write_text(one.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        subprocess.run(["git", "add", str(one)], check=True, env=env)
        timed("validate --staged (one staged file)", api.check_staged)
        timed("validate (whole tree, for comparison)", lambda: api.check([Path("submissions")]), files)


if __name__ == "__main__":
    main()
