"""The embedded store's index look-ups describe a resource exactly as the CONSTRUCT sent to remote stores."""

from __future__ import annotations

import pyoxigraph as ox

from kgpub.publish import BuildResult
from kgpub.serve.describe import describe_query, describe_triples


def _store(build: BuildResult) -> ox.Store:
    store = ox.Store()
    for name, graph in (("kiruna.nt", "urn:x-test:data"), ("ontology.nt", "urn:x-test:ontology")):
        store.bulk_load(
            path=str(build.out / name), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph)
        )
    return store


def test_lookups_equal_the_construct_for_every_subject_and_object(kiruna_build: BuildResult) -> None:
    store = _store(kiruna_build)
    iris = sorted(
        {q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)}
        | {q.object.value for q in store if isinstance(q.object, ox.NamedNode)}
    )
    assert len(iris) > 150
    for iri in iris:
        constructed = set(store.query(describe_query(iri), use_default_graph_as_union=True))
        assert set(describe_triples(store, iri)) == constructed, iri


def test_a_description_has_incoming_links_and_labels_of_what_it_mentions(kiruna_build: BuildResult) -> None:
    store = _store(kiruna_build)
    kommun = "https://data.kiruna.se/id/organisation/kiruna-kommun"
    triples = describe_triples(store, kommun)
    incoming = [t for t in triples if isinstance(t.object, ox.NamedNode) and t.object.value == kommun]
    assert incoming, "the municipality is the object of other entities' statements"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    labelled = {t.subject.value for t in triples if t.predicate.value == label}
    for t in incoming:
        assert t.subject.value in labelled  # whoever links here is named on the page


def test_an_unknown_iri_has_an_empty_description(kiruna_build: BuildResult) -> None:
    assert describe_triples(_store(kiruna_build), "https://data.kiruna.se/id/project/nothing-here") == []
