"""``kgpub link``: the click commands (thin: the work is in :mod:`kgpub.link.workflow`)."""

from __future__ import annotations

from pathlib import Path

import click

from kgpub.errors import KgpubError
from kgpub.link.settings import LinkSettings, link_settings
from kgpub.project import Project


class LinksNeedAttention(KgpubError):
    """``kgpub link check`` found links that a person should look at."""

    exit_code = 1


def _project(ctx: click.Context) -> Project:
    return Project(ctx.find_root().obj["root"])


def _settings(project: Project, **overrides: object) -> LinkSettings:
    return link_settings(project.config.extra.get("link"), **overrides)


def _client(project: Project, settings: LinkSettings):  # type: ignore[no-untyped-def]
    from kgpub.link.client import WikidataClient

    return WikidataClient(
        settings.endpoint,
        contact=settings.contact or project.config.base,
        timeout=settings.timeout,
        retries=settings.retries,
        max_wait=settings.max_wait,
        backoff=settings.backoff,
        notify=lambda message: click.echo(message, err=True),
    )


endpoint_option = click.option(
    "--endpoint",
    metavar="URL",
    help="The Wikidata SPARQL endpoint ([link] endpoint; default: the public WDQS).",
)
timeout_option = click.option("--timeout", type=float, help="Seconds to wait for one answer (default 60).")
lang_option = click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Language of the reasons and the summary.",
)


@click.group("link")
def link() -> None:
    """Link entries to Wikidata: suggest candidates, accept what people confirm, check, export."""


@link.command("suggest")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("wikidata-review.csv"),
    show_default=True,
    help="The review file to write (CSV, opens in a spreadsheet).",
)
@click.option("--entity", "entities", multiple=True, help="Only this entity (repeatable).")
@endpoint_option
@timeout_option
@lang_option
@click.pass_context
def suggest_command(
    ctx: click.Context,
    out: Path,
    entities: tuple[str, ...],
    endpoint: str | None,
    timeout: float | None,
    lang: str,
) -> None:
    """Find Wikidata candidates for every entity without a link and write them to a review file."""
    from kgpub.link.review import write_review
    from kgpub.link.texts import text
    from kgpub.link.workflow import review_rows, suggest

    project = _project(ctx)
    settings = _settings(project, endpoint=endpoint, timeout=timeout)
    client = _client(project, settings)
    data, suggestions = suggest(project, client, settings, lang=lang, only=entities)
    rows = review_rows(data, suggestions, lang)
    write_review(out, rows)
    echo = click.echo
    echo(
        text(
            "summary_searched",
            lang,
            count=len(suggestions),
            endpoint=settings.endpoint,
            requests=client.requests,
        )
    )
    strong = [s for s in suggestions if s.best and s.best.score >= settings.threshold]
    weak = [s for s in suggestions if s.best and s.best.score < settings.threshold]
    none = [s for s in suggestions if not s.best]
    for heading, group in (
        (text("summary_strong", lang, threshold=settings.threshold), strong),
        (text("summary_weak", lang), weak),
    ):
        if not group:
            continue
        echo("")
        echo(heading)
        for s in group:
            best = s.best
            assert best is not None
            more = len(s.candidates) - 1
            extra = f" (+{more})" if more else ""
            echo(
                f"  {best.score:3d}  {s.entity.label(lang)} ({data.short(s.entity.iri)}) → "
                f"{best.qid} {best.label}{extra}"
            )
            echo(f"       {best.explanation}")
    if none:
        import textwrap

        echo("")
        names = ", ".join(s.entity.label(lang) for s in none)
        line = text("summary_none", lang, count=len(none), names=names)
        echo(textwrap.fill(line, width=100, subsequent_indent="  ", break_on_hyphens=False))
    echo("")
    echo(text("summary_wrote", lang, path=out, rows=len(rows)))


@link.command("accept")
@click.argument("review", type=click.Path(path_type=Path))
@click.option("--by", help="Who confirmed the links (a role or, if you wish, your name) for the provenance.")
@click.pass_context
def accept_command(ctx: click.Context, review: Path, by: str | None) -> None:
    """Write the rows marked accepted in REVIEW into data/links/wikidata.ttl; remember rejections."""
    from kgpub.link.workflow import accept

    project = _project(ctx)
    report = accept(project, review, _settings(project), by=by)
    for entity, qid in report.added:
        click.echo(f"added     {entity.label('sv')} ({entity.iri}) owl:sameAs wd:{qid}")
    for entity, old, qid in report.replaced:
        click.echo(f"replaced  {entity.label('sv')} ({entity.iri}): wd:{old} → wd:{qid}")
    for entity, qid in report.unchanged:
        click.echo(f"unchanged {entity.label('sv')} ({entity.iri}) owl:sameAs wd:{qid}")
    click.echo(
        f"{len(report.added)} links added, {len(report.replaced)} replaced, {len(report.unchanged)} already "
        f"there; {len(report.rejected)} rejections remembered; {report.undecided} rows undecided."
    )
    for path in report.written:
        click.echo(f"Wrote {path}.")
    if not report.written:
        click.echo("Nothing to write.")


