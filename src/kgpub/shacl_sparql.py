"""SHACL shapes compiled into SPARQL queries, run on a pyoxigraph store.

pySHACL checks one focus node at a time in Python over an rdflib graph: about 150 s and 1.3 GB at a
million triples. Here every constraint of a shape becomes one SPARQL SELECT that returns all its
violations at once (focus node, path, value), evaluated by Oxigraph. pySHACL stays the reference:
the results are meant to be exactly pySHACL's (``tests/test_shacl_sparql.py`` compares them on the
Kiruna data, on every shape's fixtures and on the bad-input corpus), and a top-level shape that uses
a feature not compiled here (:class:`Unsupported`) is left to pySHACL by the caller.

What is reproduced of pySHACL's way of validating (``inference="none"``, an ontology graph):

- The data graph is the data plus the part of the ontology that pySHACL's ``inoculate`` copies in
  (RDFS and OWL axioms, labels, ``rdfs:subClassOf``), so class targets and ``sh:class`` follow
  ``rdf:type/rdfs:subClassOf*`` exactly as pySHACL's do.
- Literals keep rdflib's lexical form. Oxigraph's store canonicalises typed literals
  (``"+5"^^xsd:nonNegativeInteger`` becomes ``"5"^^xsd:integer``), so a typed literal is stored
  under a stand-in datatype, ``urn:kgpub:lexical:<datatype>`` (or ``urn:kgpub:ill-typed:<datatype>``
  when rdflib finds its lexical form invalid), with rdflib's normalised lexical form: values,
  patterns and ``sh:datatype`` then see what pySHACL sees. :func:`to_rdflib` undoes it.
- Messages are the shape's ``sh:message`` values; severity its ``sh:severity``.

Supported: targets ``sh:targetClass``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``,
``sh:targetNode`` and SPARQL targets (``sh:target [a sh:SPARQLTarget]``); node shapes with property
shapes (``sh:property``) whose path is one IRI; the core components ``sh:nodeKind``, ``sh:datatype``,
``sh:class``, ``sh:pattern`` (without ``sh:flags``), ``sh:languageIn``, ``sh:uniqueLang``,
``sh:minCount``, ``sh:maxCount``, ``sh:minInclusive`` and the other three range components,
``sh:disjoint``, ``sh:or`` and ``sh:qualifiedValueShape`` (with min and max counts, not disjoint)
over helper shapes made of value constraints; and SPARQL-based constraint components with SELECT
validators that carry no messages of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kgpub.vocab import RDF, RDFS, SH, STANDARD_PREFIXES, XSD

XSD_STRING = str(XSD.string)
WELL_TYPED = "urn:kgpub:lexical:"
ILL_TYPED = "urn:kgpub:ill-typed:"
ONTOLOGY_GRAPH = ox.NamedNode("urn:kgpub:ontology")
_TYPE = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
FOCUS = "%FOCUS%"  # where a check's query takes its focus nodes


class Unsupported(Exception):
    """A shape uses a SHACL feature that is not compiled (pySHACL must run it)."""


# -- terms ----------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _typed(lexical: str, datatype: str) -> tuple[str, bool]:
    """rdflib's lexical form of a typed literal, and whether pySHACL's sh:datatype accepts it."""
    import logging

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # rdflib logs a traceback for every ill-typed literal
    try:
        lit = Literal(lexical, datatype=URIRef(datatype))
    finally:
        logger.setLevel(level)
    return str(lit), lit.ill_typed is not True and _actual_datatype(lit.value, datatype)


def _actual_datatype(value: Any, datatype: str) -> bool:
    """pySHACL's check that rdflib's Python value has the datatype's type (DatatypeConstraintComponent)."""
    import datetime as dt
    from decimal import Decimal

    local = datatype[len(str(XSD)) :] if datatype.startswith(str(XSD)) else None
    expected: dict[str | None, type | tuple[type, ...]] = {
        "string": (str, bytes),
        "integer": int,
        "float": float,
        "decimal": Decimal,
        "boolean": bool,
        "date": dt.date,
        "time": dt.time,
        "dateTime": dt.datetime,
    }
    kind = expected.get(local)
    return kind is None or isinstance(value, kind)


def store_literal(value: str, datatype: str | None, language: str | None) -> ox.Literal:
    """A literal as it is kept in the store (typed literals under a stand-in datatype)."""
    if language:
        return ox.Literal(value, language=language)
    if datatype is None or datatype == XSD_STRING:
        return ox.Literal(value)
    lexical, ok = _typed(value, datatype)
    return ox.Literal(lexical, datatype=ox.NamedNode((WELL_TYPED if ok else ILL_TYPED) + datatype))


