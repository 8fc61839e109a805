"""The one exception the course's components raise for bad input (defined with the course's other errors)."""

from clusterlab.errors import ComponentError

__all__ = ["ComponentError"]
