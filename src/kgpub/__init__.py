"""kgpub: publish a municipality's projects and collaborations as linked open data."""

from kgpub.errors import KgpubError
from kgpub.project import Project

__version__ = "0.1.0"
__all__ = ["KgpubError", "Project", "__version__"]
