"""The Reconciliation API at /reconcile, driven by a client that speaks the protocol as OpenRefine does,
every answer validated against the W3C Reconciliation API 0.2 JSON schemas."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from tests.conftest import LiveServer

ORG = "organisation/"


@pytest.fixture(scope="module")
def schemas(shared: Callable[[str], Path]) -> Callable[[str], Draft7Validator]:
    """A Draft 7 validator for each 0.2 schema, with every schema registered under its $id."""
    folder = shared("standards/reconciliation/0.2/schemas")
    documents = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}
    registry: Registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT7)) for doc in documents.values()
    )

    def validator(name: str) -> Draft7Validator:
        return Draft7Validator(documents[name], registry=registry)

    return validator


def check(schemas: Callable[[str], Draft7Validator], name: str, document: Any) -> Any:
    errors = sorted(schemas(name).iter_errors(document), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return document


class OpenRefine:
    """What OpenRefine does with a reconciliation service: read the manifest, then follow its URLs."""

    def __init__(self, url: str, schemas: Callable[[str], Draft7Validator]) -> None:
        self.url = url
        self.schemas = schemas
        self.http = httpx.Client(headers={"User-Agent": "OpenRefine/3.8.7 (kgpub tests)"}, timeout=10)
        self.manifest = check(schemas, "manifest", self.http.get(url).raise_for_status().json())

    def reconcile(self, queries: dict[str, dict[str, Any]], batch: int = 10) -> dict[str, Any]:
        """Queries in batches of ``batch``, POSTed as the form field ``queries``, like OpenRefine."""
        results: dict[str, Any] = {}
        keys = list(queries)
        for start in range(0, len(keys), batch):
            chunk = {k: queries[k] for k in keys[start : start + batch]}
            check(self.schemas, "reconciliation-query-batch", chunk)
            response = self.http.post(self.url, data={"queries": json.dumps(chunk)})
            results.update(
                check(self.schemas, "reconciliation-result-batch", response.raise_for_status().json())
            )
        return results

    def service(self, what: str) -> str:
        entry = self.manifest["suggest"][what]
        return str(entry["service_url"] + entry["service_path"])

    def suggest(self, what: str, prefix: str, **params: str) -> list[dict[str, Any]]:
        response = self.http.get(self.service(what), params={"prefix": prefix, **params})
        schema = {"entity": "entities", "type": "types", "property": "properties"}[what]
        return check(self.schemas, f"suggest-{schema}-response", response.raise_for_status().json())["result"]  # type: ignore[no-any-return]

    def preview(self, entity: str) -> httpx.Response:
        url = self.manifest["preview"]["url"].replace("{{id}}", urllib.parse.quote(entity, safe=""))
        return self.http.get(url)

    def propose(self, type_id: str) -> dict[str, Any]:
        entry = self.manifest["extend"]["propose_properties"]
        response = self.http.get(
            entry["service_url"] + entry["service_path"], params={"type": type_id, "limit": 20}
        )
        return check(self.schemas, "data-extension-property-proposal", response.raise_for_status().json())  # type: ignore[no-any-return]

    def extend(self, ids: list[str], properties: list[dict[str, Any]]) -> dict[str, Any]:
        query = check(self.schemas, "data-extension-query", {"ids": ids, "properties": properties})
        response = self.http.post(self.url, data={"extend": json.dumps(query)})
        return check(self.schemas, "data-extension-response", response.raise_for_status().json())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def refine(live_server: LiveServer, schemas: Callable[[str], Draft7Validator]) -> Iterator[OpenRefine]:
    client = OpenRefine(live_server.url + "/reconcile/en", schemas)
    yield client
    client.http.close()


def test_schemas_are_set_up_right(
    shared: Callable[[str], Path], schemas: Callable[[str], Draft7Validator]
) -> None:
    """The validators accept the upstream valid examples and reject the invalid ones (the spec's test bench)."""
    examples = shared("standards/reconciliation/0.2/examples")
    names = {
        "manifest",
        "reconciliation-query-batch",
        "reconciliation-result-batch",
        "data-extension-response",
    }
    checked = 0
    for name in names:
        for path in sorted((examples / name).glob("*/*.json")):
            valid = path.parent.name == "valid"
            document = json.loads(path.read_text(encoding="utf-8"))
            assert schemas(name).is_valid(document) is valid, path
            checked += 1
    assert checked > 20


def test_manifest(refine: OpenRefine, live_server: LiveServer) -> None:
    """The manifest is valid 0.2, names the identifier and schema spaces, and offers every feature."""
    m = refine.manifest
    assert m["versions"] == ["0.2"]
    assert m["identifierSpace"] == "https://data.kiruna.se/id/"
    assert m["schemaSpace"] == "https://w3id.org/kgpub/def#"
    assert m["view"]["url"] == live_server.url + "/id/{{id}}"
    assert {t["id"] for t in m["defaultTypes"]} == {"Organisation", "Place", "Project"}
    assert set(m["suggest"]) == {"entity", "type", "property"} and "extend" in m and "preview" in m
    swedish = httpx.get(live_server.url + "/reconcile").json()
    assert swedish["defaultTypes"][0]["name"] == "organisation" and "(kgpub, sv)" in swedish["name"]


def test_spreadsheet_of_organisations_and_places(refine: OpenRefine) -> None:
    """A spreadsheet's names (as people write them) find Kiruna's identifiers; clear ones are matches."""
    sheet = {
        "Kiruna kommun": ("Municipality", ORG + "kiruna-kommun", True),
        "Pajala": ("Municipality", ORG + "pajala-kommun", True),
        "Luleå University of Technology": ("Organisation", ORG + "lulea-tekniska-universitet", True),
        "Filmpool Nord": ("Organisation", ORG + "filmpool-nord", True),
        "LTU-Business": ("Organisation", ORG + "ltu-business", True),
        "Norrbotten": ("Place", "place/norrbottens-lan", True),
        "Kiruna": ("Town", "place/kiruna", True),
        "Vinnova": (None, ORG + "vinnova", True),
        "Sparbanken Nord AB": ("Bank", ORG + "sparbanken-nord", True),
        "Torne valley": ("Place", "place/tornedalen", True),
        "Tornedalsradet": ("Organisation", ORG + "tornedalsradet", False),
    }
    queries: dict[str, dict[str, Any]] = {}
    for number, (name, (kind, _, _)) in enumerate(sheet.items()):
        queries[f"q{number}"] = {"query": name, "limit": 3, **({"type": kind} if kind else {})}
    results = refine.reconcile(queries, batch=4)
    for number, (name, (_, expected, match)) in enumerate(sheet.items()):
        candidates = results[f"q{number}"]["result"]
        assert candidates and candidates[0]["id"] == expected, (name, candidates)
        assert candidates[0]["match"] is match, (name, candidates[0])
        assert candidates[0]["features"][0]["id"] == "name"
    assert results["q0"]["result"][0]["type"] == [{"id": "Municipality", "name": "municipality"}]


def test_type_and_property_filters(refine: OpenRefine) -> None:
    """A type narrows the candidates; a property value (a place, by name or id) lifts the right one."""
    results = refine.reconcile(
        {
            "town": {"query": "Kiruna", "type": "Town"},
            "kommun": {"query": "Kiruna", "type": "Municipality"},
            "both": {"query": "Kiruna", "type": ["Town", "Municipality"], "type_strict": "all"},
            "in-county": {
                "query": "Kiruna",
                "properties": [{"pid": "containedInPlace", "v": "Norrbottens län"}],
            },
            "in-kommun": {
                "query": "Kiruna",
                "properties": [{"pid": "containedInPlace", "v": {"id": ORG + "kiruna-kommun"}}],
            },
            "by-wikidata": {"query": "Kiruna", "properties": [{"pid": "wikidata", "v": "Q499474"}]},
            "only-properties": {"properties": [{"pid": "wikidata", "v": "Q83232"}]},
            "no-such-type": {"query": "Kiruna", "type": "Spaceship"},
        }
    )
    assert [c["id"] for c in results["town"]["result"]] == ["place/kiruna"]
    assert [c["id"] for c in results["kommun"]["result"]] == [ORG + "kiruna-kommun"]
    assert results["both"]["result"] == []
    assert results["in-county"]["result"][0]["id"] == ORG + "kiruna-kommun"
    assert results["in-kommun"]["result"][0]["id"] == "place/kiruna"
    assert results["by-wikidata"]["result"][0]["id"] == ORG + "kiruna-kommun"
    assert {"id": "property_wikidata", "value": 1.0} in results["by-wikidata"]["result"][0]["features"]
    assert [c["id"] for c in results["only-properties"]["result"]] == ["place/kiruna"]
    assert results["no-such-type"]["result"] == []


def test_preview(refine: OpenRefine) -> None:
    """The preview is a small HTML page OpenRefine can show in a frame, with the name and the kind."""
    response = refine.preview(ORG + "kiruna-kommun")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert (
        "Kiruna Municipality" in response.text
        and "municipality" in response.text
        and "Q499474" in response.text
    )
    assert "x-frame-options" not in response.headers and "script" not in response.text
    assert refine.preview("place/nowhere").status_code == 404


def test_suggest(refine: OpenRefine) -> None:
    """Entity, type and property suggest complete a prefix, in the service's language."""
    entities = refine.suggest("entity", "kir")
    assert {e["id"] for e in entities} >= {"place/kiruna", ORG + "kiruna-kommun", "project/kirunabo"}
    assert [e["id"] for e in refine.suggest("entity", "kir", type="Municipality")] == [ORG + "kiruna-kommun"]
    assert {e["id"] for e in refine.suggest("entity", "nord")} >= {
        ORG + "filmpool-nord",
        ORG + "sparbanken-nord",
    }
    assert refine.suggest("entity", "norrbotten c")[0]["id"] == "place/norrbottens-lan"
    assert {"id": "Municipality", "name": "municipality"} in refine.suggest("type", "muni")
    assert [p["id"] for p in refine.suggest("property", "wiki")] == ["wikidata"]


def test_data_extension(refine: OpenRefine) -> None:
    """Data extension gives the Wikidata item, the kind, the containing places and dates of entities."""
    proposal = refine.propose("Organisation")
    assert {"wikidata", "type", "containedInPlace", "foundingDate"} <= {
        p["id"] for p in proposal["properties"]
    }
    answer = refine.extend(
        [ORG + "kiruna-kommun", ORG + "filmpool-nord", "place/nowhere"],
        [
            {"id": "wikidata"},
            {"id": "type"},
            {"id": "containedInPlace", "settings": {"limit": 1}},
            {"id": "foundingDate"},
        ],
    )
    rows = answer["rows"]
    assert rows[ORG + "kiruna-kommun"]["wikidata"] == [{"str": "Q499474"}]
    assert rows[ORG + "kiruna-kommun"]["type"] == [{"id": "Municipality", "name": "municipality"}]
    assert rows[ORG + "kiruna-kommun"]["containedInPlace"] == [
        {"id": "place/norrbottens-lan", "name": "Norrbotten County"}
    ]
    assert rows[ORG + "filmpool-nord"]["foundingDate"] == [{"str": "1992"}]
    assert rows["place/nowhere"] == {"wikidata": [], "type": [], "containedInPlace": [], "foundingDate": []}
    assert answer["meta"][2] == {
        "id": "containedInPlace",
        "name": "contained in",
        "type": {"id": "Place", "name": "place"},
    }


def test_get_and_jsonp(live_server: LiveServer, schemas: Callable[[str], Draft7Validator]) -> None:
    """Queries also work by GET, and an old client's JSONP callback is honoured."""
    url = live_server.url + "/reconcile/en"
    answer = httpx.get(url, params={"queries": json.dumps({"q0": {"query": "Vinnova"}})}).json()
    check(schemas, "reconciliation-result-batch", answer)
    assert answer["q0"]["result"][0]["id"] == ORG + "vinnova"
    response = httpx.get(url, params={"callback": "jQuery123_456"})
    assert response.text.startswith("/**/jQuery123_456({") and response.text.endswith(");")
    assert response.headers["content-type"].startswith("application/javascript")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"queries": "{not json"}, "not valid JSON"),
        ({"queries": "[1, 2]"}, "must be a JSON object"),
        ({"queries": json.dumps({"q0": {"type": "Place"}})}, "needs a query string or properties"),
        ({"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(101)})}, "at most 100 queries"),
        ({"extend": json.dumps({"ids": ["x"], "properties": [{"id": "shoeSize"}]})}, "unknown property"),
    ],
    ids=["bad JSON", "not an object", "empty query", "too many", "unknown property"],
)
def test_bad_requests(live_server: LiveServer, data: dict[str, str], message: str) -> None:
    """Malformed requests get 400 with a JSON error that says what is wrong."""
    response = httpx.post(live_server.url + "/reconcile", data=data)
    assert response.status_code == 400
    assert message in response.json()["error"]
