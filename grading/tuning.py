"""Adjustments of nbgrader inside a grading worker that make it faster and leave its results unchanged.

- nbgrader checks every cell's metadata with ``jsonschema.validate``, which checks the schema itself
  and builds a validator at every call (≈ 7 ms a cell): :func:`cache_schema_validation` keeps one
  validator per schema (the same checks, the same errors).
- nbgrader opens the gradebook ten times or so per submission, each time with a new SQLAlchemy engine,
  so every query is compiled again: :func:`share_engines` keeps one engine per database address, with
  its cache of compiled queries. The worker grades every submission at the same address (see
  :mod:`clusterlab.grading.worker`) and calls :func:`reset_engines` before each one, so no connection
  to the previous submission's gradebook is ever reused.
"""

from __future__ import annotations

import types

__all__ = ["cache_schema_validation", "share_engines", "reset_engines"]

_ENGINES: dict = {}


def cache_schema_validation() -> None:
    import jsonschema
    from jsonschema import exceptions, validators
    from nbgrader.nbgraderformat import common

    cache: dict[int, tuple] = {}

    def validate(instance, schema, *args, **kwargs):
        if args or kwargs:
            return jsonschema.validate(instance, schema, *args, **kwargs)
        entry = cache.get(id(schema))
        if entry is None or entry[0] is not schema:
            cls = validators.validator_for(schema)
            cls.check_schema(schema)
            entry = cache[id(schema)] = (schema, cls(schema))
        error = exceptions.best_match(entry[1].iter_errors(instance))
        if error is not None:
            raise error

    common.jsonschema = types.SimpleNamespace(validate=validate, ValidationError=jsonschema.ValidationError)


def share_engines() -> None:
    from nbgrader import api

    if getattr(api.create_engine, "shared", False):
        return
    create = api.create_engine

    def create_engine(url, *args, **kwargs):
        key = (str(url), args, tuple(sorted(kwargs.items())))
        if key not in _ENGINES:
            _ENGINES[key] = create(url, *args, **kwargs)
        return _ENGINES[key]

    create_engine.shared = True
    api.create_engine = create_engine


def reset_engines() -> None:
    """Close every pooled connection (the engines and their compiled queries stay)."""
    for engine in _ENGINES.values():
        engine.dispose()