def from_rdflib(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a store term."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(_bnode_id(str(node)))
    if isinstance(node, Literal):
        return store_literal(str(node), str(node.datatype) if node.datatype else None, node.language)
    raise TypeError(f"unsupported term {node!r}")


def _bnode_id(label: str) -> str:
    return label if re.fullmatch(r"[A-Za-z0-9_]+", label) else "x" + label.encode().hex()


def from_ox(term: Any, bnode_prefix: str = "") -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A parsed pyoxigraph term as a store term."""
    if isinstance(term, ox.NamedNode):
        return term
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(bnode_prefix + term.value)
    if isinstance(term, ox.Literal):
        return store_literal(term.value, term.datatype.value, term.language)
    raise TypeError(f"unsupported term {term!r}")


def to_rdflib(term: Any) -> Node:
    """A store term as the rdflib term kgpub's loader would have made."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        for prefix in (WELL_TYPED, ILL_TYPED):
            if datatype.startswith(prefix):
                return Literal(term.value, datatype=URIRef(datatype[len(prefix) :]))
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def _sparql(node: Node) -> str:
    """A shapes-graph term written in SPARQL (literals with their stand-in datatype)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return str(from_rdflib(node))
    raise Unsupported(f"a blank node ({node}) where a constant is needed")


def _string(text: str) -> str:
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    )


def inoculated_ontology(ontology: Graph) -> Graph:
    """The part of the ontology pySHACL copies into the data graph before validating."""
    from pyshacl.rdfutil.inoculate import inoculate

    target: Any = Graph(bind_namespaces="none")
    return inoculate(target, ontology)


# -- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One validation result, in rdflib terms (as in pySHACL's report graph)."""

    focus: Node
    path: Node | None
    value: Node | None
    component: URIRef
    shape: Node
    severity: URIRef
    messages: tuple[Literal, ...]
    #: The top-level shape (with targets) whose check found it.
    unit: Node = field(default=URIRef(""), compare=False)

    def key(self) -> tuple[Any, ...]:
        return (self.focus, self.path, self.value, self.component, self.shape, self.severity)


# -- compiled checks ------------------------------------------------------------------------------


@dataclass
class Check:
    """One query of one constraint of one shape."""

    unit: Node
    shape: Node
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]
    path: URIRef | None
    query: str
    #: For qualified value shapes: (min, max); the query returns ?this and the count ?kgc.
    counts: tuple[int | None, int | None] | None = None
    #: False for SPARQL targets and SPARQL-based constraints: what they read is not known from the
    #: shape, but from their queries (:attr:`sparql`, :func:`sparql_reach`).
    local: bool = True
    #: For a node shape's SPARQL-based component without ?value: the value is the focus node.
    value_is_focus: bool = False
    #: What the check and its shape's target read besides the focus node's own statements, as far as
    #: the shape tells (the core components); :attr:`sparql` adds what its SPARQL queries read.
    reach: Reach = field(default_factory=lambda: Reach())
    #: The SPARQL texts (target and validator, parameters filled in) whose reads :func:`sparql_reach`
    #: finds, each with whether ?value is the focus node.
    sparql: tuple[tuple[str, bool], ...] = ()


@dataclass
class Compiled:
    """The shapes, compiled: checks to run, and the top-level shapes left to pySHACL."""

    checks: list[Check]
    fallback: dict[Node, str]  # top-level shape -> why it is not compiled
    prefixes: dict[str, str]
    focus_patterns: dict[Node, str]
    #: The properties of sh:targetObjectsOf (their statements about a node make it a focus node).
    inverse_predicates: list[ox.NamedNode] = field(default_factory=list)
    _reach: Reach | None = field(default=None, repr=False)
    _check_reaches: dict[int, Reach] = field(default_factory=dict, repr=False)

    def reach(self) -> Reach:
        """What all the checks and targets read besides a focus node's own statements."""
        if self._reach is None:
            total = Reach()
            for check in self.checks:
                total |= self.check_reach(check)
            self._reach = total
        return self._reach

    def check_reach(self, check: Check) -> Reach:
        """What one check and its shape's target read besides a focus node's own statements."""
        found = self._check_reaches.get(id(check))
        if found is None:
            prefixes = tuple(sorted(self.prefixes.items()))
            found = check.reach
            for text, value_is_focus in check.sparql:
                found |= sparql_reach(text, prefixes, value_is_focus)
            self._check_reaches[id(check)] = found
        return found

    def reaches_to_json(self) -> list[dict[str, list[Any]]]:
        """Each check's reach, in check order: analysing SPARQL with rdflib takes a while, and the
        answer only changes with the shapes and this code (see kgpub.shacl_store's context)."""
        return [self.check_reach(check).to_json() for check in self.checks]

    def reaches_from_json(self, data: Any) -> None:
        if isinstance(data, list) and len(data) == len(self.checks):
            try:
                found = {id(c): Reach.from_json(r) for c, r in zip(self.checks, data, strict=True)}
            except (KeyError, TypeError, ValueError):  # not what reaches_to_json wrote: work them out
                return
            self._check_reaches, self._reach = found, None


# -- what a check reads ---------------------------------------------------------------------------

ANY = None  # in a Reach: every predicate (or every node)
_RDF_TYPE = str(RDF.type)
_SUBCLASS = str(RDFS.subClassOf)


@dataclass(frozen=True)
class Reach:
    """What a check reads of the graph besides its focus node's own statements (``ANY``: all).

    Whatever a check reads of its focus node's own statements, a change to them re-checks the node.
    Beyond those:

    - ``neighbours``: pairs (p, q): the statements with predicate q of the nodes the focus node
      points at with predicate p (``sh:class`` on the path p reads the values' ``rdf:type``);
    - ``predicates``: the statements with these predicates about the properties the focus node
      uses (a query checking that each property is declared reads their ``rdf:type``);
    - ``incoming``: the statements with these predicates that point at the focus node
      (``sh:targetObjectsOf``);
    - ``anywhere``: pairs (s, p): the statements with predicate p of the node s, whatever node it is
      (``ANY`` for s): what lies further away than one statement, such as the ``rdfs:subClassOf``
      chain of a value's type. ``(ANY, ANY)`` is everything: no change can be followed.
    """

    neighbours: frozenset[tuple[str | None, str | None]] = frozenset()
    predicates: frozenset[str | None] = frozenset()
    incoming: frozenset[str | None] = frozenset()
    anywhere: frozenset[tuple[str | None, str | None]] = frozenset()

    def __or__(self, other: Reach) -> Reach:
        return Reach(
            self.neighbours | other.neighbours,
            self.predicates | other.predicates,
            self.incoming | other.incoming,
            self.anywhere | other.anywhere,
        )

    @property
    def unbounded(self) -> bool:
        return (ANY, ANY) in self.anywhere

    def to_json(self) -> dict[str, list[Any]]:
        return {
            "neighbours": sorted(map(list, self.neighbours), key=str),
            "predicates": sorted(self.predicates, key=str),
            "incoming": sorted(self.incoming, key=str),
            "anywhere": sorted(map(list, self.anywhere), key=str),
        }

    @staticmethod
    def from_json(data: dict[str, list[Any]]) -> Reach:
        return Reach(
            frozenset((a, b) for a, b in data["neighbours"]),
            frozenset(data["predicates"]),
            frozenset(data["incoming"]),
            frozenset((a, b) for a, b in data["anywhere"]),
        )


