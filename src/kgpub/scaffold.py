"""``kgpub init``: a new, empty project that reuses kgpub's ontology and shapes unchanged."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from kgpub.errors import InputError

CONFIG_TEMPLATE = """\
# How kgpub runs on this project. The data itself is RDF (Turtle) in data/.
name = "{name}"                      # file names of the dumps: dist/{name}.ttl …
base = "{base}"    # IRIs of entries start with {base}id/ (to be confirmed by the municipality)
languages = ["sv", "en"]             # languages of names and descriptions
license = "http://creativecommons.org/publicdomain/zero/1.0/"
output = "dist"
version = "0.1.0"
release = 2026-01-01
"""

DATA_README = """\
# data/

Put the project's entries here as Turtle (.ttl) files: one file per kind is a good start
(organisations.ttl, places.ttl, projects.ttl), plus source.ttl for the web page they come from.
Wikidata links go in links/wikidata.ttl. See the README of kgpub for an example entry, then run
`kgpub validate`.
"""


def bundled(name: str) -> Path:
    """A folder shipped with kgpub (``ontology`` or ``shapes``)."""
    packaged = resources.files("kgpub") / "_bundled" / name
    if packaged.is_dir():
        return Path(str(packaged))
    # An editable install runs from the repository, which holds the originals.
    repo = Path(__file__).resolve().parents[2] / name
    if repo.is_dir():
        return repo
    raise InputError(f"kgpub's own {name}/ folder is missing from this installation; reinstall kgpub.")


def init_project(target: Path, *, base: str = "https://data.example.se/") -> list[Path]:
    """Create ``target`` with kgpub.toml, ontology/ and shapes/ (copied), empty data/ and queries/."""
    if target.exists() and any(target.iterdir()):
        raise InputError(
            "the folder exists and is not empty; kgpub init only creates new projects.",
            path=target,
            hint="Choose a new folder name.",
        )
    name = "".join(c if c.isalnum() else "-" for c in target.resolve().name.lower()).strip("-") or "project"
    target.mkdir(parents=True, exist_ok=True)
    made = [target / "kgpub.toml"]
    made[0].write_text(CONFIG_TEMPLATE.format(name=name, base=base), encoding="utf-8")
    for folder in ("ontology", "shapes"):
        shutil.copytree(bundled(folder), target / folder, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        made.append(target / folder)
    (target / "data" / "links").mkdir(parents=True)
    (target / "data" / "README.md").write_text(DATA_README, encoding="utf-8")
    (target / "queries").mkdir()
    made += [target / "data", target / "queries"]
    return made
