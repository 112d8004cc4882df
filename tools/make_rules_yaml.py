"""Write src/docgen/check/rules.yaml from the rulebook (src/docgen/check/rulebook.py), where every rule is declared.

Run it after changing a declaration: `make rules` (or `python tools/make_rules_yaml.py`). The file is what
`docgen rules --init` copies into a repository's schema/rules.yaml and what users read to see the defaults;
tests/check/test_rulebook.py fails while the committed file differs from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from docgen.check.ruleset import render_defaults

OUT = Path(__file__).resolve().parents[1] / "src" / "docgen" / "check" / "rules.yaml"

if __name__ == "__main__":
    OUT.write_text(render_defaults(), encoding="utf-8", newline="\n")
    print(OUT)
