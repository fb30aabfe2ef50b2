"""The content catalog: topics and cards loaded from YAML, validated, indexed in memory."""

from mldrill.catalog.loader import Catalog, Problem, get_catalog, load_catalog
from mldrill.catalog.schema import Card, Formula, Topic
from mldrill.catalog.validate import validate

__all__ = ["Card", "Catalog", "Formula", "Problem", "Topic", "get_catalog", "load_catalog", "validate"]
