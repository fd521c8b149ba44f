"""The pages in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright.

Each test opens a fresh browser context in Swedish (Accept-Language sv-SE) on the live Kiruna server,
records every console error, uncaught exception and network request, and ends by checking that
there were no errors, no Content-Security-Policy violations and no request to any host but 127.0.0.1.
The browser is never downloaded (`playwright install` is not used): Chromium comes from the system,
and its absence fails these tests rather than skipping them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.conftest import LiveServer

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # reported by the `browser` fixture as a failure, not a skip
    sync_playwright = None  # type: ignore[assignment]

CHROMIUM = os.environ.get("KGPUB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CO_KIRUNA = "/id/project/co-kiruna"
CO_KIRUNA_FUNDERS_SV = {"Kiruna kommun", "Region Norrbotten", "Sparbanken Nord"}
CO_KIRUNA_FUNDERS_EN = {"Kiruna Municipality", "Region Norrbotten", "Sparbanken Nord"}
# The funders of c/o Kiruna by their Swedish names (data/projects.ttl: schema:funder, three of them).
FUNDERS_QUERY = """PREFIX schema: <http://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name WHERE {
  <https://data.kiruna.se/id/project/co-kiruna> schema:funder/rdfs:label ?name .
  FILTER(LANG(?name) = "sv")
} ORDER BY ?name"""


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when Playwright and Chromium are both present."""
    if sync_playwright is None:
        return "Playwright for Python is missing: pip install -e '.[test]' (do not run `playwright install`)."
    if not Path(CHROMIUM).is_file():
        return (
            f"Chromium is missing ({CHROMIUM}): the browser tests need it. "
            "Install it with `apt-get install chromium` or set KGPUB_CHROMIUM to its path."
        )
    return None


def test_browser_is_installed() -> None:
    """Playwright and the system's Chromium are present (their absence fails, never skips, these tests)."""
    problem = missing()
    assert problem is None, problem


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system, launched once for this module."""
    problem = missing()
    if problem:
        pytest.fail(problem)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A page in its own browser context, with what it logged and fetched."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"

    def assert_clean(self) -> None:
        """No console errors, no CSP violations, no uncaught exceptions, nothing fetched from elsewhere."""
        assert not self.errors, "the browser reported:\n" + "\n".join(self.errors)
        foreign = [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"
        ]
        assert not foreign, f"requests to other hosts: {foreign}"
        assert self.requests, "no request was recorded at all"


@pytest.fixture
def tab(browser: Any, live_server: LiveServer) -> Iterator[Tab]:
    """A fresh Swedish-speaking browser tab on the live server, recording errors and requests."""
    context = browser.new_context(
        locale="sv-SE", viewport={"width": 1100, "height": 800}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    tab = Tab(page, live_server.url)

    def on_console(message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            location = message.location.get("url", "") if message.location else ""
            tab.errors.append(f"console {message.type}: {message.text} ({location})")

    context.on("request", lambda request: tab.requests.append(request.url))
    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))
    yield tab
    context.close()


def entity_names(tab: Tab) -> set[str]:
    """The link texts in the facts table of the entity page shown."""
    return set(tab.page.locator("table.facts a").all_text_contents())


def test_home_to_projects_to_a_project(tab: Tab) -> None:
    """From the home page, the projects list leads to c/o Kiruna with its name, funders and period."""
    page = tab.page
    tab.open("/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#count-projects")).to_have_text("7")
    page.locator("#link-projects").click()
    page.wait_for_url("**/projects?lang=sv")
    expect(page.locator("h1")).to_have_text("Projekt och samarbeten")
    expect(page.locator("ul.entities li")).to_have_count(7)
    page.get_by_role("link", name="c/o Kiruna", exact=True).click()
    page.wait_for_url(f"**{CO_KIRUNA}?lang=sv")
    expect(page.locator("#entity-name")).to_have_text("c/o Kiruna")
    expect(page).to_have_title("c/o Kiruna")
    expect(page.locator("#period")).to_have_text("Period: 2018–2020")
    funders = page.locator("table.facts tr").filter(has=page.locator("th", has_text="finansiär"))
    expect(funders).to_have_count(1)
    assert set(funders.locator("td a").all_text_contents()) == CO_KIRUNA_FUNDERS_SV
    funder_link = funders.get_by_role("link", name="Sparbanken Nord")
    expect(funder_link).to_have_attribute("href", "/id/organisation/sparbanken-nord?lang=sv")
    tab.assert_clean()


def test_embedded_jsonld_names_the_project(tab: Tab) -> None:
    """The page's schema.org JSON-LD parses and describes c/o Kiruna, its funders and period."""
    tab.open(CO_KIRUNA)
    doc = json.loads(tab.page.locator("script#schema-jsonld").text_content() or "")
    assert doc["@context"] == "https://schema.org"
    assert doc["@id"] == "https://data.kiruna.se/id/project/co-kiruna"
    assert "Project" in ([doc["@type"]] if isinstance(doc["@type"], str) else doc["@type"])
    names = doc["name"] if isinstance(doc["name"], list) else [doc["name"]]
    assert {n["@value"] if isinstance(n, dict) else n for n in names} == {"c/o Kiruna"}
    assert {f["@id"].rsplit("/", 1)[-1] for f in doc["funder"]} == {
        "kiruna-kommun",
        "region-norrbotten",
        "sparbanken-nord",
    }
    assert (doc["startDate"], doc["endDate"]) == ("2018", "2020")
    tab.assert_clean()


