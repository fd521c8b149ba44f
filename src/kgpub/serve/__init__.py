"""Stage 5, serve: the SPARQL endpoint, linked data and pages, over the published graph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kgpub.serve.settings import ServeSettings, serve_settings

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from kgpub.project import Project

__all__ = ["ServeSettings", "make_app", "run", "serve_settings"]


def make_app(project: Project, settings: ServeSettings | None = None, dist: Path | None = None) -> Starlette:
    """The ASGI application for ``project`` (builds first if the publication is missing or stale)."""
    from kgpub.serve.app import create_app, open_site

    settings = settings or serve_settings(project.config.extra.get("serve"))
    return create_app(open_site(project, settings, dist))


def run(project: Project, settings: ServeSettings, echo: object = print) -> None:
    """Serve until interrupted, printing the address first."""
    import uvicorn

    app = make_app(project, settings)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    echo(f"kgpub serving {project.root.resolve().name} at http://{host}:{settings.port}/ (Ctrl+C stops)")  # type: ignore[operator]
    try:
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            h11_max_incomplete_event_size=64 * 1024,
            timeout_keep_alive=5,
        )
    finally:
        app.state.site.pool.close()
