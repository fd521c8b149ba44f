"""The ``kgpub`` command: thin click commands over the library; the only place errors become exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from kgpub import __version__
from kgpub.errors import KgpubError, ValidationFailed
from kgpub.project import Project


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
    report = _project(ctx).validate()
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
@click.pass_context
def build(ctx: click.Context, out: Path | None, lang: str) -> None:
    """Validate, enrich and publish the graph into dist/ (atomically: all or nothing)."""
    ctx.meta["kgpub.lang"] = lang
    result = _project(ctx).build(out)
    warnings = len(result.report.warnings)
    click.echo(
        f"Built {result.out}: {result.triples} triples ({result.inferred} inferred), "
        f"{len(result.files)} files, {warnings} warnings."
    )


def main() -> None:
    """Console entry point."""
    cli(prog_name="kgpub")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
