"""HTTP throughput and latency of ``kgpub serve`` over loopback, with Oxigraph server as the peer.

    python bench/serve.py [--project 100k] [--seconds 10] [--connections 8]

Needs ``wrk`` (Debian: ``apt-get install wrk``). Serves the project with ``kgpub serve`` and the same
dumps with ``oxigraph serve-read-only``, both on 127.0.0.1, and drives them with wrk for a bounded
time each: (a) a simple SELECT, (b) a canned join query, (c) an entity page in HTML, (d) an entity
in Turtle — (a) and (b) on both servers, once repeating the same query text (what a dashboard or
a re-run notebook sends; kgpub answers repeats from its result cache) and once with every query
text distinct (a comment with a counter), which no cache can answer. Then a mixed load (pages, dumps and queries, 32
connections) with the server's memory before and after. Prints a Markdown table and writes it to
bench/out/serve.md. Targets: (a) and (b) at least 50% of Oxigraph's throughput; entity pages at 500
requests/s or more; p99 under 100 ms at 8 connections; no errors; memory steady.
"""

from __future__ import annotations

import argparse
import json as json_lib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zlib
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait(url: str, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    for child in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split()[3]) == pid:
                    out.append(int(entry.name))
                    out.extend(_children(int(entry.name)))
            except (OSError, IndexError, ValueError):
                pass
    return out


