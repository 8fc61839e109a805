"""Speed patches on nbgrader inside a grading worker: faster, and the results are unchanged.

- ``CACHED_SCHEMA`` (jsonschema 4.26.0, nbgrader 0.9.6): nbgrader checks every cell's metadata with
  ``jsonschema.validate``, which checks the schema itself and builds a validator at every call
  (≈ 7 ms a cell). :func:`cache_schema_validation` replaces the ``jsonschema`` that nbgrader's
  ``nbgraderformat.common`` uses by one that keeps one validator per schema (the same checks, the
  same errors).
- ``SHARED_ENGINES`` (SQLAlchemy 2.1.9, nbgrader 0.9.6): nbgrader opens the gradebook ten times or so
  per submission, each time with a new SQLAlchemy engine, so every query is compiled again.
  :func:`share_engines` replaces ``nbgrader.api.create_engine`` by one that keeps one engine per
  database address, with its cache of compiled queries. The worker grades every submission at the
  same address (see :mod:`clusterlab.grading.engine.worker`) and calls :func:`reset_engines` before
  each one, so no connection to the previous submission's gradebook is ever reused.

Each is checked with :func:`clusterlab.patches.applies` against the versions it was written for; on
other versions, or with ``CLUSTERLAB_NO_PATCHES=1``, it is skipped and nbgrader's stock code runs.
The worker imports this module before :func:`~clusterlab.grading.engine.startup.lean_nbgrader`, so
nbgrader and jsonschema are imported inside the functions, after it.
"""

from __future__ import annotations

import types

from clusterlab.patches import applies

__all__ = ["CACHED_SCHEMA", "SHARED_ENGINES", "cache_schema_validation", "share_engines", "reset_engines"]

CACHED_SCHEMA = "cached schema validation"
SHARED_ENGINES = "shared database engines"
_ENGINES: dict = {}


def _fits(name: str, *versions: tuple[str, str]) -> bool:
    return all(applies(name, package, version) for package, version in versions)


def cache_schema_validation() -> bool:
    """Keep one validator per schema in nbgrader's metadata checks; returns whether the patch ran."""
    if not _fits(CACHED_SCHEMA, ("jsonschema", "4.26.0"), ("nbgrader", "0.9.6")):
        return False
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
    return True


def share_engines() -> bool:
    """Keep one SQLAlchemy engine per gradebook address in nbgrader; returns whether the patch ran."""
    if not _fits(SHARED_ENGINES, ("sqlalchemy", "2.1.9"), ("nbgrader", "0.9.6")):
        return False
    from nbgrader import api

    if getattr(api.create_engine, "shared", False):
        return True
    create = api.create_engine

    def create_engine(url, *args, **kwargs):
        key = (str(url), args, tuple(sorted(kwargs.items())))
        if key not in _ENGINES:
            _ENGINES[key] = create(url, *args, **kwargs)
        return _ENGINES[key]

    create_engine.shared = True
    api.create_engine = create_engine
    return True


def reset_engines() -> None:
    """Close every pooled connection (the engines and their compiled queries stay)."""
    for engine in _ENGINES.values():
        engine.dispose()