#: What a query read that cannot be analysed: everything.
EVERYTHING = Reach(anywhere=frozenset({(ANY, ANY)}))
#: The class hierarchy, read by sh:class, sh:targetClass and class tests (rdf:type/rdfs:subClassOf*).
_HIERARCHY = Reach(anywhere=frozenset({(ANY, _SUBCLASS)}))


def _class_reach(path: URIRef | None) -> Reach:
    """``sh:class`` on the values of ``path`` (None: on the focus node itself)."""
    if path is None:
        return _HIERARCHY
    return _HIERARCHY | Reach(neighbours=frozenset({(str(path), _RDF_TYPE)}))


#: Algebra operators whose solutions are solutions of (a join with) their first operand: a pattern
#: reached from the query's root only through these holds in every solution.
_POSITIVE = {
    "SelectQuery": ("p",),
    "Project": ("p",),
    "Distinct": ("p",),
    "Reduced": ("p",),
    "OrderBy": ("p",),
    "ToMultiSet": ("p",),
    "Extend": ("p",),
    "Filter": ("p",),
    "Join": ("p1", "p2"),
    "LeftJoin": ("p1",),
    "Minus": ("p1",),
}

_Pattern = tuple[Any, Any, Any, bool]  # subject, predicate (term, variable or path), object, positive


def _steps(path: Any) -> tuple[set[str | None], set[str | None], bool] | None:
    """A property path's first steps, its later steps, and whether it can be empty (None: unknown)."""
    from rdflib.paths import AlternativePath, MulPath, SequencePath
    from rdflib.term import Variable

    if isinstance(path, URIRef):
        return {str(path)}, set(), False
    if isinstance(path, Variable):
        return {ANY}, set(), False
    if isinstance(path, MulPath):
        inner = _steps(path.path)
        if inner is None:
            return None
        first, later, empty = inner
        if path.mod == "?":
            return first, later, True
        return first, later | first, empty or path.mod == "*"
    if isinstance(path, SequencePath | AlternativePath):
        parts = [_steps(a) for a in path.args]
        if any(part is None for part in parts):
            return None
        first, later = set(), set()
        if isinstance(path, AlternativePath):
            for f, rest, _ in cast(list[tuple[set[str | None], set[str | None], bool]], parts):
                first |= f
                later |= rest
            return first, later, any(cast(tuple[Any, Any, bool], part)[2] for part in parts)
        empty = True
        for f, rest, can_be_empty in cast(list[tuple[set[str | None], set[str | None], bool]], parts):
            (first if empty else later).update(f)
            later |= rest
            empty = empty and can_be_empty
        return first, later, empty
    return None  # inverse and negated paths


