"""The translatable texts of a workflow definition, and the shipped languages each one lacks.

A label without the reader's language is shown in French, then English (`app.core.i18n.localized`),
never as its key; `flask workflows check` warns about each missing language so the definition's
author can add it, without refusing the file (a cluster may ship a path before translating it)."""

from __future__ import annotations

from collections.abc import Iterable

from app.workflow.definition import WorkflowDefinition
from app.workflow.loader import Problem


def labels_of(definition: WorkflowDefinition) -> dict[str, dict[str, str]]:
    """Every translatable text of a definition, by its key path: the path's label, stages,
    deliverables, events and their history sentences, KPI metrics, readiness dimensions and levels."""
    texts = {"label": definition.label_text}
    for stage in definition.stages:
        where = f"states.{stage.name}"
        texts[f"{where}.label"] = stage.label_text
        for deliverable in stage.deliverables:
            texts[f"{where}.deliverables.{deliverable.key}.title"] = deliverable.title
        for metric in stage.kpis.metrics if stage.kpis is not None else ():
            texts[f"{where}.kpis.metrics.{metric.key}.label"] = metric.label_text
    for event in definition.events.values():
        texts[f"events.{event.name}.label"] = event.label_text
        if event.history_text:
            texts[f"events.{event.name}.history"] = event.history_text
    for dimension in definition.readiness.dimensions if definition.readiness is not None else ():
        texts[f"readiness.dimensions.{dimension.key}.label"] = dimension.label_text
        for level, descriptor in enumerate(dimension.descriptors, start=definition.readiness.lowest):
            texts[f"readiness.dimensions.{dimension.key}.levels[{level - definition.readiness.lowest}]"] = descriptor
    return texts


def missing_languages(definition: WorkflowDefinition, languages: Iterable[str], *, source: str) -> list[Problem]:
    """One warning per text of `definition` that lacks one of `languages` (the shipped ones)."""
    wanted = list(languages)
    warnings = []
    for where, text in labels_of(definition).items():
        missing = [language for language in wanted if not (text or {}).get(language)]
        if missing:
            warnings.append(Problem(source, where, f"no {', '.join(missing)} text (shown in "
                                                   f"{'French' if text.get('fr') else 'English'} instead)"))
    return warnings
