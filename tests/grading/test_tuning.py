"""The grading worker's speed patches on nbgrader: the same results, and skipped (nbgrader's own code
running) under ``CLUSTERLAB_NO_PATCHES=1`` or on other versions than they were written for."""

from __future__ import annotations

import jsonschema
import pytest
from nbgrader import api
from nbgrader.nbgraderformat import common
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

from clusterlab import patches
from clusterlab.grading.engine import tuning

BAD = {"schema_version": 3, "grade": "yes", "solution": False, "locked": True, "grade_id": "x"}
GOOD = {"schema_version": 3, "grade": True, "solution": False, "locked": True, "grade_id": "x", "points": 1}


@pytest.fixture
def stock(monkeypatch):
    """nbgrader's own ``jsonschema`` and ``create_engine`` are put back after each test."""
    monkeypatch.setattr(common, "jsonschema", common.jsonschema)
    monkeypatch.setattr(api, "create_engine", api.create_engine)
    monkeypatch.setattr(tuning, "_ENGINES", {})
    monkeypatch.setattr(patches, "_warned", set())
    monkeypatch.delenv(patches.SWITCH, raising=False)
    return common.jsonschema, api.create_engine


def test_cached_schema_validation_gives_the_same_errors(stock):
    validator = MetadataValidatorV3()
    with pytest.raises(jsonschema.ValidationError) as plain:
        jsonschema.validate(BAD, validator.schema)
    assert tuning.cache_schema_validation()
    assert common.jsonschema is not jsonschema
    for _ in range(2):
        with pytest.raises(jsonschema.ValidationError) as cached:
            common.jsonschema.validate(BAD, validator.schema)
        assert cached.value.message == plain.value.message
        common.jsonschema.validate(GOOD, validator.schema)


def test_shared_engines_serve_one_address_with_one_engine(stock, tmp_path):
    assert tuning.share_engines()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert api.create_engine(url) is api.create_engine(url)
    assert api.create_engine(f"sqlite:///{tmp_path / 'other.db'}") is not api.create_engine(url)
    tuning.reset_engines()  # connections closed, engines kept
    assert api.create_engine(url) is api.create_engine(url)


def test_switch_leaves_nbgrader_as_it_is(stock, monkeypatch):
    """Control for the tests above: with the switch, neither patch replaces anything."""
    monkeypatch.setenv(patches.SWITCH, "1")
    assert not tuning.cache_schema_validation() and not tuning.share_engines()
    assert (common.jsonschema, api.create_engine) == stock


@pytest.mark.parametrize("package", ["jsonschema", "sqlalchemy", "nbgrader"])
def test_another_version_leaves_nbgrader_as_it_is_with_a_warning(stock, monkeypatch, package):
    real = patches.installed_version
    monkeypatch.setattr(patches, "installed_version", lambda name: "0.0" if name == package else real(name))
    with pytest.warns(patches.PatchWarning, match=f"{package} 0.0 is installed"):
        ran = {tuning.CACHED_SCHEMA: tuning.cache_schema_validation(), tuning.SHARED_ENGINES: tuning.share_engines()}
    expected = {"jsonschema": {tuning.CACHED_SCHEMA: False, tuning.SHARED_ENGINES: True},
                "sqlalchemy": {tuning.CACHED_SCHEMA: True, tuning.SHARED_ENGINES: False},
                "nbgrader": {tuning.CACHED_SCHEMA: False, tuning.SHARED_ENGINES: False}}[package]
    assert ran == expected
    assert (common.jsonschema is stock[0]) is not expected[tuning.CACHED_SCHEMA]
    assert (api.create_engine is stock[1]) is not expected[tuning.SHARED_ENGINES]
