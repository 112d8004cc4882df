"""Write examples/federation/: three small generated county repositories' exports and the city's roll-up of them.

Run it after changing the export format or the roll-up: `python tools/make_federation_example.py`.
tests/federation/test_example.py fails while the committed files differ from what this writes.

Each county is a tree from benchmarks/generate.py (a different size and seed), on the county or district profile;
山阴县 marks one project 涉密, so its department 103 has one 涉密 project of two and its 部门整体 is withheld.
The exports are CSV (readable in a diff); SOURCE_DATE_EPOCH fixes their generated_at.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "federation"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

#: (region, profile, projects, seed, the project marked 涉密 or None)
COUNTIES = (
    ("平鲁区", "shuozhou-district", 12, 11, None),
    ("山阴县", "shuozhou-county", 16, 12, "103-2025-0012"),
    ("右玉县", "shuozhou-county", 8, 13, None),
)
EPOCH = "1751328000"  # 2025-07-01 08:00 Beijing time


def county(root: Path, profile: str, n: int, seed: int, secret: str | None) -> Path:
    """A generated county repository on `profile`, `secret` marked 涉密 in its file and in the roster."""
    generate(root, n, seed=seed)
    (root / "docgen.yaml").write_text(f"profile: {profile}\n", encoding="utf-8")
    if secret is not None:
        period = root / "submissions" / "2025-06"
        path = next(period.rglob(f"{secret}.yaml"))
        path.write_text(path.read_text(encoding="utf-8") + "涉密: true\n", encoding="utf-8")
        roster = period / "名单.yaml"
        text = roster.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if f'"{secret}"' in line)
        roster.write_text(text.replace(line, line.removesuffix("}") + ", 涉密: true}"), encoding="utf-8")
    return root


def make(out: Path) -> None:
    """examples/federation/ into `out`: exports/<region>/*.csv and city/汇总.md, city/summary.json."""
    from docgen import api
    from docgen.cli import cli

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    exports = out / "exports"
    with tempfile.TemporaryDirectory() as tmp:
        for region, profile, n, seed, secret in COUNTIES:
            repo = county(Path(tmp) / region, profile, n, seed, secret)
            target = exports / region
            if target.exists():
                shutil.rmtree(target)
            api.export_data(repo, "csv", target, region=region)
        city = Path(tmp) / "city"
        city.mkdir()
        (city / "docgen.yaml").write_text("profile: shuozhou-city\n", encoding="utf-8")
        args = [a for region, *_ in COUNTIES for a in ("--from", str(exports / region))]
        done = CliRunner().invoke(cli, ["merge", "--root", str(city), *args], catch_exceptions=False)
        if done.exit_code != 0:
            raise SystemExit(done.output)
        (out / "city").mkdir(parents=True, exist_ok=True)
        for name in ("汇总.md", "summary.json"):
            shutil.copy(city / "build" / "federation" / name, out / "city" / name)


if __name__ == "__main__":
    make(OUT)
    print(OUT)
