"""The query pool on the event loop: every request of a burst served, no worker lost."""

from __future__ import annotations

import asyncio
import time

from kgpub.publish import BuildResult
from kgpub.serve.pool import Dump, QueryPool

OPTIONS = {"max_rows": 100, "result_format": "json", "graph_format": "turtle"}
ASK = "ASK { ?s a <http://schema.org/Project> }"


def _pool(build: BuildResult) -> QueryPool:
    return QueryPool([Dump(str(build.out / "kiruna.nt"), "urn:x-test:data")], size=2, timeout=5.0)


def test_a_burst_is_served_and_every_worker_comes_back(kiruna_build: BuildResult) -> None:
    pool = _pool(kiruna_build)
    try:
        finished: list[int] = []

        async def one(n: int) -> None:
            answer = await pool.arun(ASK, OPTIONS)
            assert answer.status == "ok" and b"true" in answer.body
            finished.append(n)

        async def burst() -> None:
            await asyncio.gather(*(one(n) for n in range(60)))

        asyncio.run(burst())
        assert sorted(finished) == list(range(60))
        assert pool.idle == pool.size
    finally:
        pool.close()


def test_requests_cancelled_while_waiting_lose_no_worker(kiruna_build: BuildResult) -> None:
    pool = _pool(kiruna_build)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g a <http://schema.org/Project> FILTER(STR(?c) < STR(?f)) }"
    try:

        async def scenario() -> None:
            busy = [asyncio.create_task(pool.arun(slow, OPTIONS)) for _ in range(2)]
            await asyncio.sleep(0.2)
            waiting = [asyncio.create_task(pool.arun(ASK, OPTIONS)) for _ in range(5)]
            await asyncio.sleep(0.1)
            for task in waiting[:3]:
                task.cancel()
            answers = await asyncio.gather(*busy, *waiting[3:])
            assert all(a.status == "ok" for a in answers)
            for task in waiting[:3]:
                assert task.cancelled()

        asyncio.run(scenario())
        deadline = time.monotonic() + 10
        while pool.idle < pool.size and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.idle == pool.size
    finally:
        pool.close()