def wrk(url: str, seconds: int, connections: int, accept: str, script: Path | None = None) -> dict[str, Any]:
    args = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Accept: {accept}",
    ]
    if script:
        args += ["-s", str(script)]
    text = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": rps,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", default="100k")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("bench/serve.py needs wrk: apt-get install wrk")
    folder = REPO if args.project == "kiruna" else OUT / args.project
    if not (folder / "data").is_dir():
        sys.path.insert(0, str(BENCH))
        from generate import generate, parse_count  # type: ignore[import-not-found]

        generate(folder, parse_count(args.project), seed=1)
    subprocess.run([str(BIN / "kgpub"), "--project", str(folder), "build"], check=True, capture_output=True)
    import tomllib

    name = tomllib.loads((folder / "kgpub.toml").read_text()).get("name", "kiruna")
    base = tomllib.loads((folder / "kgpub.toml").read_text()).get("base", "https://data.kiruna.se/")
    dist = folder / "dist"
    kg_port, ox_port = free_port(), free_port()
    kg = subprocess.Popen(
        [str(BIN / "kgpub"), "--project", str(folder), "serve", "--port", str(kg_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    store = Path(tempfile.mkdtemp())
    subprocess.run(
        [
            str(BIN / "oxigraph"),
            "load",
            "--location",
            str(store),
            "--file",
            str(dist / f"{name}.nt"),
            str(dist / "ontology.nt"),
        ],
        check=True,
        capture_output=True,
    )
    ox = subprocess.Popen(
        [
            str(BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            f"127.0.0.1:{ox_port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        kg_url, ox_url = f"http://127.0.0.1:{kg_port}", f"http://127.0.0.1:{ox_port}"
        wait(kg_url + "/")
        wait(ox_url + "/query?query=" + urllib.parse.quote("ASK {}"))
        # an entity that exists: the first project in the dump
        with urllib.request.urlopen(
            kg_url
            + "/sparql?query="
            + urllib.parse.quote("SELECT ?p WHERE { ?p a <http://schema.org/Project> } ORDER BY ?p LIMIT 1")
        ) as r:
            entity = json_lib.loads(r.read())["results"]["bindings"][0]["p"]["value"]
        path = "/" + entity[len(base) :]
        simple = f"SELECT ?p ?o WHERE {{ <{entity}> ?p ?o }}"
        join = (
            "PREFIX schema: <http://schema.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?project ?name ?funderName WHERE { ?project a schema:Project ; rdfs:label ?name ; "
            'schema:startDate ?start ; schema:funder/rdfs:label ?funderName . FILTER(LANG(?name) = "sv") '
            'FILTER(LANG(?funderName) = "sv") FILTER(SUBSTR(STR(?start), 1, 4) = "2018") } LIMIT 100'
        )
        json = "application/sparql-results+json"
        rows = []
        memory_before = rss_mb(kg.pid)
        OUT.mkdir(exist_ok=True)

        def distinct(path: str) -> Path:
            """A wrk script sending ``path`` with a different comment each time: every query is new
            to kgpub's result cache (and to any other cache on the way)."""
            script = OUT / f"distinct-{zlib.crc32(path.encode()):08x}.lua"
            script.write_text(
                f'local i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format("GET", "{path}" '
                '.. "%0A%23" .. i .. "-" .. math.random(1000000000))\nend\n'
            )
            return script

        a_kg, a_ox = (
            f"/sparql?query={urllib.parse.quote(simple)}",
            f"/query?query={urllib.parse.quote(simple)}",
        )
        b_kg, b_ox = f"/sparql?query={urllib.parse.quote(join)}", f"/query?query={urllib.parse.quote(join)}"
        for label, server, url, accept, script in [
            ("(a) simple SELECT, repeated", "kgpub", kg_url + a_kg, json, None),
            ("(a) simple SELECT, repeated", "Oxigraph", ox_url + a_ox, json, None),
            ("(a) simple SELECT, all distinct", "kgpub", kg_url, json, distinct(a_kg)),
            ("(a) simple SELECT, all distinct", "Oxigraph", ox_url, json, distinct(a_ox)),
            ("(b) join query, repeated", "kgpub", kg_url + b_kg, json, None),
            ("(b) join query, repeated", "Oxigraph", ox_url + b_ox, json, None),
            ("(b) join query, all distinct", "kgpub", kg_url, json, distinct(b_kg)),
            ("(b) join query, all distinct", "Oxigraph", ox_url, json, distinct(b_ox)),
            ("(c) entity page, HTML", "kgpub", kg_url + path, "text/html", None),
            ("(d) entity, Turtle", "kgpub", kg_url + path, "text/turtle", None),
        ]:
            result = wrk(url, args.seconds, args.connections, accept, script)
            rows.append({"case": label, "server": server, **result})
        # mixed load: 32 connections over pages, dumps and queries
        script = OUT / "mixed.lua"
        paths = [
            path,
            path + ".ttl",
            "/",
            "/projects",
            "/dumps/context.jsonld",
            "/queries/projects",
            "/sparql?query=" + urllib.parse.quote(simple),
            "/def",
            "/api/queries",
        ]
        script.write_text(
            "local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
            "local i = 0\nrequest = function()\n  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i])\nend\n'
        )
        # Twice: caches and pools fill during the first round; steady memory shows in the second.
        mixed = wrk(kg_url, max(args.seconds * 3, 30), 32, "*/*", script)
        memory_middle = rss_mb(kg.pid)
        rows.append({"case": "mixed, 32 connections", "server": "kgpub", **mixed})
        mixed = wrk(kg_url, max(args.seconds * 3, 30), 32, "*/*", script)
        memory_after = rss_mb(kg.pid)
        rows.append({"case": "mixed, 32 connections, again", "server": "kgpub", **mixed})
    finally:
        kg.terminate()
        ox.terminate()
        kg.wait(timeout=30)
        ox.wait(timeout=30)
        shutil.rmtree(store, ignore_errors=True)
    by = {(r["case"], r["server"]): r for r in rows}
    lines = [
        f"## kgpub serve over loopback ({args.project}, {args.connections} connections, {args.seconds} s a case)",
        "",
        "| case | server | requests/s | p50 ms | p99 ms | errors | vs Oxigraph |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        peer = by.get((r["case"], "Oxigraph")) if r["server"] == "kgpub" else None
        ratio = f"{100 * r['rps'] / peer['rps']:.0f}%" if peer else ""
        lines.append(
            f"| {r['case']} | {r['server']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['errors']}{' ' + r['socket_errors'] if r['socket_errors'] else ''} | {ratio} |"
        )
    lines += [
        "",
        f"Server memory (RSS, main process and query workers): {memory_before:.0f} MB before the load, "
        f"{memory_middle:.0f} MB after the first mixed round, {memory_after:.0f} MB after the second.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "serve.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
