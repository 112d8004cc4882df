"""Validation throughput for N synthetic submissions: docgen's stack next to the naive one, same run.

    python benchmarks/validate.py [N]      (default 1000)

Prints per-file costs of each candidate loader and validator, then the whole `docgen validate`
(wall, in a fresh process, as a user runs it) and two others in one process: the best simple stack a competent
engineer would write (PyYAML's C loader + python-jsonschema; no positions, no business rules, no monitoring) and the
naive one (ruamel round-trip + python-jsonschema, what `docgen fmt` needs to keep comments, not to read). Target:
1,000 submissions under 2 s wall on 2 cores, every error with line and column. The curve up to 10,000 and 100,000
projects is benchmarks/scale.py.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import jsonschema_rs
import yaml
from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from docgen.check.load import _composed, _quick, load_file
from docgen.check.ruleset import schema_for
from docgen.check.validate import kind_of


def per_file(label: str, func, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        func(text)
    ms = (time.perf_counter() - start) * 1000 / len(texts)
    print(f"  {label:<44} {ms:8.3f} ms/file")
    return ms


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"docgen validation benchmark: N = {n} projects, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = generate(root, n)
        projects = [p for p in files if kind_of(p) == "project"]
        texts = [p.read_text(encoding="utf-8") for p in projects]
        print(f"generated {len(files)} files ({sum(len(t) for t in texts) // len(texts)} bytes per project on average)")

        print("loading, per file:")
        rt = YAML(typ="rt")
        per_file("ruamel.yaml round-trip (pure Python)", lambda t: rt.load(io.StringIO(t)), texts)
        safe = YAML(typ="safe", pure=True)
        per_file("ruamel.yaml safe, pure Python", lambda t: safe.load(io.StringIO(t)), texts)
        try:
            import ruamel.yaml.clib  # noqa: F401

            csafe = YAML(typ="safe")
            per_file("ruamel.yaml safe, C (ruamel.yaml.clib)", lambda t: csafe.load(io.StringIO(t)), texts)
        except ImportError:
            print("  ruamel.yaml.clib not installed (ruamel.yaml 0.19 no longer pulls it in): skipped")
        per_file("PyYAML CSafeLoader compose (nodes with marks)", lambda t: yaml.compose(t, Loader=yaml.CSafeLoader), texts)

        class Composer(yaml.CSafeLoader):
            resolve = slice  # the floor: no Python call per node (docgen's reader does the same, load._Reader)

        per_file("  the same, tags not resolved (the composer's floor)", lambda t: yaml.compose(t, Loader=Composer), texts)
        per_file("docgen's composer path (load._composed: + walk)", lambda t: _composed(Path("x.yaml"), t), texts)
        per_file("docgen's quick reader alone (load._quick)", lambda t: _quick(Path("x.yaml"), t), texts)
        taken = sum(_quick(Path("x.yaml"), t) is not None for t in texts)
        start = time.perf_counter()
        docs = [load_file(p)[0] for p in projects]
        load_ms = (time.perf_counter() - start) * 1000 / len(projects)
        print(f"  {'docgen load.load_file (read + quick reader)':<44} {load_ms:8.3f} ms/file   ({taken} of {len(texts)} read quickly)")

        print("schema validation, per document:")
        schema = schema_for("project")
        data = [d.data for d in docs if d is not None]
        py_validator = jsonschema.Draft7Validator(schema)
        per_file("python-jsonschema Draft7Validator", lambda d: list(py_validator.iter_errors(d)), data)
        rs_validator = jsonschema_rs.Draft7Validator(schema)
        per_file("jsonschema-rs Draft7Validator", lambda d: list(rs_validator.iter_errors(d)), data)

        print("whole runs (wall clock):")
        # as on a user's machine, Python keeps compiled bytecode: where PYTHONDONTWRITEBYTECODE is set (as on our
        # sandboxes), every fresh process would compile docgen's own modules again (~0.1-0.2 s of the 2 s target)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PYTHONWARNINGS="ignore", XDG_CACHE_HOME=str(root / "cache"))
        if "PYTHONDONTWRITEBYTECODE" in os.environ:
            print("  (PYTHONDONTWRITEBYTECODE is set here; unset for these runs so bytecode is cached, as by default)")
        subprocess.run([sys.executable, "-m", "docgen", "--version"], env=env, capture_output=True, check=False)  # writes it
        docgen = [sys.executable, "-m", "docgen", "validate", "submissions"]
        runs = {}
        for label in ("cold: every file read and checked", "warm: per-file results cached, nothing changed"):
            start = time.perf_counter()
            proc = subprocess.run(docgen, cwd=root, env=env, capture_output=True, text=True, check=False)
            runs[label] = time.perf_counter() - start
            print(f"  docgen validate, {len(files)} files, fresh process, {label}: {runs[label]:6.2f} s   exit {proc.returncode}")
        ours = next(iter(runs.values()))  # the cold run is the one the target is about

        start = time.perf_counter()
        for path in projects:
            loaded = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            list(py_validator.iter_errors(loaded))
        simple = time.perf_counter() - start
        print(f"  simple: PyYAML C loader + python-jsonschema   {simple:8.2f} s   (docgen / it {ours / simple:.2f}; it has no positions,")
        print("          no business rules and no monitoring, and does not count the interpreter's start)")
        start = time.perf_counter()
        for path in projects:
            loaded = rt.load(path.read_text(encoding="utf-8"))
            list(py_validator.iter_errors(loaded))
        naive = time.perf_counter() - start
        print(f"  naive: ruamel round-trip + python-jsonschema  {naive:8.2f} s   ({naive / ours:.0f}x slower)")
        print(f"target: {n} submissions < 2 s wall (cold) → {'met' if ours < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
