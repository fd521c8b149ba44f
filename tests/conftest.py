"""Shared fixtures: the repository's own (Kiruna) project, a CLI runner, one Kiruna build per session."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kgpub import Project
from kgpub.publish import BuildResult

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
#: The one setting for third-party artefacts (official shapes, test suites, the Wikidata excerpt):
#: KGPUB_SHARED, by default the folder `shared/` beside the repository.
SHARED = Path(os.environ.get("KGPUB_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Callable[[str], Path]:
    """Look up a shared artefact by its path under the shared folder (see :func:`shared_path`)."""
    return shared_path


def shared_path(relative: str) -> Path:
    """A file under the shared artefacts; in CI it must exist, elsewhere its absence skips plainly."""
    path = SHARED / relative
    if not path.exists():
        message = (
            f"{path} is absent: these tests need the shared artefacts "
            "(set KGPUB_SHARED to the folder that holds seed/, standards/ and wikidata/)."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def kiruna() -> Project:
    return Project(REPO)


@pytest.fixture(scope="session")
def kiruna_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The Kiruna project built once into a temporary folder."""
    out = tmp_path_factory.mktemp("kiruna") / "dist"
    return Project(REPO).build(out)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[list[Path]], str]]:
    """Start real Oxigraph servers (the `oxigraph` package from PyPI) on 127.0.0.1, loaded with files.

    Returns a function ``start(files) -> endpoint URL``; every server is stopped after the session.
    """
    import shutil
    import subprocess
    import sys

    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    processes: list[subprocess.Popen[bytes]] = []

    def start(files: list[Path]) -> str:
        location = tmp_path_factory.mktemp("oxigraph")
        if files:
            subprocess.run(
                [binary, "load", "--location", str(location), "--file", *map(str, files)],
                check=True,
                capture_output=True,
            )
        port = free_port()
        proc = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(proc)
        wait_for_port(port)
        return f"http://127.0.0.1:{port}/query"

    yield start
    for proc in processes:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class LiveServer:
    """A running kgpub server: its base URL and its site (settings, project, dist)."""

    url: str
    site: Any


def start_server(project: Project, dist: Path, **settings: Any) -> tuple[LiveServer, Callable[[], None]]:
    """Start kgpub's app with uvicorn on 127.0.0.1 in a thread; returns the server and a stop function."""
    import threading

    import uvicorn

    from kgpub.serve.app import create_app, open_site
    from kgpub.serve.settings import serve_settings

    port = free_port()
    site = open_site(project, serve_settings(None, port=port, **settings), dist)
    app = create_app(site)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        site.pool.close()

    return LiveServer(f"http://127.0.0.1:{port}", site), stop


@pytest.fixture(scope="session")
def live_server(kiruna_build: BuildResult) -> Iterator[LiveServer]:
    """kgpub serving the Kiruna build on 127.0.0.1 (time limit 3 s, result cap 50 rows for the tests)."""
    server, stop = start_server(Project(REPO), kiruna_build.out, timeout=3.0, max_rows=50, workers=2)
    yield server
    stop()
