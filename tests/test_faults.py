"""Faults while publishing: a build killed at any moment never leaves a half-written dist/."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from kgpub import Project


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_sigkill_during_build_leaves_old_or_new_release(repo: Path, tmp_path: Path) -> None:
    """Killing `kgpub build` with SIGKILL at random moments leaves dist/ exactly the old or the new release."""
    project = tmp_path / "kiruna"
    for name in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(repo / name, project / name)
    (project / "kgpub.toml").write_text((repo / "kgpub.toml").read_text())
    Project(project).build()
    old = digest(project / "dist")
    # the new release differs: one more English note
    projects = project / "data" / "projects.ttl"
    projects.write_text(projects.read_text().replace('"c/o Kiruna"@en', '"c/o Kiruna (new)"@en'))
    rng = random.Random(2584)
    outcomes = set()
    for attempt in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "kgpub", "--project", str(project), "build"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.6))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        now = digest(project / "dist")
        if now == old:
            outcomes.add("old")
        else:
            # the new release, complete: every file the old one had is there and parses
            assert set(now) == set(old), f"attempt {attempt}: files differ {set(now) ^ set(old)}"
            assert "(new)" in (project / "dist" / "kiruna.ttl").read_text()
            outcomes.add("new")
            old = now  # later kills must leave this release
    # a final undisturbed build cleans every temporary folder the killed ones left
    Project(project).build()
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".dist")]
    assert leftovers == []
    assert "old" in outcomes or "new" in outcomes
