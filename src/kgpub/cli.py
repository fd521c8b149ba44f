"""The ``kgpub`` command: thin click commands over the library; the only place errors become exit codes."""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from kgpub import __version__
from kgpub.errors import KgpubError, QueryError, ValidationFailed
from kgpub.project import Project
from kgpub.push import KINDS

STORE_KINDS = list(KINDS)


class KgpubGroup(click.Group):
    """Turns :class:`KgpubError` into one paragraph on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            if exc.report is not None:
                click.echo(exc.report.to_text(ctx.meta.get("kgpub.lang", "sv")), err=True, nl=False)
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KgpubError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug in kgpub, not a user's mistake
            if os.environ.get("KGPUB_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"Error: kgpub failed unexpectedly ({type(exc).__name__}: {exc}). "
                "This is a bug; run again with KGPUB_DEBUG=1 for details and report it.",
                err=True,
            )
            ctx.exit(70)


def _check_output(project: Project, out: Path, option: str, *, inputs_only: bool = False) -> None:
    """Refuse an output folder whose replacement would delete the project or one of its inputs."""
    from kgpub.config import check_output

    check_output(project.root, out, option, inputs_only=inputs_only)


def _project(ctx: click.Context) -> Project:
    root: Path = ctx.obj["root"]
    return Project(root)


@click.group(cls=KgpubGroup)
@click.option(
    "-p",
    "--project",
    "root",
    type=click.Path(path_type=Path),
    default=".",
    show_default=True,
    envvar="KGPUB_PROJECT",
    help="The project folder (with kgpub.toml, ontology/, data/, shapes/, queries/).",
)
@click.version_option(__version__, prog_name="kgpub")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Publish a municipality's projects and collaborations as linked open data."""
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--base", default="https://data.example.se/", show_default=True, help="The base IRI of the new project."
)
def init(folder: Path, base: str) -> None:
    """Create a new, empty project in FOLDER that reuses kgpub's ontology and shapes."""
    from kgpub.scaffold import init_project

    init_project(folder, base=base)
    click.echo(
        f"Created a new project in {folder}. Add entries to {folder / 'data'} and run 'kgpub validate'."
    )


@cli.command()
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Language of the messages.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True
)
@click.pass_context
def validate(ctx: click.Context, lang: str, fmt: str) -> None:
    """Check the data against the shapes. Exit 0 if it conforms, 1 on violations, 2 on unusable input."""
    from kgpub.validate import validate as run_validation

    report = run_validation(_project(ctx), incremental=True)  # only what changed since the last run
    if report.scope == "incremental":
        n, m = report.changed_entities, report.rechecked
        click.echo(
            f"Validerade {n} ändrade poster ({m} noder kontrollerades igen); 'kgpub build' validerar allt."
            if lang == "sv"
            else f"Validated {n} changed entities ({m} nodes checked again); 'kgpub build' validates all.",
            err=True,
        )
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    elif fmt == "turtle":
        click.echo(report.to_turtle(), nl=False)
    else:
        click.echo(report.to_text(lang), nl=False)
    if not report.conforms:
        ctx.exit(1)


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default: 'output' in kgpub.toml).",
)
@click.option(
    "--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of messages."
)
@click.option(
    "--site",
    metavar="[DIR]",
    is_flag=False,
    flag_value="",
    default=None,
    help="Also write a static site for any static web host, into DIR (default: dist/site).",
)
@click.pass_context
def build(ctx: click.Context, out: Path | None, lang: str, site: str | None) -> None:
    """Validate, enrich and publish the graph into dist/ (atomically: all or nothing)."""
    from kgpub.publish import build as publish

    ctx.meta["kgpub.lang"] = lang
    project = _project(ctx)
    if out is not None:
        _check_output(project, out, "--out")
    folder = None if site is None else Path(site) if site else (out or project.output_dir) / "site"
    if site:  # (kgpub.site refuses the project itself and the folders above it)
        _check_output(project, Path(site), "--site", inputs_only=True)
    result = publish(project, out, site=folder)
    warnings = len(result.report.warnings)
    click.echo(
        f"Built {result.out}: {result.triples} triples ({result.inferred} inferred), "
        f"{len(result.files)} files, {warnings} warnings."
    )
    if result.changes is not None:
        click.echo(result.changes.summary())
        if result.changes.version_warning():
            click.echo(f"Warning: {result.changes.version_warning()}", err=True)
    if result.site is not None:
        click.echo(f"Static site: {result.site} (deploy the folder; see README for the server rules).")