def test_language_switch(tab: Tab) -> None:
    """The switch link turns the entity page into English and back into Swedish."""
    page = tab.page
    tab.open(CO_KIRUNA)
    switch = page.locator("#lang-switch")
    expect(switch).to_have_text("English")
    expect(page.locator("h2").first).to_have_text("Uppgifter")
    assert entity_names(tab) >= CO_KIRUNA_FUNDERS_SV
    switch.click()
    page.wait_for_url(f"**{CO_KIRUNA}?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h2").first).to_have_text("Facts")
    expect(page.locator("p.description")).to_contain_text("Project born out of the challenges")
    expect(page.locator("nav a").first).to_have_text("Home")
    assert entity_names(tab) >= CO_KIRUNA_FUNDERS_EN
    expect(switch).to_have_text("Svenska")
    switch.click()
    page.wait_for_url(f"**{CO_KIRUNA}?lang=sv")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("p.description")).to_contain_text("Projekt som föddes ur utmaningarna")
    assert entity_names(tab) >= CO_KIRUNA_FUNDERS_SV
    tab.assert_clean()


def test_query_page_runs_an_example(tab: Tab) -> None:
    """Choosing the all-projects example and running it fills the table with the 7 projects."""
    page = tab.page
    tab.open("/sparql")
    page.select_option("#example", label="Alla projekt och samarbeten med period, finansiärer och utförare")
    expect(page.locator("#query")).to_have_value(re.compile("GROUP_CONCAT"))
    page.locator("#run").click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(7)
    expect(page.locator("#status")).to_have_text("7 rader")
    headers = page.locator("#results thead th").all_text_contents()
    assert headers == ["project", "name", "start", "end", "funders", "operators"]
    co = rows.filter(has_text="c/o Kiruna")
    expect(co).to_have_count(1)
    cells = co.locator("td").all_text_contents()
    assert cells[2:4] == ["2018", "2020"]
    assert set(cells[4].split("; ")) == CO_KIRUNA_FUNDERS_SV
    expect(co.locator("td a").first).to_have_attribute("href", CO_KIRUNA)
    tab.assert_clean()


def test_query_page_runs_a_typed_query_and_downloads_csv(tab: Tab) -> None:
    """A typed query gives exactly the three funders of c/o Kiruna, and the CSV link downloads the same."""
    page = tab.page
    tab.open("/sparql")
    page.locator("#query").fill(FUNDERS_QUERY)
    page.locator("#run").click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(3)
    assert rows.all_text_contents() == sorted(CO_KIRUNA_FUNDERS_SV)
    expect(page.locator("#status")).to_have_text("3 rader")
    with page.expect_download() as download_info:
        page.locator("#download-csv").click()
    download = download_info.value
    table = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert table == [["name"], *([n] for n in sorted(CO_KIRUNA_FUNDERS_SV))]
    tab.assert_clean()


