"""Names to look up: an entity's labels and alternative names, and sensible variants of them.

Wikidata often names a thing without the word for its kind ("Pajala" for the town, "Pajala kommun"
for the municipality; "Filmpool Nord" for "Filmpool Nord AB"), so each name is also tried without
such a word, in Swedish with the genitive undone ("Norrbottens län" → "Norrbotten"). Swedish parishes
share their names with the district, the old socken and the former rural municipality of the same
place; those *related* names are looked up too, so a person sees them — and why they score low.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kgpub.link.local import Entity

#: Trailing words (or phrases) that say what kind of thing a name is, by language.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "sv": ("ekonomisk förening", "landsting", "kommun", "församling", "socken", "län", "ab"),
    "en": ("economic association", "county council", "municipality", "parish", "county", "ab", "ltd"),
}
#: Names a Swedish parish shares with other units of the same place (sv, en).
RELATED_FORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "Parish": {"sv": ("distrikt", "socken", "landskommun"), "en": ("District",)},
}
LEADING_ARTICLES = {"en": ("the ",)}


@dataclass(frozen=True)
class NameForm:
    """One string to look up, and how it relates to the entity's own names."""

    text: str
    lang: str
    #: "label", "alias" (an alternative name of ours), "variant" (kind word dropped) or
    #: "related" (the name of a related unit, e.g. the district of a parish).
    how: str
    #: The entity's name this form was made from.
    origin: str


def normalise(text: str) -> str:
    """For comparing names: Unicode NFC, case-folded, single spaces, hyphens as spaces."""
    text = unicodedata.normalize("NFC", text).casefold().replace("-", " ").replace("‐", " ")
    return " ".join(text.split())


def _strip_kind(name: str, lang: str) -> str | None:
    lower = name.lower()
    for word in KIND_WORDS.get(lang, ()):
        if lower.endswith(" " + word) and len(name) > len(word) + 2:
            return name[: -len(word) - 1].rstrip(" ,")
    return None


def _variants(name: str, lang: str) -> list[str]:
    """Names made by dropping the word for the kind (and undoing a Swedish genitive)."""
    out: list[str] = []
    todo = [name]
    for article in LEADING_ARTICLES.get(lang, ()):
        if name.lower().startswith(article) and len(name) > len(article) + 2:
            todo.append(name[len(article) :])
            out.append(name[len(article) :])
    for _ in range(3):
        nxt: list[str] = []
        for current in todo:
            words = current.split()
            if lang == "sv" and len(words) > 1:
                # "Norrbottens läns" → "Norrbottens län": a kind word in the genitive.
                last = words[-1]
                if last.lower().endswith("s") and last[:-1].lower() in KIND_WORDS["sv"]:
                    nxt.append(" ".join([*words[:-1], last[:-1]]))
            stripped = _strip_kind(current, lang)
            if stripped:
                if lang == "sv" and re.search(r"[^s]s$", stripped) and len(stripped) > 4:
                    # "Norrbottens" (the genitive left by "Norrbottens län") → "Norrbotten"; keep
                    # both, since some names end in s ("Mönsterås kommun").
                    nxt.append(stripped[:-1])
                nxt.append(stripped)
        nxt = [n for n in nxt if n not in out and n != name and len(n) >= 2]
        out.extend(nxt)
        todo = nxt
        if not todo:
            break
    return out


def name_forms(entity: Entity, languages: tuple[str, ...] = ()) -> list[NameForm]:
    """Every name of ``entity`` worth looking up, in each language it has names in (and ``languages``)."""
    forms: dict[tuple[str, str], NameForm] = {}

    def add(text: str, lang: str, how: str, origin: str) -> None:
        text = " ".join(text.split())
        if text and (text, lang) not in forms:
            forms[(text, lang)] = NameForm(text, lang, how, origin)

    for lang, names in entity.labels.items():
        for name in names:
            add(name, lang, "label", name)
    for lang, names in entity.alt_labels.items():
        for name in names:
            add(name, lang, "alias", name)
    for lang, names in [*entity.labels.items(), *entity.alt_labels.items()]:
        for name in names:
            for variant in _variants(name, lang):
                add(variant, lang, "variant", name)
    for kind in entity.kinds:
        for lang, words in RELATED_FORMS.get(kind, {}).items():
            for name in entity.labels.get(lang, []):
                stem = _strip_kind(name, lang)
                if stem is None:
                    continue
                for word in words:
                    add(f"{stem} {word}", lang, "related", name)
    # The same strings in the entity's other languages (proper names rarely change), and the
    # languages asked for (such as Wikidata's "mul", for names that are the same in every language).
    langs = sorted({*entity.labels, *languages} - {""})
    for form in list(forms.values()):
        for lang in langs:
            if (form.text, lang) not in forms:
                forms[(form.text, lang)] = NameForm(form.text, lang, form.how, form.origin)
    return list(forms.values())