def _patterns(algebra: Any) -> tuple[list[_Pattern], dict[str, int], list[tuple[str, set[str]]]] | None:
    """The triple patterns of a query's algebra (with whether each holds in every solution), how often
    each variable occurs, and the variables BIND sets from others. Variables of a sub-select that it
    does not project are renamed: they are not the outer query's. None: something not understood."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    patterns: list[_Pattern] = []
    occurs: dict[str, int] = {}
    aliases: list[tuple[str, set[str]]] = []
    counter = [0]

    def term(node: Any, scope: dict[str, str] | None) -> Any:
        if isinstance(node, Variable):
            name = str(node) if scope is None else scope.setdefault(str(node), f"{node}#{counter[0]}")
            occurs[name] = occurs.get(name, 0) + 1
            return Variable(name)
        return node

    def variables(node: Any, scope: dict[str, str] | None) -> set[str]:
        found: set[str] = set()
        if isinstance(node, Variable):
            found.add(str(term(node, scope)))
        elif isinstance(node, dict):
            for key, value in node.items():
                if not str(key).startswith("_"):
                    found |= variables(value, scope)
        elif isinstance(node, list | tuple):
            for value in node:
                found |= variables(value, scope)
        return found

    def walk(node: Any, scope: dict[str, str] | None, positive: bool, root: bool) -> bool:
        if isinstance(node, list | tuple):
            return all(walk(n, scope, positive, root) for n in node)
        if not isinstance(node, CompValue):
            variables(node, scope)
            return True
        name = node.name
        if name in ("BGP", "TriplesBlock"):
            for group in node.get("triples") or []:
                flat = list(group)
                if len(flat) % 3:
                    return False
                for i in range(0, len(flat), 3):
                    s, p, o = (term(x, scope) for x in flat[i : i + 3])
                    if isinstance(p, CompValue):
                        return False
                    patterns.append((s, p, o, positive))
            return True
        if name in ("ServiceGraphPattern", "Group", "AggregateJoin", "Slice"):
            return False  # LIMIT and OFFSET pick solutions by what the whole graph holds
        if name == "Project" and root:  # the query's own variables, seen by the caller
            variables(node.get("PV") or [], scope)
        if name == "Project" and not root:  # a sub-select: a scope of its own
            inner_scope: dict[str, str] = {}
            counter[0] += 1
            for v in node.get("PV") or []:
                inner_scope[str(v)] = str(term(v, scope))
            return walk(node["p"], inner_scope, positive, False)
        if name == "Extend":
            target = str(term(node["var"], scope))
            aliases.append((target, variables(node["expr"], scope)))
        keep = _POSITIVE.get(name, ())
        for key, value in node.items():
            if str(key).startswith("_") or key in ("PV", "var"):
                continue
            child_root = root and name in ("SelectQuery", "Distinct", "Reduced", "OrderBy")
            if not walk(value, scope, positive and key in keep, child_root):
                return False
        return True

    return (patterns, occurs, aliases) if walk(algebra, None, True, True) else None


@lru_cache(maxsize=256)
def sparql_reach(text: str, prefixes: tuple[tuple[str, str], ...], value_is_focus: bool = False) -> Reach:
    """What a SPARQL target or validator (``$this`` the focus node) reads besides ``$this``'s statements.

    From the query's triple patterns: a variable bound by a statement of ``$this`` is a neighbour
    (its statements are read through that predicate) or, in the predicate's place, a property the
    node uses; a statement pointing at ``$this`` is read as incoming; anything further away (a
    neighbour's neighbour, a node no pattern ties to ``$this``, a constant subject, the later steps
    of a property path) is read ``anywhere``. A pattern ``?a P ?b`` whose ``?a`` (and ``?b``, unless it
    is the same variable) occurs nowhere else, with a pattern ``$this P ?b`` next to it (both in
    every solution), holds whenever that one does and reads nothing more: it is dropped (the
    "collect the properties in use first" sub-selects of the kgpub shapes). A query that cannot be
    parsed or analysed reads everything.
    """
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import Variable

    try:
        algebra = prepareQuery(text, initNs=dict(prefixes)).algebra
    except Exception:  # whatever rdflib cannot read (Oxigraph may): assume the worst
        return EVERYTHING
    found = _patterns(algebra)
    if found is None:
        return EVERYTHING
    patterns, occurs, aliases = found
    focus = {"this", "value"} if value_is_focus else {"this"}

    def once(node: Any) -> bool:
        return isinstance(node, Variable) and str(node) not in focus and occurs.get(str(node), 0) == 1

    def implied(pattern: _Pattern) -> bool:
        s, p, o, positive = pattern
        return (
            positive
            and once(s)
            and any(
                other_positive and str(other_s) in focus and other_p == p and (once(o) or other_o == o)
                for other_s, other_p, other_o, other_positive in patterns
                if other_s is not s
            )
        )

    patterns = [pattern for pattern in patterns if not implied(pattern)]
    # roles: "focus", ("nb", p): reached from the focus node through p, "pred", "far"
    roles: dict[str, set[Any]] = {name: {"focus"} for name in focus}

    def roles_of(node: Any) -> set[Any]:
        if isinstance(node, Variable):
            return roles.get(str(node), set())
        return {"far"}  # a constant subject: statements about a given node

    def give(node: Any, new: set[Any]) -> bool:
        if not isinstance(node, Variable) or not new:
            return False
        have = roles.setdefault(str(node), set())
        if new <= have:
            return False
        have |= new
        return True

    changed = True
    while changed:
        changed = False
        for s, p, o, _ in patterns:
            steps = _steps(p)
            if steps is None:
                return EVERYTHING
            first, _later, empty = steps
            single = isinstance(p, URIRef | Variable)
            subject = roles_of(s)
            if subject:
                out: set[Any] = set()
                for role in subject:
                    if role == "focus" and single:
                        out |= {("nb", step) for step in first}
                    else:
                        out.add("far")
                if empty:
                    out |= subject
                changed |= give(o, out)
                if isinstance(p, Variable):
                    changed |= give(p, {"pred"} if subject == {"focus"} else {"far"})
            elif isinstance(o, Variable) and roles_of(o):  # pointing at a node the query reads: far
                changed |= give(s, {"far"})
        for target, sources in aliases:
            changed |= give(Variable(target), set().union(*(roles.get(v, set()) for v in sources)) or {"far"})

    neighbours: set[tuple[str | None, str | None]] = set()
    predicates: set[str | None] = set()
    incoming: set[str | None] = set()
    anywhere: set[tuple[str | None, str | None]] = set()
    for s, p, o, _ in patterns:
        first, later, _empty = cast(tuple[set[str | None], set[str | None], bool], _steps(p))
        anywhere |= {(ANY, step) for step in later}
        subject = roles_of(s) or {"far"}
        if "focus" in roles_of(o) and "focus" not in subject:
            if isinstance(p, URIRef | Variable):
                incoming |= first
            else:
                anywhere |= {(ANY, step) for step in first}
            continue
        for role in subject:
            if role == "focus":
                continue
            if isinstance(role, tuple):
                neighbours |= {(role[1], step) for step in first}
            elif role == "pred":
                predicates |= first
            else:
                anywhere |= {(ANY, step) for step in first}
    return Reach(frozenset(neighbours), frozenset(predicates), frozenset(incoming), frozenset(anywhere))


_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target}
_DESCRIPTIVE = {SH.name, SH.description, SH.message, SH.severity, SH.order, SH.group, SH.defaultValue}
_VALUE_CONSTRAINTS = {
    SH.nodeKind,
    SH.datatype,
    SH["class"],
    SH.pattern,
    SH.languageIn,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
}
_SHAPE_CONSTRAINTS = _VALUE_CONSTRAINTS | {
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.disjoint,
    SH["or"],
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}
_COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_UNWRAP = (
    "IF(isLiteral({v}) && STRSTARTS(STR(DATATYPE({v})), 'urn:kgpub:'), "
    "STRDT(STR({v}), IRI(REPLACE(STR(DATATYPE({v})), '^urn:kgpub:[a-z-]+:', ''))), {v})"
)
_AGGREGATES = re.compile(r"\b(GROUP\s+BY|COUNT|SUM|AVG|MIN|MAX|SAMPLE|GROUP_CONCAT|SERVICE)\b", re.I)
_SIMPLE_SELECT = re.compile(
    r"^\s*SELECT\s+(?:DISTINCT\s+)?(?P<vars>(?:[?$]\w+\s*)+)WHERE\s*\{(?P<body>.*)\}\s*$", re.S | re.I
)


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.prefixes: dict[str, str] = {}
        self.components = self._components()

    # -- helpers ---------------------------------------------------------------------------------
    def one(self, node: Node, predicate: URIRef) -> Node | None:
        values = list(self.g.objects(node, predicate))
        if len(values) > 1:
            raise Unsupported(f"{node} has {len(values)} values of {predicate}")
        return values[0] if values else None

    def integer(self, node: Node, predicate: URIRef) -> int | None:
        value = self.one(node, predicate)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise Unsupported(f"{predicate} of {node} is not an integer")
        return int(value.value)

    def is_property_shape(self, shape: Node) -> bool:
        return (shape, SH.path, None) in self.g

    def path(self, shape: Node) -> URIRef:
        path = self.one(shape, SH.path)
        if not isinstance(path, URIRef):
            raise Unsupported(f"the path of {shape} is not a single property")
        return path

    def messages(self, shape: Node) -> tuple[Literal, ...]:
        found = tuple(m for m in self.g.objects(shape, SH.message) if isinstance(m, Literal))
        if not found:
            raise Unsupported(f"{shape} has no sh:message (pySHACL would make up its own)")
        return found

    def deactivated(self, shape: Node) -> bool:
        value = self.one(shape, SH.deactivated)
        return isinstance(value, Literal) and value.value is True

    def declare(self, node: Node) -> None:
        """Add the prefixes that ``node``'s sh:prefixes declare."""
        for source in self.g.objects(node, SH.prefixes):
            for declaration in self.g.objects(source, SH.declare):
                prefix = self.one(declaration, SH.prefix)
                namespace = self.one(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise Unsupported(f"an incomplete sh:declare in {source}")
                known = self.prefixes.setdefault(str(prefix), str(namespace))
                if known != str(namespace):
                    raise Unsupported(f"the prefix {prefix}: is declared with two namespaces")

    def _components(self) -> dict[Node, dict[str, Any]]:
        out: dict[Node, dict[str, Any]] = {}
        for component in self.g.subjects(RDF.type, SH.ConstraintComponent):
            params = []
            for param in self.g.objects(component, SH.parameter):
                optional = self.one(param, SH.optional)
                params.append(
                    (self.one(param, SH.path), isinstance(optional, Literal) and bool(optional.value))
                )
            out[component] = {
                "params": params,
                "node": list(self.g.objects(component, SH.nodeValidator)),
                "property": list(self.g.objects(component, SH.propertyValidator)),
                "any": list(self.g.objects(component, SH.validator)),
            }
        return out

    def parameter_paths(self) -> set[Node]:
        return {path for c in self.components.values() for path, _ in c["params"]}

    # -- targets ---------------------------------------------------------------------------------
    def focus_pattern(self, shape: Node) -> tuple[str, bool]:
        """The group pattern binding ?this to the shape's focus nodes; whether it is local."""
        parts: list[str] = []
        local = True
        if (shape, RDF.type, RDFS.Class) in self.g:
            raise Unsupported(f"{shape} is also a class (implicit class target)")
        for cls in self.g.objects(shape, SH.targetClass):
            parts.append(f"?this {_TYPE} {_sparql(cls)} .")
        for prop in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {_sparql(prop)} [] .")
        for prop in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"[] {_sparql(prop)} ?this .")
        nodes = [_sparql(n) for n in self.g.objects(shape, SH.targetNode)]
        if nodes:
            parts.append("VALUES ?this { " + " ".join(nodes) + " }")
        for target in self.g.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in self.g or (target, SH.select, None) not in self.g:
                raise Unsupported(f"the target {target} is not a SPARQL target with sh:select")
            select = str(self.one(target, SH.select))
            if _AGGREGATES.search(select):
                raise Unsupported(f"the SPARQL target {target} aggregates or calls a service")
            self.declare(target)
            parts.append("{ " + select + " }")
            local = False
        if not parts:
            raise Unsupported(f"{shape} has no target")
        return " UNION ".join("{ " + p + " }" for p in parts), local

    # -- constraints -----------------------------------------------------------------------------
    def conforms(self, shape: Node, v: str) -> str:
        """A SPARQL expression: the value ``v`` conforms to the helper shape (never an error)."""
        allowed = _VALUE_CONSTRAINTS | _DESCRIPTIVE | _TARGETS | {SH.deactivated}
        for predicate in set(self.g.predicates(shape)):
            if str(predicate).startswith(str(SH)) and predicate not in allowed:
                raise Unsupported(f"the helper shape {shape} uses {predicate}")
            if predicate in self.parameter_paths():
                raise Unsupported(f"the helper shape {shape} uses a SPARQL-based component")
        if self.deactivated(shape):
            return "true"
        tests = [
            self.value_test(shape, predicate, value, v) for predicate, value in self._value_constraints(shape)
        ]
        return "(" + " && ".join(f"COALESCE({t}, false)" for t in tests) + ")" if tests else "true"

    def _value_constraints(self, shape: Node) -> list[tuple[URIRef, Node]]:
        out = []
        for predicate in sorted(_VALUE_CONSTRAINTS, key=str):
            for value in self.g.objects(shape, predicate):
                out.append((predicate, value))
        if (shape, SH.flags, None) in self.g:
            raise Unsupported(f"{shape} uses sh:flags")
        return out

    def value_test(self, shape: Node, predicate: URIRef, value: Node, v: str) -> str:
        """A SPARQL expression that is true when ``v`` meets one value constraint."""
        if predicate == SH.nodeKind:
            if value not in _KINDS:
                raise Unsupported(f"unknown sh:nodeKind {value}")
            return _KINDS[cast(URIRef, value)].format(v=v)
        if predicate == SH.datatype:
            return datatype_test(value, v)
        if predicate == SH["class"]:
            return f"EXISTS {{ {v} {_TYPE} {_sparql(value)} }}"
        if predicate == SH.pattern:
            regex = _string(python_regex(str(value)))
            if not _regex_ok(regex):
                raise Unsupported(f"the pattern {value} of {shape} is not one Oxigraph's regex engine reads")
            return f"(!isBlank({v}) && REGEX(STR({v}), {regex}))"
        if predicate == SH.languageIn:
            return language_test(self.g, value, v)
        if predicate in _COMPARISONS:
            if not isinstance(value, Literal):
                raise Unsupported(f"{predicate} of {shape} is not a literal")
            bound = _sparql(value)
            if not isinstance(value.value, str):
                bound = _UNWRAP.format(v=bound)
            return (
                f"(isLiteral({v}) && {_string_kind(v)} = {str(isinstance(value.value, str)).lower()}"
                f" && {_UNWRAP.format(v=v)} {_COMPARISONS[predicate]} {bound})"
            )
        raise Unsupported(f"{predicate}")  # pragma: no cover - guarded by the callers

    def target_reach(self, shape: Node) -> tuple[Reach, tuple[tuple[str, bool], ...]]:
        """What the shape's targets read besides a focus node's own statements, and SPARQL targets."""
        reach = Reach()
        if (shape, SH.targetClass, None) in self.g:
            reach |= _HIERARCHY
        reach |= Reach(incoming=frozenset(str(p) for p in self.g.objects(shape, SH.targetObjectsOf)))
        texts = tuple((str(self.one(t, SH.select)), False) for t in self.g.objects(shape, SH.target))
        return reach, texts

    def unit(self, top: Node) -> list[Check]:
        """The checks of one top-level shape and its property shapes."""
        if self.deactivated(top):
            return []
        focus, local = self.focus_pattern(top)
        shapes = [top]
        if not self.is_property_shape(top):
            shapes += sorted(self.g.objects(top, SH.property), key=str)
        elif (top, SH.property, None) in self.g:
            raise Unsupported(f"the property shape {top} has property shapes of its own")
        checks: list[Check] = []
        for shape in shapes:
            if shape is not top and (shape, SH.property, None) in self.g:
                raise Unsupported(f"the property shape {shape} has property shapes of its own")
            if not self.deactivated(shape):
                checks += self.shape_checks(top, shape, focus, local)
        if not all(c.local for c in checks):
            for check in checks:
                check.local = False
        reach, texts = self.target_reach(top)
        for check in checks:
            check.reach |= reach
            check.sparql += texts
        return checks

    def shape_checks(self, unit: Node, shape: Node, focus: str, local: bool) -> list[Check]:
        g = self.g
        known = (
            _SHAPE_CONSTRAINTS | _DESCRIPTIVE | _TARGETS | {SH.path, SH.property, SH.deactivated, SH.flags}
        )
        for predicate in set(g.predicates(shape)):
            if str(predicate).startswith(str(SH)) and predicate not in known:
                raise Unsupported(f"{shape} uses {predicate}")
        prop = self.is_property_shape(shape)
        path = self.path(shape) if prop else None
        severity = self.one(shape, SH.severity) or SH.Violation
        if not isinstance(severity, URIRef):
            raise Unsupported(f"the severity of {shape} is not an IRI")
        values = f"?this <{path}> ?value ." if prop else "BIND (?this AS ?value)"
        checks: list[Check] = []

        def add(component: URIRef, query: str, **extra: Any) -> None:
            checks.append(Check(unit, shape, component, severity, self.messages(shape), path, query, **extra))

        def rows(where: str) -> str:
            return f"SELECT DISTINCT ?this ?value WHERE {{ {{ {FOCUS} }} {values} {where} }}"

        for predicate, value in self._value_constraints(shape):
            component = SH[_component_name(predicate)]
            if predicate == SH["class"]:  # the instances once, not a path per value
                add(
                    component,
                    rows(
                        f"MINUS {{ ?value <{RDF.type}> ?kgk . ?kgk <{RDFS.subClassOf}>* {_sparql(value)} }}"
                    ),
                    reach=_class_reach(path),
                )
                continue
            test = self.value_test(shape, predicate, value, "?value")
            add(component, rows(f"FILTER (!COALESCE({test}, false))"))

        if prop:
            assert path is not None
            p = f"<{path}>"
            min_count = self.integer(shape, SH.minCount)
            if min_count:
                add(
                    SH.MinCountConstraintComponent,
                    f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?kgv) AS ?kgc) WHERE {{ "
                    f"{{ {FOCUS} }} OPTIONAL {{ ?this {p} ?kgv }} }} GROUP BY ?this }} "
                    f"FILTER (?kgc < {min_count}) }}",
                )
            max_count = self.integer(shape, SH.maxCount)
            if max_count is not None:
                add(
                    SH.MaxCountConstraintComponent,
                    f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?kgv) AS ?kgc) WHERE {{ "
                    f"{{ {FOCUS} }} ?this {p} ?kgv }} GROUP BY ?this }} FILTER (?kgc > {max_count}) }}",
                )
            unique = self.one(shape, SH.uniqueLang)
            if unique is not None:
                if not isinstance(unique, Literal) or not isinstance(unique.value, bool):
                    raise Unsupported(f"sh:uniqueLang of {shape} is not a boolean")
                if unique.value:
                    add(
                        SH.UniqueLangConstraintComponent,
                        f"SELECT DISTINCT ?this WHERE {{ {{ {FOCUS} }} ?this {p} ?kga . ?this {p} ?kgb . "
                        "FILTER (!sameTerm(?kga, ?kgb) && LANG(?kga) != '' "
                        "&& LCASE(LANG(?kga)) = LCASE(LANG(?kgb))) }",
                    )
            for other in g.objects(shape, SH.disjoint):
                add(SH.DisjointConstraintComponent, rows(f"?this {_sparql(other)} ?value ."))
            qualified = self.one(shape, SH.qualifiedValueShape)
            if qualified is not None:
                disjoint = self.one(shape, SH.qualifiedValueShapesDisjoint)
                if isinstance(disjoint, Literal) and disjoint.value:
                    raise Unsupported(f"{shape} uses sh:qualifiedValueShapesDisjoint")
                low = self.integer(shape, SH.qualifiedMinCount)
                high = self.integer(shape, SH.qualifiedMaxCount)
                if low is not None or high is not None:
                    test = self.conforms(qualified, "?kgq")
                    reads = _class_reach(path) if (qualified, SH["class"], None) in g else Reach()
                    having = " || ".join(
                        x
                        for x in (
                            f"?kgc < {low}" if low is not None else "",
                            f"?kgc > {high}" if high is not None else "",
                        )
                        if x
                    )
                    add(
                        SH.QualifiedMinCountConstraintComponent,
                        f"SELECT ?this ?kgc WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?kgq) AS ?kgc) WHERE {{ "
                        f"{{ {FOCUS} }} OPTIONAL {{ ?this {p} ?kgq FILTER ({test}) }} }} GROUP BY ?this }} "
                        f"FILTER ({having}) }}",
                        counts=(low, high),
                        reach=reads,
                    )
        elif any(
            (shape, x, None) in g
            for x in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.disjoint, SH.qualifiedValueShape)
        ):
            raise Unsupported(f"the node shape {shape} uses a property-shape constraint")

        for members in g.objects(shape, SH["or"]):
            listed = list(Collection(g, members))
            tests = [self.conforms(m, "?value") for m in listed]
            classes = any((m, SH["class"], None) in g for m in listed)
            add(
                SH.OrConstraintComponent,
                rows(f"FILTER (!({' || '.join(tests) or 'false'}))"),
                reach=_class_reach(path) if classes else Reach(),
            )

        for component_node, spec in self.components.items():
            bound = {}
            for param_path, optional in spec["params"]:
                found = list(g.objects(shape, param_path))
                if len(found) > 1:
                    raise Unsupported(f"{shape} gives {param_path} {len(found)} values")
                if found:
                    bound[str(param_path)] = found[0]
                elif not optional:
                    bound = {}
                    break
            if not bound:
                continue
            checks += self.sparql_component(
                unit, shape, component_node, spec, bound, focus, severity, self.messages(shape), path
            )
        if not local:
            for check in checks:
                check.local = False
        return checks

    def sparql_component(
        self,
        unit: Node,
        shape: Node,
        component: Node,
        spec: dict[str, Any],
        bound: dict[str, Node],
        focus: str,
        severity: URIRef,
        messages: tuple[Literal, ...],
        path: URIRef | None,
    ) -> list[Check]:
        validators = spec["property"] if path is not None else spec["node"]
        if not validators:
            raise Unsupported(f"{component} has no SELECT validator for {shape}")
        validator = validators[0]
        if (validator, SH.select, None) not in self.g:
            raise Unsupported(f"the validator {validator} is not a SELECT validator")
        if (validator, SH.message, None) in self.g or (component, SH.message, None) in self.g:
            raise Unsupported(f"the validator {validator} has messages of its own")
        if not isinstance(component, URIRef):
            raise Unsupported(f"the component {component} has no IRI")
        text = str(self.one(validator, SH.select))
        if _AGGREGATES.search(text) or re.search(r"[$?](currentShape|shapesGraph)\b", text):
            raise Unsupported(f"the validator {validator} aggregates or uses $currentShape/$shapesGraph")
        self.declare(validator)
        if path is not None:
            text = re.sub(r"([\s{}()])[$?]PATH\b", lambda m: m.group(1) + f"<{path}>", text)
        elif re.search(r"[$?]PATH\b", text):
            raise Unsupported(f"the validator {validator} uses $PATH on a node shape")
        for param_path, value in bound.items():
            name = re.split(r"[#/]", param_path)[-1]
            constant = _sparql(value)
            text = re.sub(rf"[$?]{re.escape(name)}\b", constant.replace("\\", "\\\\"), text)
        uses_value = re.search(r"[$?]value\b", text) is not None
        simple = _SIMPLE_SELECT.match(text)
        projected = set(re.findall(r"[$?](\w+)", simple.group("vars"))) if simple else set()
        if (
            simple
            and "this" in projected
            and all(
                v in projected or not re.search(rf"[$?]{v}\b", simple.group("body"))
                for v in ("path", "value")
            )
        ):
            body = simple.group("body")
        else:
            body = text if text.lstrip().upper().startswith("SELECT") else ""
            if not body:
                raise Unsupported(f"the validator {validator} is not a SELECT query")
            body = "{ " + body + " }"
        pre = "BIND (?this AS ?value)" if path is None and uses_value else ""
        query = f"SELECT DISTINCT ?this ?path ?value WHERE {{ {{ {{ {FOCUS} }} {pre} }} {{ {body} }} }}"
        return [
            Check(
                unit,
                shape,
                component,
                severity,
                messages,
                path,
                query,
                local=False,
                value_is_focus=path is None,
                sparql=((text, path is None),),
            )
        ]


