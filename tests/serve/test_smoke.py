"""The server starts, and the home page answers."""

from __future__ import annotations

import httpx
from tests.conftest import LiveServer


def test_home_page(live_server: LiveServer) -> None:
    """GET / gives the home page in Swedish by default, with the counts."""
    r = httpx.get(live_server.url + "/")
    assert r.status_code == 200
    assert "Projekt och samarbeten" in r.text
