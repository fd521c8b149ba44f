"""The peers kgpub is compared with: parse a project's data files and write them as N-Triples.

    python bench/peers.py pyoxigraph|rdflib DATA_DIR OUT_FILE

``pyoxigraph``: streaming ``pyoxigraph.parse`` → ``pyoxigraph.serialize``, file by file.
``rdflib``: ``Graph.parse`` of every file into one graph, then ``Graph.serialize(format="nt")``.
These are the two peers of /work/shared/PERFORMANCE-NOTES.md. Imports happen here, so a fresh
process's wall time includes them, as it does for ``kgpub``. Prints the triple count as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def data_files(folder: Path) -> list[Path]:
    """The .ttl files under ``folder``, as kgpub finds them (hidden ones skipped)."""
    return sorted(
        p
        for p in folder.rglob("*.ttl")
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def with_pyoxigraph(files: list[Path], out: Path) -> int:
    import pyoxigraph as ox

    count = 0
    with out.open("wb") as sink:
        for path in files:
            triples = [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
            count += len(triples)
            ox.serialize(triples, sink, format=ox.RdfFormat.N_TRIPLES)
    return count


def with_rdflib(files: list[Path], out: Path) -> int:
    from rdflib import Graph

    graph = Graph()
    for path in files:
        graph.parse(str(path), format="turtle")
    graph.serialize(destination=str(out), format="nt", encoding="utf-8")
    return len(graph)


def main() -> None:
    peer, folder, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    runner = {"pyoxigraph": with_pyoxigraph, "rdflib": with_rdflib}[peer]
    print(json.dumps({"triples": runner(data_files(folder), out)}))


if __name__ == "__main__":
    main()
