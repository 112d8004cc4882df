"""docgen as a user gets it: the wheel built from this checkout, installed into a fresh virtual environment and run
on a copy of the demo outside the source tree.

An editable install finds every file by its place in the checkout; an installed wheel has only what pyproject's
package-data put in it. So this is the test that fails when docgen reads a template, scaffold or site file at run
time that the wheel does not carry (a pip-installed `docgen build` used to stop with 缺少模板文件).

Offline and quick (about 20 s, most of it LibreOffice): the wheel is built with the test environment's setuptools
(--no-build-isolation) from a copy of the sources, so no build/ or egg-info lands in the checkout; it is installed
with --no-deps --no-index, and the new environment sees the test environment's dependencies through a .pth file,
never its docgen (the first test checks that).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import docgen
from docgen.render import pdf
from tests.conftest import ROOT

pytestmark = pytest.mark.wheel

BIN = "Scripts" if os.name == "nt" else "bin"


def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{' '.join(argv)}: exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)])
    (built,) = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with only the wheel installed; dependencies come from the test environment."""
    folder = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--without-pip", str(folder)])
    python = folder / BIN / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index", str(wheel)])
    site_packages = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    # A plain path line: the test environment's packages become importable, but its own .pth files (the editable
    # docgen among them) are not processed, and the new environment's site-packages comes first.
    ours = dict.fromkeys(sysconfig.get_paths()[kind] for kind in ("purelib", "platlib"))
    (Path(site_packages) / "test-dependencies.pth").write_text("".join(f"{path}\n" for path in ours), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's submissions/, as an adopter's repository has them: no templates/, no schema/, no docgen source."""
    folder = tmp_path_factory.mktemp("adopter")
    shutil.copytree(ROOT / "submissions", folder / "submissions")
    assert not folder.resolve().is_relative_to(ROOT)
    return folder


def installed(venv: Path, demo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the wheel's `docgen ARGS` in the demo folder, with nothing of the checkout or the test run in its way."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env |= {"PATH": os.pathsep.join([str(venv / BIN), env.get("PATH", "")]), "XDG_CACHE_HOME": str(demo.parent / "cache")}
    return run([str(venv / BIN / "docgen"), *args], cwd=demo, env=env)


def test_the_wheel_carries_every_run_time_file(wheel: Path) -> None:
    package = ROOT / "src" / "docgen"
    expected = {f"docgen/{p.relative_to(package).as_posix()}" for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert expected - names == set(), "in src/docgen/ but not in the wheel: add it to [tool.setuptools.package-data]"
    assert {
        "docgen/render/builtin_templates/report.docx",
        "docgen/render/builtin_templates/tables.yaml",
        "docgen/render/builtin_templates/fonts.conf",
    } <= names
    assert f"docgen_jxjk-{docgen.__version__}.dist-info/METADATA" in names


def test_the_installed_docgen_is_the_wheels(venv: Path) -> None:
    code = (
        "import importlib.metadata as m, docgen, docgen.render.templates as t; d = m.distribution('docgen-jxjk'); "
        "print(docgen.__file__); print(t.BUILTIN); print(d.locate_file('docgen/__init__.py')); print(d.version)"
    )
    module, builtin, distribution, version = run([str(venv / BIN / "python"), "-c", code], cwd=venv).stdout.splitlines()
    assert Path(module).is_relative_to(venv) and not Path(module).is_relative_to(ROOT)
    assert Path(builtin).is_relative_to(venv) and (Path(builtin) / "report.docx").is_file()
    assert Path(distribution) == Path(module), "the distribution docgen-jxjk found first is the wheel's"
    assert version == docgen.__version__


def test_validate(venv: Path, demo: Path) -> None:
    assert "0 个错误" in installed(venv, demo, "validate").stderr


def test_build(venv: Path, demo: Path) -> None:
    installed(venv, demo, "build")
    build = demo / "build"
    assert (build / "summary.json").is_file()
    departments = [d for d in (build / "2025-06").iterdir() if d.is_dir()]
    assert len(departments) == len(list((demo / "submissions/2025-06").glob("1*")))
    for folder in departments:
        for pattern in ("附件1-*.docx", "附件2-*.xlsx", "附件3-*.xlsx", "*汇总表.xlsx"):
            if pattern.startswith("附件3") and folder.name.startswith("104-"):  # one 涉密 project: 附件3 withheld
                assert not list(folder.glob(pattern))
                continue
            assert list(folder.glob(pattern)), f"no {pattern} in {folder.name}"
    assert list(build.glob("2025-06/全市-*汇总表.xlsx"))


@pytest.mark.skipif(
    pdf.soffice() is None, reason="LibreOffice (soffice) is not installed, so `docgen build --pdf` is not tried; .ci/run installs it"
)
def test_build_pdf(venv: Path, demo: Path) -> None:
    installed(venv, demo, "build", "--pdf")
    attachments = [p for p in (demo / "build").rglob("附件*") if p.suffix in {".docx", ".xlsx"}]
    assert attachments
    assert [p.name for p in attachments if not p.with_suffix(".pdf").is_file()] == []


def test_site(venv: Path, demo: Path) -> None:
    installed(venv, demo, "site")
    site = demo / "site"
    for page in ("index.html", "2025-06/101/101-2025-001.html", "guide/rules.html", "assets/docgen.css"):
        assert (site / page).is_file(), page
