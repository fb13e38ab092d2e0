"""The catalogue's records (:class:`Indicator`, :class:`Objective`), built from and checked
against the entries of ``data/catalogue.yaml``; :mod:`snppe_report.read.catalogue` holds
them and matches workbook labels to them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from snppe_report.text import normalize

__all__ = [
    "KINDS",
    "DIRECTIONS",
    "UNITS",
    "LOCAL_PREFIX",
    "Indicator",
    "Objective",
    "indicator_from_entry",
    "objective_from_entry",
    "validate",
]

KINDS = ("count", "ratio", "delay", "text")
DIRECTIONS = ("hausse", "baisse", "neutre")
UNITS = ("nombre", "pourcentage", "mois", "jours", "heures", "euros", "texte")
LOCAL_PREFIX = "local-"


@dataclass(frozen=True)
class Indicator:
    """One harmonised national indicator.

    ``national_target`` is the threshold to compare with: ``target_min`` when higher
    is better, ``target_max`` when lower is better. Ratios hold fractions
    (20 % -> 0.2); delays hold months.
    """

    id: str
    label: str
    variants: tuple[str, ...]
    unit: str
    direction: str
    numerator: str | None
    denominator: str | None
    national_target: float | None
    national_target_label: str
    source: str
    objective: str
    kind: str
    target_min: float | None = None
    target_max: float | None = None
    definition: str = ""
    objectives: tuple[str, ...] = ()
    source_detail: str = ""
    url: str = ""
    definition_from_sheet: bool = True
    context_keywords: tuple[str, ...] = ()

    @property
    def is_ratio(self) -> bool:
        """Whether the indicator is ``numerator / denominator``."""
        return self.kind == "ratio"

    @property
    def labels(self) -> tuple[str, ...]:
        """The canonical label followed by its variants."""
        return (self.label, *self.variants)


@dataclass(frozen=True)
class Objective:
    """A national objective grouping harmonised indicators."""

    id: str
    title: str
    engagement: int
    mesure: str
    text: str
    variants: tuple[str, ...] = ()
    national_target_label: str = ""


def validate(
    indicator: Indicator,
    by_id: dict[str, Indicator],
    objectives: dict[str, Objective],
) -> None:
    """Raise ``ValueError`` naming what is wrong with ``indicator``."""
    problems = []
    if indicator.kind not in KINDS:
        problems.append(f"kind {indicator.kind!r}")
    if indicator.direction not in DIRECTIONS:
        problems.append(f"direction {indicator.direction!r}")
    if indicator.unit not in UNITS:
        problems.append(f"unit {indicator.unit!r}")
    if not indicator.objectives or any(o not in objectives for o in indicator.objectives):
        problems.append(f"objectives {indicator.objectives!r}")
    if indicator.is_ratio:
        for ref in (indicator.numerator, indicator.denominator):
            if ref not in by_id or by_id[ref].is_ratio:
                problems.append(f"numerator/denominator {ref!r}")
    elif indicator.numerator or indicator.denominator:
        problems.append("numerator/denominator on a non-ratio")
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", indicator.id) is None:
        problems.append("id")
    if indicator.id.startswith(LOCAL_PREFIX):
        problems.append("id starting with 'local-'")
    if problems:
        raise ValueError(f"indicateur {indicator.id} invalide : " + ", ".join(problems))


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _float(value: object) -> float | None:
    return None if value is None else float(value)


def indicator_from_entry(entry: dict) -> Indicator:
    """An :class:`Indicator` from its YAML entry (national target by direction)."""
    target_min = _float(entry.get("target_min"))
    target_max = _float(entry.get("target_max"))
    direction = entry["direction"]
    national = target_max if direction == "baisse" else target_min
    if national is None:
        national = target_min if target_min is not None else target_max
    objectives = tuple(entry["objectives"])
    return Indicator(
        id=entry["id"],
        label=_clean(entry["label"]),
        variants=tuple(_clean(v) for v in entry.get("variants") or ()),
        unit=entry["unit"],
        direction=direction,
        numerator=entry.get("numerator"),
        denominator=entry.get("denominator"),
        national_target=national,
        national_target_label=_clean(entry.get("national_target_label")),
        source=_clean(entry["source"]),
        objective=objectives[0],
        kind=entry["kind"],
        target_min=target_min,
        target_max=target_max,
        definition=_clean(entry.get("definition")),
        objectives=objectives,
        source_detail=_clean(entry.get("source_detail")),
        url=_clean(entry.get("url")),
        definition_from_sheet=bool(entry.get("definition_from_sheet", True)),
        context_keywords=tuple(normalize(k) for k in entry.get("context_keywords") or ()),
    )


def objective_from_entry(entry: dict) -> Objective:
    """An :class:`Objective` from its YAML entry."""
    return Objective(
        id=entry["id"],
        title=_clean(entry["title"]),
        engagement=int(entry["engagement"]),
        mesure=_clean(entry.get("mesure")),
        text=_clean(entry["text"]),
        variants=tuple(_clean(v) for v in entry.get("variants") or ()),
        national_target_label=_clean(entry.get("national_target_label")),
    )