@cli.command()
@click.option(
    "--against",
    type=click.Path(path_type=Path),
    default=None,
    help="The published folder to compare with (default: 'output' in kgpub.toml).",
)
@click.option("--format", "fmt", type=click.Choice(["md", "turtle"]), default="md", show_default=True)
@click.pass_context
def diff(ctx: click.Context, against: Path | None, fmt: str) -> None:
    """Print what changed since the publication: entities and statements added, removed, changed."""
    from kgpub.release import diff as compare

    changes = compare(_project(ctx), against)
    click.echo(changes.section() if fmt == "md" else changes.turtle().decode("utf-8"), nl=False)


@cli.group(invoke_without_command=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the query index as JSON (as in dist/queries/index.json)."
)
@click.pass_context
def queries(ctx: click.Context, as_json: bool) -> None:
    """List the canned queries with their summaries and parameters."""
    if ctx.invoked_subcommand is not None:
        return
    project = _project(ctx)
    items = list(project.queries.values())
    if as_json:
        click.echo(json.dumps([q.as_dict() for q in items], ensure_ascii=False, indent=1))
        return
    for q in items:
        params = ", ".join(f"{p.name}:{p.type}" + ("" if p.required else f"={p.default}") for p in q.params)
        click.echo(f"{q.name}  {q.summary}" + (f"  [{params}]" if params else ""))


@queries.command("show")
@click.argument("name")
@click.pass_context
def queries_show(ctx: click.Context, name: str) -> None:
    """Print a query's documentation and its SPARQL."""
    from kgpub.queries import with_prefixes

    project = _project(ctx.parent)  # type: ignore[arg-type]
    q = project.get_query(name)
    click.echo(f"{q.name}: {q.summary}")
    if q.summary_sv:
        click.echo(f"  ({q.summary_sv})")
    click.echo("")
    click.echo(q.description)
    if q.description_sv:
        click.echo("")
        click.echo(q.description_sv)
    if q.params:
        click.echo("\nParameters:")
        for p in q.params:
            extra = "required" if p.required else f"default {p.default}"
            if p.enum:
                extra += f"; one of {', '.join(p.enum)}"
            click.echo(f"  {p.name} ({p.type}, {extra}): {p.description}")
    if q.example:
        call = " ".join(f"--param {k}={v}" for k, v in q.example.items())
        click.echo(f"\nExample: kgpub query {q.name} {call}")
    if q.result:
        click.echo(f"\nResult: {q.result}")
    click.echo("\n" + with_prefixes(q.sparql, project.query_prefixes).rstrip())


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"--param takes name=value, not {item!r}.")
        out[name.strip()] = value
    return out


