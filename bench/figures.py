"""A figure of the bench as it is printed and written to `bench/results/latest.json`."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Figure:
    #: A stable name for the figure (issues and docs refer to it), e.g. `pipeline_api_vs_fixed`.
    id: str
    figure: str
    database: str
    value: float
    baseline: float
    target: str
    unit: str
    samples: int
    #: The target applies to the ratio (most figures) or to the value itself (memory).
    on_value: bool = False

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else math.inf

    @property
    def meets(self) -> bool:
        op, _, number = self.target.partition(" ")
        measured = self.value if self.on_value else self.ratio
        limit = float(number)
        return {"<=": measured <= limit, "<": measured < limit, ">=": measured >= limit, ">": measured > limit}[op]

    def as_json(self) -> dict:
        return {"id": self.id, "figure": self.figure, "database": self.database, "value": round(self.value, 3),
                "baseline": round(self.baseline, 3), "ratio": round(self.ratio, 3), "target": self.target,
                "meets": self.meets, "unit": self.unit, "samples": self.samples}
