"""Build a GraphQL object from a row (see graph/fields.py)."""

from graph.fields import build, build_optional

__all__ = ["build", "build_optional"]