@cli.command()
@click.argument("name", required=False)
@click.option(
    "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable)."
)
@click.option("--file", "file", type=click.Path(path_type=Path), help="Run the SPARQL query in this file.")
@click.option("--sparql", "text", help="Run this SPARQL query.")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "md", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml"]),
)
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL endpoint instead of the local graph.")
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for an endpoint."
)
@click.pass_context
def query(
    ctx: click.Context,
    name: str | None,
    params: tuple[str, ...],
    file: Path | None,
    text: str | None,
    fmt: str,
    endpoint: str | None,
    timeout: float,
) -> None:
    """Run a canned query NAME (or --file/--sparql) on the local graph or an --endpoint."""
    project = _project(ctx)
    if sum(x is not None for x in (name, file, text)) != 1:
        raise QueryError(
            "give exactly one of: a query NAME, --file FILE or --sparql TEXT.",
            hint="'kgpub queries' lists the names.",
        )
    if name is not None:
        result = project.query(name, _params(params), endpoint=endpoint, timeout=timeout)
    else:
        if params:
            raise QueryError("--param works only with a canned query NAME.")
        if file is not None:
            from kgpub.load import read_text

            text = read_text(file)
        assert text is not None
        result = project.sparql(text, endpoint=endpoint, timeout=timeout)
    click.echo(result.serialise(fmt, project.prefixes).decode("utf-8"), nl=False)


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8000).")
@click.option("--timeout", type=float, default=None, help="Seconds a SPARQL query may run (default 10).")
@click.option("--max-rows", type=int, default=None, help="Rows a result may have (default 10000).")
@click.option("--workers", type=int, default=None, help="Query worker processes (default 2).")
@click.option("--store", metavar="URL", default=None, help="Serve from this triple store (see 'kgpub push').")
@click.option("--store-kind", type=click.Choice(STORE_KINDS), default=None, help="The kind of --store.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    timeout: float | None,
    max_rows: int | None,
    workers: int | None,
    store: str | None,
    store_kind: str | None,
) -> None:
    """Serve the graph: SPARQL endpoint, linked data, pages (builds first if dist/ is missing or stale)."""
    from kgpub.serve import run, serve_settings

    project = _project(ctx)
    settings = serve_settings(
        project.config.extra.get("serve"),
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        store=store,
        store_kind=store_kind,
    )
    run(project, settings, echo=click.echo)


@cli.command()
@click.option("--store", metavar="URL", default=None, help="The store's base address ([push] store).")
@click.option(
    "--store-kind",
    type=click.Choice(STORE_KINDS),
    default=None,
    help="What the store is; presets its query, update and graph-store paths (default generic).",
)
@click.option("--graph", metavar="IRI", default=None, help="The data graph (default {base}graph/{name}).")
@click.option("--query-url", metavar="URL", default=None, help="The store's SPARQL query endpoint.")
@click.option("--update-url", metavar="URL", default=None, help="The store's SPARQL update endpoint.")
@click.option("--gsp-url", metavar="URL", default=None, help="The store's Graph Store Protocol endpoint.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None, help="Triples per request (25000).")
@click.option(
    "--dist",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Push this build (default: the output folder, built first if missing or stale).",
)
@click.pass_context
def push(
    ctx: click.Context,
    store: str | None,
    store_kind: str | None,
    graph: str | None,
    query_url: str | None,
    update_url: str | None,
    gsp_url: str | None,
    chunk_size: int | None,
    dist: Path | None,
) -> None:
    """Load the graph, the ontology and the catalogue into a triple store, replacing them atomically.

    Credentials come from KGPUB_STORE_USER and KGPUB_STORE_PASSWORD (or KGPUB_STORE_TOKEN) or from
    a netrc file, never from the command line.
    """
    from kgpub.push import find_credentials, graph_names, progress_bar, push_settings, store_endpoints
    from kgpub.push import push as push_graphs

    project = _project(ctx)
    table = push_settings(project)
    url = store or table.get("store")
    if not url:
        raise QueryError("give the store's address with --store URL (or 'store' in [push] of kgpub.toml).")
    credentials = find_credentials(url)
    endpoints = store_endpoints(
        url,
        store_kind or table.get("store_kind", "generic"),
        query_url=query_url or table.get("query_url"),
        update_url=update_url or table.get("update_url"),
        gsp_url=gsp_url or table.get("gsp_url"),
        credentials=credentials,
    )
    if dist is not None and not dist.is_dir():
        raise QueryError(f"--dist {dist} is not a folder.")
    result = push_graphs(
        project,
        endpoints,
        dist=dist,
        graphs=graph_names(project, graph),
        credentials=credentials,
        chunk_size=chunk_size or table.get("chunk_size", 25_000),
        retries=table.get("retries", 4),
        timeout=float(table.get("timeout", 300.0)),
        progress=progress_bar(),
    )
    for name, count in result.graphs:
        click.echo(f"<{name}>: {count} triples")
    retried = f", {result.retried} requests retried" if result.retried else ""
    click.echo(f"Pushed to {result.store} in {result.seconds:.1f} s ({result.swap}{retried}).")


from kgpub.link.cli import link as _link  # noqa: E402  (the `kgpub link` group lives in its package)

cli.add_command(_link)


def main() -> None:
    """Console entry point."""
    cli(prog_name="kgpub")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