def _component_name(predicate: URIRef) -> str:
    local = str(predicate)[len(str(SH)) :]
    return local[0].upper() + local[1:] + "ConstraintComponent"


def _string_kind(v: str) -> str:
    """True for literals whose rdflib value is a Python string (plain, xsd:string, language-tagged)."""
    return f"(LANG({v}) != '' || DATATYPE({v}) = <{XSD_STRING}>)"


def datatype_test(datatype: Node, v: str) -> str:
    """pySHACL's sh:datatype test, on stored terms."""
    if datatype == RDFS.Literal:
        return f"isLiteral({v})"
    if datatype == RDFS.Datatype:
        return f"(isLiteral({v}) && LANG({v}) = '' && DATATYPE({v}) != <{XSD_STRING}>)"
    if datatype == RDF.langString:
        return f"(isLiteral({v}) && LANG({v}) != '')"
    if datatype == XSD.string:
        return f"(isLiteral({v}) && LANG({v}) = '' && DATATYPE({v}) = <{XSD_STRING}>)"
    if not isinstance(datatype, URIRef):
        raise Unsupported(f"sh:datatype {datatype} is not an IRI")
    return f"(isLiteral({v}) && DATATYPE({v}) = <{WELL_TYPED}{datatype}>)"


def language_test(g: Graph, head: Node, v: str) -> str:
    """pySHACL's sh:languageIn test: the whole tag, or its first part, lower-cased, is listed."""
    languages = set()
    for item in Collection(g, head):
        if not isinstance(item, Literal) or not isinstance(item.value, str):
            raise Unsupported("sh:languageIn lists something other than strings")
        languages.add(str(item.value).lower())
    if "*" in languages:
        return f"(isLiteral({v}) && LANG({v}) != '')"
    listed = ", ".join(_string(x) for x in sorted(languages)) or "''"
    return (
        f"(isLiteral({v}) && LANG({v}) != '' && (LCASE(LANG({v})) IN ({listed}) || "
        f"LCASE(STRBEFORE(CONCAT(LANG({v}), '-'), '-')) IN ({listed})))"
    )


