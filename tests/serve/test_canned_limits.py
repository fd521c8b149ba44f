"""Canned queries on the server (JSON API and query pages) run under the same limits as user queries."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import httpx
import pytest
from tests.conftest import REPO, LiveServer, start_server

from kgpub.project import Project

FOREVER = """#+ summary: Never ends
#+ description: A cartesian product of the whole graph with itself, four times.
SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l FILTER(STRLEN(CONCAT(STR(?c), STR(?l))) > 0) }
"""


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Kiruna with a 5-row cap and a 2-second limit, plus one canned query that never ends."""
    root = tmp_path_factory.mktemp("capped") / "kiruna"
    for name in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / name, root / name)
    (root / "kgpub.toml").write_bytes((REPO / "kgpub.toml").read_bytes())
    (root / "queries" / "forever.rq").write_text(FOREVER, encoding="utf-8")
    project = Project(root)
    built = project.build(root / "dist")
    server, stop = start_server(project, built.out, max_rows=5, timeout=2.0, workers=2)
    yield server
    stop()


def test_api_results_are_cut_at_max_rows_and_say_so(capped: LiveServer) -> None:
    r = httpx.get(capped.url + "/api/queries/class-counts", timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert len(body["rows"]) == 5 and body["truncated"] == 5
    assert r.headers["X-Kgpub-Truncated"] == "5"
    # A query with fewer rows than the cap is whole, without the signal.
    r = httpx.get(capped.url + "/api/queries/founding-years", timeout=30)
    assert r.status_code == 200 and "truncated" not in r.json()
    assert "X-Kgpub-Truncated" not in r.headers


def test_the_query_page_says_the_result_was_cut(capped: LiveServer) -> None:
    r = httpx.get(capped.url + "/queries/class-counts", params={"run": "1", "lang": "en"}, timeout=30)
    assert r.status_code == 200
    assert r.text.count("<tr><td>") == 5
    assert 'id="truncated"' in r.text and "(5)" in r.text


def test_a_canned_query_is_stopped_at_the_time_limit(capped: LiveServer) -> None:
    started = time.monotonic()
    r = httpx.get(capped.url + "/api/queries/forever", timeout=30)
    elapsed = time.monotonic() - started
    assert r.status_code == 503
    assert "stopped after 2 s" in r.json()["error"]
    assert elapsed < 2.0 + 3.0  # the limit, with margin for a loaded machine
    page = httpx.get(capped.url + "/queries/forever", params={"run": "1", "lang": "en"}, timeout=30)
    assert page.status_code == 200 and "did not finish within 2 s" in page.text
    # The server keeps answering, from fresh workers.
    assert httpx.get(capped.url + "/api/queries/founding-years", timeout=30).status_code == 200


def test_a_canned_answer_is_reused_but_not_across_parameters(capped: LiveServer) -> None:
    first = httpx.get(capped.url + "/api/queries/search-by-name", params={"term": "kiruna"}, timeout=30)
    again = httpx.get(capped.url + "/api/queries/search-by-name", params={"term": "kiruna"}, timeout=30)
    other = httpx.get(capped.url + "/api/queries/search-by-name", params={"term": "nord"}, timeout=30)
    assert first.status_code == again.status_code == other.status_code == 200
    assert first.json() == again.json()
    assert first.json()["rows"] != other.json()["rows"]
    assert capped.site.cache.hits >= 1
