"""The workflow file's reporting settings: `readiness:` (the scale) and each stage's `kpis:`."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.workflow.loader import checksum
from app.workflow.loader import load_file
from app.workflow.readiness_default import DEFAULT_READINESS
from config import Config
from tests.workflow import test_loader
from tests.workflow.test_loader import problems_of

# The loader tests' fixtures: a fresh valid document, and writing it to a YAML file.
document = test_loader.document
write = test_loader.write

REVENUE = {"key": "revenue", "label": {"en": "Revenue", "fr": "Chiffre d'affaires"}, "unit": "MAD", "type": "money",
           "min": 0}


def trl_scale() -> dict:
    return {"scale": {"min": 1, "max": 9}, "dimensions": [
        {"key": "trl", "label": {"en": "TRL", "fr": "TRL"}, "levels": [f"Level {n}" for n in range(1, 10)]}]}


def test_a_file_without_readiness_gets_the_six_default_dimensions_on_1_to_9(write, document):
    definition = load_file(write(document))

    scale = definition.readiness
    assert scale.keys == ("technology", "customer", "business_model", "ip", "team", "funding")
    assert (scale.lowest, scale.highest) == (1, 9)
    assert all(len(d.descriptors) == 9 and set(d.descriptors[0]) == {"en", "fr", "ar"} for d in scale.dimensions)


def test_the_shipped_innovation_path_writes_the_default_scale_out_and_asks_for_monthly_figures():
    definition = load_file(Path(Config.WORKFLOWS_DIR) / "innovation_path.yaml")

    assert definition.document["readiness"] == DEFAULT_READINESS
    kpis = definition.stage("commercialisation").kpis
    assert kpis.every_days == 30
    assert {"revenue", "customers", "jobs", "money_raised"} <= {m.key for m in kpis.metrics}
    assert kpis.metric("revenue").type == "money" and kpis.metric("revenue").unit == "MAD"
    assert definition.stage("idea").kpis is None


def test_another_scale_replaces_the_default(write, document):
    document["readiness"] = trl_scale()

    scale = load_file(write(document)).readiness

    assert scale.keys == ("trl",)
    assert scale.descriptor("trl", 3) == "Level 3"
    assert scale.descriptor("trl", 10) == ""


def test_stage_kpis_load_with_types_units_and_minimums(write, document):
    document["states"][1]["kpis"] = {"every_days": 30, "metrics": [
        REVENUE, {"key": "margin", "label": "Margin", "unit": "%", "type": "decimal", "min": None},
        {"key": "jobs", "label": {"en": "Jobs", "fr": "Emplois"}}]}

    kpis = load_file(write(document)).stage("launch").kpis

    assert kpis.every_days == 30
    assert [(m.key, m.type, m.unit, m.min, m.places) for m in kpis.metrics] == [
        ("revenue", "money", "MAD", 0, 2), ("margin", "decimal", "%", None, 4), ("jobs", "int", "", 0, 0)]


@pytest.mark.parametrize(("readiness", "key"), [
    ("nine levels", "readiness"),
    ({"scale": {"min": 1}, "dimensions": []}, "readiness.scale"),
    ({"scale": {"min": 5, "max": 2}, "dimensions": [{"key": "x", "levels": []}]}, "readiness.scale"),
    ({"scale": {"min": 1, "max": 9}, "dimensions": []}, "readiness.dimensions"),
    ({"scale": {"min": 1, "max": 3}, "dimensions": [{"key": "trl", "levels": ["a", "b"]}]},
     "readiness.dimensions[0].levels"),
    ({"scale": {"min": 1, "max": 2}, "dimensions": [{"key": "Bad Key", "levels": ["a", "b"]}]},
     "readiness.dimensions[0].key"),
    ({"scale": {"min": 1, "max": 2}, "dimensions": [{"key": "a", "levels": ["x", "y"]},
                                                     {"key": "a", "levels": ["x", "y"]}]},
     "readiness.dimensions[1].key"),
    ({"scale": {"min": 1, "max": 2}, "dimensions": [{"key": "a", "levels": ["x", "y"], "colour": "red"}]},
     "readiness.dimensions[0].colour"),
    ({"scale": {"min": 1, "max": 2}, "dimensions": [{"key": "a", "levels": ["x", 3]}]},
     "readiness.dimensions[0].levels[1]"),
])
def test_a_broken_scale_is_refused_naming_the_key(write, document, readiness, key):
    document["readiness"] = readiness

    assert key in problems_of(write(document))


@pytest.mark.parametrize(("kpis", "key"), [
    ([REVENUE], "states[1].kpis"),
    ({"metrics": [REVENUE]}, "states[1].kpis.every_days"),
    ({"every_days": 0, "metrics": [REVENUE]}, "states[1].kpis.every_days"),
    ({"every_days": 30, "metrics": []}, "states[1].kpis.metrics"),
    ({"every_days": 30, "metrics": [{**REVENUE, "unit": "dirhams"}]}, "states[1].kpis.metrics[0].unit"),
    ({"every_days": 30, "metrics": [{**REVENUE, "type": "float"}]}, "states[1].kpis.metrics[0].type"),
    ({"every_days": 30, "metrics": [{**REVENUE, "min": "zero"}]}, "states[1].kpis.metrics[0].min"),
    ({"every_days": 30, "metrics": [REVENUE, REVENUE]}, "states[1].kpis.metrics[1].key"),
    ({"every_days": 30, "metrics": [{**REVENUE, "formula": "a+b"}]}, "states[1].kpis.metrics[0].formula"),
    ({"every_days": 30, "metrics": [REVENUE], "due_days": 3}, "states[1].kpis.due_days"),
])
def test_broken_kpis_are_refused_naming_the_key(write, document, kpis, key):
    document["states"][1]["kpis"] = kpis

    assert key in problems_of(write(document))


def test_reporting_settings_do_not_change_the_checksum_of_the_rules(document):
    before = checksum(document)
    document["readiness"] = trl_scale()
    document["states"][1]["kpis"] = {"every_days": 30, "metrics": [REVENUE]}

    assert checksum(document) == before
    document["states"][1]["checkin_every_days"] = 3
    assert checksum(document) != before
