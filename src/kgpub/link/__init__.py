"""Linking entries to Wikidata (``kgpub link``).

``suggest`` finds candidate items by exact label and alias lookups on a SPARQL endpoint (the public
Wikidata Query Service by default) and scores them by name, type, country, containing place and
shared identifiers, with a reason for every point; ``accept`` writes only the links a person marked
accepted; ``check`` re-verifies existing links; ``labels`` takes over names in other languages;
``export`` writes QuickStatements for items Wikidata lacks. Nothing is ever sent to Wikidata.
"""

from __future__ import annotations

from kgpub.link.settings import WIKIDATA_ENDPOINT, LinkSettings, link_settings

__all__ = ["WIKIDATA_ENDPOINT", "LinkSettings", "link_settings"]
