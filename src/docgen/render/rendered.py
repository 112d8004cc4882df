"""What a build's render stage did (engine.render_all), in a module of its own: `docgen build` with nothing changed
reports it without importing the renderers (~0.1 s of its ~0.5 s at 10,000 projects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Rendered:
    """What the render stage did, for the reporter (and the benchmark's per-kind timings)."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    bundles: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    dossiers: list[Path] = field(default_factory=list)  # the departments' one-PDF 报送 (dossier.py), written this run
    pdfs_removed: list[Path] = field(default_factory=list)  # without --pdf: PDFs of changed attachments, now gone
    problems: list[str] = field(default_factory=list)
    confidential_skipped: int = 0
    confidential_written: int = 0
    # build/'s outputs (relative) this run wrote or kept, when no manifest listed the last run's: api._leftovers
    outputs: frozenset[str] | None = None
    planned: int = 0  # attachments this build stands for, written or up to date (what a rebuild with nothing changed reports)
    milliseconds: dict[str, float] = field(default_factory=lambda: {"xlsx": 0.0, "docx": 0.0})
