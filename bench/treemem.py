"""Run a command; print its wall time and the peak of the summed RSS of it and its descendants.

    python bench/treemem.py kgpub --project bench/out/1m build

``/usr/bin/time -v`` reports the largest single process, which misses memory held by a parent and
its child at once (the build writes JSON-LD in a forked child). This samples ``/proc`` every 20 ms
instead (Linux only), so a peak shorter than that may be missed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    started = time.perf_counter()
    proc = subprocess.Popen(argv)
    peak = 0
    while proc.poll() is None:
        todo, total = [proc.pid], 0
        while todo:
            pid = todo.pop()
            total += _rss(pid)
            todo += _children(pid)
        peak = max(peak, total)
        time.sleep(0.02)
    wall = time.perf_counter() - started
    print(
        f"exit {proc.returncode}, wall {wall:.2f} s, peak RSS of the process tree {peak / 2**20:.0f} MiB",
        file=sys.stderr,
    )
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