@link.command("check")
@click.option(
    "--review",
    type=click.Path(path_type=Path),
    help="Also write a review file proposing the items that redirected links now lead to.",
)
@endpoint_option
@timeout_option
@lang_option
@click.pass_context
def check_command(
    ctx: click.Context, review: Path | None, endpoint: str | None, timeout: float | None, lang: str
) -> None:
    """Re-verify every link: the item exists, is not a redirect, and its type still fits.

    Exit 0 when every link is fine, 1 when some need attention, 3 when the service failed.
    """
    from kgpub.link.review import write_review
    from kgpub.link.workflow import check, check_rows

    project = _project(ctx)
    settings = _settings(project, endpoint=endpoint, timeout=timeout)
    data, findings = check(project, _client(project, settings), settings, lang=lang)
    marks = {"ok": "ok  ", "unconfirmed": "note"}
    for f in findings:
        mark = marks.get(f.status, "FIX ")
        click.echo(f"{mark}  {f.entity.label(lang)} ({data.short(f.entity.iri)}) → {f.qid}: {f.message}")
    attention = [f for f in findings if f.needs_attention]
    if review is not None:
        rows = check_rows(data, findings, lang)
        write_review(review, rows)
        click.echo(f"Wrote {review}: {len(rows)} proposals; run 'kgpub link accept {review}' after deciding.")
    click.echo(f"{len(findings)} links checked on {settings.endpoint}; {len(attention)} need attention.")
    if attention:
        raise LinksNeedAttention(
            f"{len(attention)} of {len(findings)} links need attention (marked FIX above)."
        )


@link.command("labels")
@click.option(
    "--lang",
    "languages",
    multiple=True,
    help="A language to take names in (repeatable; default: the project's languages besides sv and en).",
)
@click.option("--entity", "entities", multiple=True, help="Only this entity (default: every linked place).")
@endpoint_option
@timeout_option
@click.pass_context
def labels_command(
    ctx: click.Context,
    languages: tuple[str, ...],
    entities: tuple[str, ...],
    endpoint: str | None,
    timeout: float | None,
) -> None:
    """Take over names in other languages (Finnish, Northern Sami, Meänkieli …) from Wikidata."""
    from kgpub.link.workflow import import_labels

    project = _project(ctx)
    settings = _settings(project, endpoint=endpoint, timeout=timeout)
    report = import_labels(project, _client(project, settings), settings, languages=languages, only=entities)
    for item in report.added:
        click.echo(f'added    {item.entity} "{item.text}"@{item.lang} (from wd:{item.qid})')
    for item in report.updated:
        click.echo(f'updated  {item.entity} "{item.text}"@{item.lang} (from wd:{item.qid})')
    for entity, lang, own in report.skipped:
        click.echo(f'kept own {entity.iri} "{own}"@{lang} (written by hand; not overwritten)')
    click.echo(
        f"{len(report.added)} names added, {len(report.updated)} updated, {report.kept} unchanged; "
        f"{len(report.missing)} not in Wikidata."
    )
    click.echo(f"Wrote {report.written}." if report.written else "Nothing to write.")


@link.command("export")
@click.option(
    "--quickstatements",
    "qs",
    is_flag=True,
    required=True,
    help="Write QuickStatements (V1) commands (the only format).",
)
@click.option("--entity", "entities", multiple=True, help="Only this entity (repeatable).")
@click.option(
    "--review",
    type=click.Path(path_type=Path),
    help="Leave out entities that still have open or accepted candidates in this review file.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@click.pass_context
def export_command(
    ctx: click.Context, qs: bool, entities: tuple[str, ...], review: Path | None, out: Path | None
) -> None:
    """Commands that would create Wikidata items for entities Wikidata lacks, for a person to review.

    kgpub sends nothing to Wikidata: paste the commands into QuickStatements yourself, after
    checking on Wikidata that none of the items exists yet.
    """
    from kgpub.link.linkfile import write_text
    from kgpub.link.workflow import quickstatements

    if not qs:
        raise click.UsageError("give --quickstatements")
    project = _project(ctx)
    export = quickstatements(project, _settings(project), only=entities, review=review)
    if out is not None:
        write_text(out, export.text)
    else:
        click.echo(export.text, nl=False)
    for entity, why in export.skipped:
        click.echo(f"skipped {entity.iri}: {why}", err=True)
    click.echo(
        f"{len(export.entities)} new items in QuickStatements V1"
        + (f", written to {out}" if out else "")
        + ". Check on Wikidata that none exists yet, then run them yourself; kgpub sends nothing.",
        err=True,
    )
