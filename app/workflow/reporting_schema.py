"""Validation of a workflow file's reporting settings: the `readiness:` scale and each stage's `kpis:`.

A mixin of the loader's checker: it reports problems through the same `fail(key, message)`, so
every error names the file and the key path, e.g. `states[3].kpis.metrics[0].unit`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from app.workflow.definition import METRIC_TYPES
from app.workflow.definition import KpiSchedule
from app.workflow.definition import Metric
from app.workflow.definition import ReadinessDimension
from app.workflow.definition import ReadinessScale

CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
#: Scores are stored as small whole numbers (the database checks 0–100).
SCALE_BOUNDS = (0, 100)


class ReportingChecks:
    """Checks for `readiness` and `kpis`; the host class provides fail, name, label, positive_int."""

    def fail(self, key: str, message: str) -> None:  # pragma: no cover - provided by the checker
        raise NotImplementedError

    def name(self, value: Any, key: str) -> str:  # pragma: no cover
        raise NotImplementedError

    def label(self, value: Any, key: str, default: str) -> dict[str, str]:  # pragma: no cover
        raise NotImplementedError

    def positive_int(self, value: Any, key: str) -> int | None:  # pragma: no cover
        raise NotImplementedError

    def keyed_mappings(self, items: list, key: str, fields: tuple[str, ...],
                       kind: str) -> Iterator[tuple[str, dict, str]]:
        """Each mapping of `items` (a list of `{key, …}`) with its key path and its key, once the
        shape is checked: a mapping, no field but `fields`, a key not declared twice."""
        seen: set[str] = set()
        for i, item in enumerate(items):
            here = f"{key}[{i}]"
            if not isinstance(item, dict):
                self.fail(here, f"must be a mapping with {', '.join(fields)}")
                continue
            for extra in sorted(set(item) - set(fields)):
                self.fail(f"{here}.{extra}", "unknown key")
            name = self.name(item.get("key"), f"{here}.key")
            if name in seen:
                self.fail(f"{here}.key", f"{kind} '{name}' is declared twice")
            seen.add(name)
            yield here, item, name

    def kpis(self, value: Any, key: str) -> KpiSchedule | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(key, "must be a mapping with every_days and metrics")
            return None
        for extra in sorted(set(value) - {"every_days", "metrics"}):
            self.fail(f"{key}.{extra}", "unknown key")
        every = value.get("every_days")
        if every is None:
            self.fail(f"{key}.every_days", "is required: how many days each report covers")
        every = self.positive_int(every, f"{key}.every_days")
        metrics = value.get("metrics")
        if not isinstance(metrics, list) or not metrics:
            self.fail(f"{key}.metrics", "must be a non-empty list of {key, label, unit, type, min}")
            return None
        result: list[Metric] = []
        seen: set[str] = set()
        for i, item in enumerate(metrics):
            metric = self.metric(item, f"{key}.metrics[{i}]")
            if metric is None:
                continue
            if metric.key in seen:
                self.fail(f"{key}.metrics[{i}].key", f"metric '{metric.key}' is declared twice")
            seen.add(metric.key)
            result.append(metric)
        return KpiSchedule(every_days=every or 1, metrics=tuple(result))

    def metric(self, item: Any, key: str) -> Metric | None:
        if not isinstance(item, dict):
            self.fail(key, "must be a mapping with key, label, unit, type, min")
            return None
        for extra in sorted(set(item) - {"key", "label", "unit", "type", "min"}):
            self.fail(f"{key}.{extra}", "unknown key")
        mkey = self.name(item.get("key"), f"{key}.key")
        kind = item.get("type", "int")
        if kind not in METRIC_TYPES:
            self.fail(f"{key}.type", f"'{kind}' is not a metric type ({', '.join(METRIC_TYPES)})")
        unit = item.get("unit", "")
        if not isinstance(unit, str) or len(unit) > 16:
            self.fail(f"{key}.unit", "must be a short text (at most 16 characters)")
            unit = ""
        elif kind == "money" and not CURRENCY_PATTERN.match(unit):
            self.fail(f"{key}.unit", "a money metric's unit is its currency code, e.g. MAD or EUR")
        minimum = item.get("min", 0)
        if minimum is not None and (not isinstance(minimum, int) or isinstance(minimum, bool)):
            self.fail(f"{key}.min", "must be a whole number, or null for no minimum")
            minimum = 0
        return Metric(key=mkey, label_text=self.label(item.get("label"), f"{key}.label", mkey), unit=unit,
                      type=kind if kind in METRIC_TYPES else "int", min=minimum)

    def readiness(self, value: Any, key: str) -> ReadinessScale | None:
        if not isinstance(value, dict):
            self.fail(key, "must be a mapping with scale and dimensions")
            return None
        for extra in sorted(set(value) - {"scale", "dimensions"}):
            self.fail(f"{key}.{extra}", "unknown key")
        scale = value.get("scale")
        lowest = highest = None
        if not isinstance(scale, dict) or set(scale) != {"min", "max"}:
            self.fail(f"{key}.scale", "must be {min: …, max: …}, e.g. {min: 1, max: 9}")
        else:
            lowest, highest = scale["min"], scale["max"]
            numbers = all(isinstance(n, int) and not isinstance(n, bool) for n in (lowest, highest))
            if not numbers or not SCALE_BOUNDS[0] <= lowest < highest <= SCALE_BOUNDS[1]:
                self.fail(f"{key}.scale", f"min and max are whole numbers, {SCALE_BOUNDS[0]} ≤ min < max ≤ "
                                          f"{SCALE_BOUNDS[1]}")
                lowest = highest = None
        dimensions = value.get("dimensions")
        if not isinstance(dimensions, list) or not dimensions:
            self.fail(f"{key}.dimensions", "must be a non-empty list of {key, label, levels}")
            return None
        result: list[ReadinessDimension] = []
        for here, item, dkey in self.keyed_mappings(dimensions, f"{key}.dimensions", ("key", "label", "levels"),
                                                     "dimension"):
            levels = item.get("levels")
            count = highest - lowest + 1 if lowest is not None else None
            if not isinstance(levels, list) or (count is not None and len(levels) != count):
                self.fail(f"{here}.levels", f"must list one descriptor per level ({count or 'min to max'}), "
                                            "lowest first")
                levels = []
            descriptors = tuple(self.label(text, f"{here}.levels[{j}]", str(j)) for j, text in enumerate(levels))
            result.append(ReadinessDimension(dkey, self.label(item.get("label"), f"{here}.label", dkey),
                                             descriptors))
        if lowest is None:
            return None
        return ReadinessScale(lowest=lowest, highest=highest, dimensions=tuple(result))
