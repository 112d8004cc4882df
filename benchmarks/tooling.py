"""How long the editing tools take on a large tree: `docgen fmt` and the pre-commit check.

    python benchmarks/tooling.py [N]      (default N = 1000 synthetic projects)

Prints, measured in this run: `fmt --check` over every file (ms per file), `fmt` rewriting every
file once, `fmt --check` again on the canonical tree, and `validate --staged` (what the git hook
runs) for a commit touching one file, next to `validate` of the whole tree for comparison; and `fmt` of one
file whose 500 / 2,000 indicators all have their keys out of order (linear: the ratio is near 4, not 16).
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
from docgen.tooling import fmt


def timed(label: str, func, files: int | None = None):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    per_file = f"  ({seconds / files * 1000:.1f} ms/file)" if files else ""
    print(f"{label:<48} {seconds:7.2f} s{per_file}")
    return result


UNORDERED = (
    "  - 完成目标可能性: 确定能\n    三级指标: 人数\n    二级指标: 数量指标\n    一级指标: 产出指标\n"
    "    年度指标值: 1\n    指标完成情况: 1\n    全年指标预计完成情况: 1\n"
)


def unordered_indicators(project: Path) -> None:
    """fmt of one file with many unordered indicators: the time of 2,000 over the time of 500."""
    head = project.read_text(encoding="utf-8").split("绩效指标:\n")[0] + "绩效指标:\n"
    seconds = {}
    for count in (500, 2000):
        text = head + UNORDERED * count
        start = time.perf_counter()
        done = fmt.format_text(project, text)
        seconds[count] = time.perf_counter() - start
        assert done.changed, "the unordered indicators were not reordered"
        print(f"{'fmt, one file, ' + str(count) + ' unordered indicators':<48} {seconds[count]:7.2f} s")
    print(f"{'  ratio 2,000 / 500 (linear = 4)':<48} {seconds[2000] / seconds[500]:7.2f}")


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
        unordered_indicators(next(p for p in Path("submissions").rglob("*.yaml") if p.name not in ("名单.yaml", "部门整体.yaml")))

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