def test_query_page_shows_a_graph(tab: Tab) -> None:
    """A CONSTRUCT query from the query page shows its graph as Turtle instead of a table."""
    page = tab.page
    tab.open("/sparql")
    page.locator("#query").fill(
        "PREFIX schema: <http://schema.org/>\n"
        "CONSTRUCT { ?p schema:name ?n } WHERE {\n"
        '  BIND(<https://data.kiruna.se/id/project/co-kiruna> AS ?p) ?p schema:name ?n FILTER(LANG(?n) = "sv") }'
    )
    page.locator("#run").click()
    graph = page.locator("#graph")
    expect(graph).to_be_visible()
    expect(graph).to_contain_text('"c/o Kiruna"@sv')
    expect(page.locator("#results tr")).to_have_count(0)
    expect(page.locator("#status")).not_to_have_class("error")
    tab.assert_clean()


def test_query_page_shows_a_syntax_error(tab: Tab) -> None:
    """A broken query shows the server's 400 message in the status line, and the page stays usable."""
    page = tab.page
    tab.open("/sparql")
    page.locator("#query").fill("SELECT WHERE {")
    page.locator("#run").click()
    status = page.locator("#status")
    expect(status).to_have_class("error")
    expect(status).to_contain_text("400: Syntax error")
    expect(page.locator("#results tr")).to_have_count(0)
    expect(page.locator("#run")).to_be_enabled()
    # The failed fetch is the one thing Chromium logs; anything more is an error of the page.
    assert len(tab.errors) == 1 and "status of 400" in tab.errors[0], tab.errors
    tab.errors.clear()
    page.locator("#query").fill(FUNDERS_QUERY)
    page.locator("#run").click()
    expect(page.locator("#results tbody tr")).to_have_count(3)
    expect(status).not_to_have_class("error")
    tab.assert_clean()


def test_canned_query_with_a_parameter(tab: Tab) -> None:
    """The projects-active-in-year page, run for 2019, lists Kirunabo and c/o Kiruna, also after switching language."""
    page = tab.page
    tab.open("/queries/projects-active-in-year")
    year = page.get_by_label("year")
    expect(year).to_have_value("2018")
    year.fill("2019")
    page.locator("#run").click()
    page.wait_for_url("**/queries/projects-active-in-year?*run=1*")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    names = [row.locator("td").nth(1).text_content() for row in rows.all()]
    assert sorted(names) == ["Kirunabo", "c/o Kiruna"]
    page.locator("#lang-switch").click()
    page.wait_for_url("**lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("year")).to_have_value("2019")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    tab.assert_clean()


def test_every_page_is_clean(tab: Tab) -> None:
    """Every page of the menu, a list and a few entities load without errors, CSP violations or foreign requests."""
    page = tab.page
    tab.open("/")
    menu = page.locator("nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(menu) == 8
    for path in [
        *menu,
        "/organisations?page=1",
        "/id/organisation/sparbanken-nord",
        "/id/place/kiruna",
        "/queries/search-by-name?run=1&term=tornedal&lang=en",
    ]:
        tab.open(path)
        expect(page.locator("h1")).not_to_be_empty()
    tab.assert_clean()


def test_csp_violations_are_caught(tab: Tab) -> None:
    """The recorder sees a CSP violation: an inline script injected into a page is refused and reported."""
    page = tab.page
    tab.open(CO_KIRUNA)
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.inlineRan") is None
    assert any("Content Security Policy" in e for e in tab.errors), tab.errors


@pytest.mark.parametrize("width", [390, 1100])
def test_pages_fit_the_screen(tab: Tab, tmp_path_factory: pytest.TempPathFactory, width: int) -> None:
    """The entity and query pages fit a phone's and a desktop's width; screenshots are kept for looking at."""
    page = tab.page
    page.set_viewport_size({"width": width, "height": 844})
    folder = Path(os.environ.get("KGPUB_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    tab.open(CO_KIRUNA)
    page.screenshot(path=str(folder / f"entity-{width}.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    tab.open("/sparql")
    page.select_option("#example", index=1)
    page.locator("#run").click()
    expect(page.locator("#results tbody tr").first).to_be_visible()
    page.screenshot(path=str(folder / f"sparql-{width}.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    tab.assert_clean()