@lru_cache(maxsize=256)
def _regex_ok(regex: str) -> bool:
    try:
        rows = ox.Store().query(f"SELECT (REGEX('', {regex}) AS ?ok) WHERE {{}}")
        assert isinstance(rows, ox.QuerySolutions)
        return all(row["ok"] is not None for row in rows)
    except (SyntaxError, ValueError, OSError):
        return False


def python_regex(pattern: str) -> str:
    """A Python ``re`` pattern (as pySHACL uses) in the regex dialect Oxigraph understands.

    The one difference that matters for the shapes: Python's ``$`` also matches before a final
    newline. Constructs Oxigraph's regex crate refuses (look-arounds, back-references) make the
    check fail to compile, and the shape goes to pySHACL.
    """
    out = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "$":
            out.append("(?:\\n?$)")
        else:
            out.append(char)
    return "".join(out)


def compile_shapes(shapes: Graph) -> Compiled:
    """Compile every top-level shape (a shape with targets); the others are left to pySHACL."""
    compiler = _Compiler(shapes)
    tops = sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str)
    checks: list[Check] = []
    fallback: dict[Node, str] = {}
    patterns: dict[Node, str] = {}
    store = ox.Store()
    for top in tops:
        saved = dict(compiler.prefixes)
        try:
            unit = compiler.unit(top)
            for check in unit:  # every query must parse (a pattern Oxigraph's regex refuses, …)
                query = check.query.replace(FOCUS, "SELECT ?this WHERE { VALUES ?this { <urn:kgpub:none> } }")
                solutions = store.query(query, prefixes={**STANDARD_PREFIXES, **compiler.prefixes})
                assert isinstance(solutions, ox.QuerySolutions)
                list(solutions)
            if not shapes_is_deactivated(shapes, top):
                patterns[top] = compiler.focus_pattern(top)[0]
            checks += unit
        except (Unsupported, SyntaxError, OSError, ValueError) as exc:
            compiler.prefixes = saved
            fallback[top] = str(exc)
    inverse = sorted({str(p) for p in shapes.objects(None, SH.targetObjectsOf) if isinstance(p, URIRef)})
    return Compiled(
        checks,
        fallback,
        {**STANDARD_PREFIXES, **compiler.prefixes},
        patterns,
        [ox.NamedNode(p) for p in inverse],
    )


def shapes_is_deactivated(shapes: Graph, shape: Node) -> bool:
    return any(isinstance(v, Literal) and v.value is True for v in shapes.objects(shape, SH.deactivated))


# -- running --------------------------------------------------------------------------------------


def run(store: ox.Store, compiled: Compiled, checks: list[Check] | None = None) -> list[Result]:
    """Run the compiled checks (or some of them) on ``store`` (the union of its graphs is the data)."""
    results: list[Result] = []
    for check in compiled.checks if checks is None else checks:
        # The focus nodes as a subquery: Oxigraph then finds them once, not once per triple it joins.
        where = f"SELECT DISTINCT ?this WHERE {{ {compiled.focus_patterns[check.unit]} }}"
        results.extend(_run_check(store, compiled, check, check.query.replace(FOCUS, where)))
    return results


def _run_check(store: ox.Store, compiled: Compiled, check: Check, query: str) -> Iterator[Result]:
    solutions = store.query(query, prefixes=compiled.prefixes, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    seen: set[tuple[Any, ...]] = set()
    for row in solutions:
        this = row["this"]
        if this is None:
            continue
        focus = to_rdflib(this)
        if check.counts is not None:
            count = int(row["kgc"].value)
            low, high = check.counts
            if high is not None and count > high:
                yield _result(check, focus, check.path, None, SH.QualifiedMaxCountConstraintComponent)
            if low is not None and count < low:
                yield _result(check, focus, check.path, None, SH.QualifiedMinCountConstraintComponent)
            continue
        value_term = _get(row, "value")
        path_term = _get(row, "path")
        value = to_rdflib(value_term) if value_term is not None else (focus if check.value_is_focus else None)
        path = to_rdflib(path_term) if path_term is not None else check.path
        key = (focus, path, value)
        if key in seen:
            continue
        seen.add(key)
        yield _result(check, focus, path, value, check.component)


def _get(row: ox.QuerySolution, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def union_reach(compiled: Compiled, checks: list[Check]) -> Reach:
    """What some checks read together."""
    total = Reach()
    for check in checks:
        total |= compiled.check_reach(check)
    return total


def result_components(check: Check) -> frozenset[URIRef]:
    """The constraint components of the results a check can give."""
    if check.counts is not None:
        return frozenset({SH.QualifiedMaxCountConstraintComponent, SH.QualifiedMinCountConstraintComponent})
    return frozenset({check.component})


def _result(check: Check, focus: Node, path: Node | None, value: Node | None, component: URIRef) -> Result:
    return Result(focus, path, value, component, check.shape, check.severity, check.messages, check.unit)


# -- stores ---------------------------------------------------------------------------------------


def add_ontology(store: ox.Store, ontology: Graph) -> None:
    """Put the inoculated ontology into its own graph of ``store``."""
    store.remove_graph(ONTOLOGY_GRAPH) if store.contains_named_graph(ONTOLOGY_GRAPH) else None
    store.bulk_extend(_quad(s, p, o, ONTOLOGY_GRAPH) for s, p, o in inoculated_ontology(ontology))


def _quad(s: Node, p: Node, o: Node, graph: ox.NamedNode) -> ox.Quad:
    subject, predicate = from_rdflib(s), from_rdflib(p)
    assert not isinstance(subject, ox.Literal) and isinstance(predicate, ox.NamedNode)
    return ox.Quad(subject, predicate, from_rdflib(o), graph)


def store_from_graph(data: Graph, ontology: Graph | None = None) -> ox.Store:
    """An in-memory store holding an rdflib graph (and the inoculated ontology): for tests."""
    store = ox.Store()
    graph = ox.NamedNode("urn:kgpub:data")
    store.bulk_extend(_quad(s, p, o, graph) for s, p, o in data)
    if ontology is not None:
        add_ontology(store, ontology)
    return store


def validate_graph(
    data: Graph, shapes: Graph, ontology: Graph | None = None
) -> tuple[list[Result], Compiled]:
    """Validate an rdflib graph with the compiled shapes (the shapes pySHACL must run are not run)."""
    compiled = compile_shapes(shapes)
    return run(store_from_graph(data, ontology), compiled), compiled
