"""Cells and rows of one fictive dashboard, from its figures (see :mod:`synthetic`).

:class:`RowWriter` turns the :class:`~snppe_report.demo.figures.Figures` of a
département into :class:`~snppe_report.demo.writer.DashboardEntry` rows the way the
collectivités type them: numbers, numbers as text (« 7 688 »), %-formatted numbers,
ratio formulas, free texts with a comment (« 2 550 (2018) », « 10 % COVID »), the
ND / NC / SO / « Non connu » codes, targets and attainment levels, local indicators
(counts, hours, months, qualitative levels) and the stacked cells of the 2021 layout.
It also makes the deliberate data-entry slips drawn per workbook: a percentage in a
count row, rate targets typed on the first row of their objective, a declared ratio
disagreeing with its numerator and denominator.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from snppe_report.demo.figures import PROFILES, Figures
from snppe_report.demo.spec import DashboardEntry, Number, Ratio
from snppe_report.read.catalogue import Indicator, load_catalogue
from snppe_report.read.collectivites import Collectivite

__all__ = ["RowWriter", "french"]

# Objective number shown in the dashboard, by objective id.
_NUMBERS = {
    "epp": 1,
    "bilans-maternelle": 2,
    "vad-sages-femmes": 3,
    "vad-puericultrices": 4,
    "consultations-infantiles": 5,
    "crip": 6,
    "ase-handicap": 9,
    "tisf": 12,
    "centres-parentaux": 21,
    "retour-domicile": 22,
}
_WITH_TARGET_NOTE = ("bilans-maternelle", "vad-sages-femmes")
_MISSING = ("ND", "ND", "ND", "ND", "NC", "Non connu", "Non disponible")
_ATTEINTE = ("En cours", "Atteint", "Non atteint", "Partiellement atteint", "En cours")


def french(x: float, decimals: int) -> str:
    """``x`` with ``decimals`` decimals and a decimal comma (no thousands separator)."""
    return f"{x:.{decimals}f}".replace(".", ",")


def _thousands(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@dataclass
class RowWriter:
    """Turns figures into the cells and rows of one workbook."""

    rng: random.Random
    collectivite: Collectivite
    annee: int
    figures: Figures
    rates: Mapping[str, float]
    entries: list[DashboardEntry] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    slips: dict[str, str | None] = field(default_factory=dict)
    written: dict[tuple[str, int], object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = self.rng
        self.levels = (2019, 2022) if self.annee == 2023 else (2019, 2020, 2021)
        self.targets = (2023,) if self.annee == 2023 else (2020, 2021, 2022)
        # A diligent collectivité leaves few gaps; a few leave many.
        spread = rng.uniform(0.2, 1.6) * rng.choice((1, 1, 1, 3))
        self.p_missing = min(0.4, self.rates["nd"] * spread)
        self.stacked = self.annee == 2021 and rng.random() < self.rates["stacked"]
        pick = rng.random
        self.slips = {
            "percent": rng.choice(["bilans-pmi", "epp-entretiens", "vad-puer-enfants"])
            if pick() < self.rates["slip_percent_in_count"]
            else None,
            "target": rng.choice(
                ["epp", "bilans-maternelle", "vad-puericultrices", "consultations-infantiles"]
            )
            if pick() < self.rates["slip_target_first_row"]
            else None,
            "ratio": rng.choice(list(PROFILES)[:6]) if pick() < self.rates["slip_ratio"] else None,
        }

    # -- cells ------------------------------------------------------------------------
    def missing(self) -> str:
        return self.rng.choice(_MISSING)

    def count_cell(self, n: int) -> object:
        r = self.rng.random()
        if r < self.rates["text_number"]:
            return _thousands(n, self.rng.choice([" ", "\u00a0", ""]))
        if r < 0.45:
            return Number(n, "#,##0")
        return n

    def rate_cell(self, x: float) -> object:
        r = self.rng.random()
        if r < 0.35:
            return Number(round(x, 4), self.rng.choice(["0.0%", "0.00%", "0%"]))
        if r < 0.6:
            return f"{french(x * 100, 1)}%"
        return f"{french(x * 100, 2)} %"

    def target_cell(self, x: float) -> object:
        r = self.rng.random()
        if r < 0.4:
            return Number(round(x, 2), "0%")
        if r < 0.7:
            return f"{round(x * 100)}%"
        return f"{french(x * 100, 2)} %"

    # -- harmonised rows ------------------------------------------------------------
    def harmonised(
        self, objective_id: str, ids: Sequence[str], facultatif: bool = False, chosen: bool = True
    ) -> None:
        objective = load_catalogue().objective(objective_id)
        text = objective.text
        if objective_id in _WITH_TARGET_NOTE:
            text += f" <i>Cible nationale à horizon 2022 : {objective.national_target_label}</i>"
        rows = []
        for ind_id in ids:
            ind = load_catalogue().get(ind_id)
            key = f"{objective_id}:{ind_id}"
            self.keys.setdefault(ind_id, key)
            values = self.indicator_values(ind, objective_id) if chosen else {}
            rows.append(
                DashboardEntry(
                    mesure=objective.mesure,
                    objectif=text,
                    objectif_num=_NUMBERS[objective_id],
                    indicateur=self.label(ind),
                    values=values,
                    facultatif=facultatif,
                    key=key,
                )
            )
        if chosen and self.slips["target"] == objective_id:
            rows = self._target_on_first_row(rows)
        if self.stacked and objective_id in ("crip", "ase-handicap", "retour-domicile") and chosen:
            rows = [self._stack(rows)]
        self.entries.extend(rows)

    def label(self, ind: Indicator) -> str:
        label = ind.label
        if ind.variants and self.rng.random() < 0.25:
            label = self.rng.choice(ind.variants)
        if ind.kind == "ratio" or label.startswith("-") or ind.source == "CD" or "(" in label:
            return label
        return f"{label} (source {ind.source})"

    def indicator_values(self, ind: Indicator, objective_id: str) -> dict[str, object]:
        values: dict[str, object] = {}
        for year in self.levels:
            cell = self.level(ind, year)
            self.written.setdefault((ind.id, year), cell)
            values[f"valeur_{year}"] = cell
        if ind.is_ratio:
            self._ratio_targets(ind, values)
        elif ind.direction == "hausse" and self.rng.random() < 0.2:
            latest = self.figures.counts[ind.id][self.levels[-1]]
            for year in self.targets:
                values[f"cible_{year}"] = round(latest * self.rng.uniform(1.02, 1.3))
        return values

    def level(self, ind: Indicator, year: int) -> object:
        rng = self.rng
        snds = ind.id.endswith("-snds") or ind.id in ("bilans-medecin", "bilans-protocole")
        gap = self.p_missing * (4 if snds else 1) * (2.5 if ind.id.startswith("crip") else 1)
        if rng.random() < gap:
            return self.missing()
        if ind.is_ratio:
            parts = [self.written.get((i, year)) for i in (ind.numerator, ind.denominator)]
            value = self.figures.ratio(ind.id, year)
            if value is None or self.slips["percent"] == ind.numerator:
                return self.missing()
            if any(_is_code(p) for p in parts) and rng.random() < 0.8:
                return self.missing()
            if self.slips["ratio"] == ind.id and year == self.levels[-1]:
                return self.rate_cell(self._wrong_ratio(ind, year, value))
            if all(_is_number(p) for p in parts) and rng.random() < 0.3:
                return Ratio(
                    self.keys[ind.numerator],
                    self.keys[ind.denominator],
                    rng.choice(["0.0%", "0.00%"]),
                )
            return self.rate_cell(value)
        n = self.figures.counts[ind.id][year]
        if self.slips["percent"] == ind.id:
            ratio = next(r for r in load_catalogue().ratios() if r.numerator == ind.id)
            return f"{french(self.figures.ratio(ratio.id, year) * 100, 2)}%"
        if year == 2019 and rng.random() < self.rates["comment"] * 3:
            if ind.id == "naissances":
                return f"{_thousands(n, ' ')} (2018)"
            if ind.id == "enfants-0-6-ans":
                return f"{n} dont {round(n * 0.31)} de moins de 2 ans"
        return self.count_cell(n)

    def _wrong_ratio(self, ind: Indicator, year: int, value: float) -> float:
        """A declared ratio that disagrees with its terms, as collectivités get it wrong."""
        rng = self.rng
        slip = rng.choice(("previous", "scale", "hundredth"))
        if slip == "previous":  # last year's rate left in the cell
            earlier = self.figures.ratio(ind.id, self.levels[-2])
            if earlier and abs(earlier - value) > 0.01:
                return earlier
        if slip == "hundredth":  # the fraction typed as a percentage: 0,12 % for 12 %
            return value / 100
        return min(0.99, value * rng.uniform(1.3, 1.8))

    def _ratio_targets(self, ind: Indicator, values: dict[str, object]) -> None:
        rng = self.rng
        if rng.random() < 0.22:
            return
        latest = self.figures.ratio(ind.id, self.levels[-1]) or 0.0
        national = ind.national_target or 1.0
        goal = latest
        for year in self.targets:
            if rng.random() < 0.04:
                values[f"cible_{year}"] = "N/A"
                continue
            if year == 2020 and rng.random() < self.rates["comment"] * 4:
                values[f"cible_{year}"] = f"{round(latest * 100)} % COVID"
                continue
            goal = min(0.99, max(goal * rng.uniform(1.03, 1.3), goal + 0.01))
            if rng.random() < 0.3:
                goal = max(goal, national)
            values[f"cible_{year}"] = self.target_cell(min(goal, 1.0))
        if self.annee == 2023 and rng.random() < 0.35:
            if rng.random() < 0.5 or not latest:
                values["atteinte_2023"] = rng.choice(_ATTEINTE)
            else:
                values["atteinte_2023"] = Number(min(1.0, round(latest / max(goal, 1e-9), 2)), "0%")

    def _target_on_first_row(self, rows: list[DashboardEntry]) -> list[DashboardEntry]:
        """The slip of seed 001: the rate targets typed on the objective's first row."""
        ratio = rows[-1]
        moved = {k: v for k, v in ratio.values.items() if k.startswith("cible_")}
        if not moved:
            return rows
        first = rows[0]
        kept = {k: v for k, v in ratio.values.items() if k not in moved}
        first_values = {**first.values, **moved}
        return [_with_values(first, first_values), *rows[1:-1], _with_values(ratio, kept)]

    def _stack(self, rows: list[DashboardEntry]) -> DashboardEntry:
        """Seed 001's stacked cells: labels and values on lines of one cell each."""
        label = "\n".join(r.indicateur for r in rows)
        keys = sorted({k for r in rows for k in r.values})
        values = {}
        for key in keys:
            cells = [r.values.get(key) for r in rows]
            if any(isinstance(c, Ratio | Number) or c is None for c in cells):
                cells = [_as_text(c, r, key, self) for c, r in zip(cells, rows, strict=True)]
            if all(c in ("", None) for c in cells):
                continue
            values[key] = "\n".join("ND" if c in ("", None) else str(c) for c in cells)
        head = rows[0]
        return DashboardEntry(
            mesure=head.mesure,
            objectif=head.objectif,
            objectif_num=head.objectif_num,
            indicateur=label,
            values=values,
            facultatif=head.facultatif,
        )

    # -- local rows -----------------------------------------------------------------
    def local(
        self,
        mesure: str,
        objectif: str,
        num: int | None,
        indicators: Sequence[tuple[str, str, float]],
        facultatif: bool = False,
        chosen: bool = True,
        action: str = "",
    ) -> None:
        """Rows of local indicators: (label, kind, base) with kind count / new / hours /
        months / percent / qualitative."""
        if action and self.annee == 2023 and self.rng.random() < 0.6:
            objectif = f"{action}: {objectif}"
        for label, kind, base in indicators:
            values = self.local_values(kind, base) if chosen else {}
            self.entries.append(
                DashboardEntry(
                    mesure=mesure,
                    objectif=objectif,
                    objectif_num=num,
                    indicateur=label,
                    values=values,
                    facultatif=facultatif,
                )
            )

    def local_values(self, kind: str, base: float) -> dict[str, object]:
        rng = self.rng
        scale = self.figures.counts["naissances"][2019] / 5000
        values: dict[str, object] = {}
        level = max(1.0, base * (scale if kind in ("count", "new", "hours") else 1.0))
        for i, year in enumerate(self.levels):
            if kind in ("new", "qualitative", "percent") and year == 2019:
                values[f"valeur_{year}"] = "SO"
                continue
            if rng.random() < self.p_missing:
                values[f"valeur_{year}"] = rng.choice(("ND", "ND", "Non communiqué"))
                continue
            values[f"valeur_{year}"] = self._local_value(kind, level, i)
        if rng.random() < 0.6:
            for year in self.targets:
                values[f"cible_{year}"] = self._local_value(kind, level * 1.2, len(self.levels))
        return values

    def _local_value(self, kind: str, level: float, step: int) -> object:
        rng = self.rng
        if kind == "qualitative":
            return rng.choice(("En cours", "Réalisé", "oui", "Protocole signé", "Non réalisé"))
        if kind == "percent":
            return Number(
                min(1.0, round(level * (1 + 0.15 * step) * rng.uniform(0.9, 1.1), 2)), "0%"
            )
        value = level * (1 + 0.1 * step) * rng.uniform(0.8, 1.2)
        if kind == "hours":
            return f"{french(round(value * 2) / 2, 1).removesuffix(',0')} heures"
        if kind == "months":
            return f"{french(round(value * 2) / 2, 1).removesuffix(',0')} mois"
        n = round(value)
        if rng.random() < self.rates["comment"]:
            return rng.choice(
                (
                    f"{n} + {rng.randint(2, 12)} logements autonomes",
                    f"{n} (COVID)",
                    f"{n}, à défaut de places disponibles",
                )
            )
        return n


def _is_number(cell: object) -> bool:
    if isinstance(cell, Number):
        return True
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def _is_code(cell: object) -> bool:
    return isinstance(cell, str) and cell in _MISSING


def _with_values(entry: DashboardEntry, values: Mapping[str, object]) -> DashboardEntry:
    return DashboardEntry(
        mesure=entry.mesure,
        objectif=entry.objectif,
        objectif_num=entry.objectif_num,
        indicateur=entry.indicateur,
        values=dict(values),
        facultatif=entry.facultatif,
        key=entry.key,
    )


def _as_text(cell: object, row: DashboardEntry, key: str, writer: RowWriter) -> str:
    """A cell of a stacked block as the text it shows."""
    if cell is None or cell == "":
        return ""
    if isinstance(cell, Ratio):
        num = writer.figures.counts[cell.numerator.split(":")[1]]
        den = writer.figures.counts[cell.denominator.split(":")[1]]
        year = int(key.split("_")[1])
        return f"{french(num[year] / den[year] * 100, 2)} %"
    if isinstance(cell, Number):
        if "%" in (cell.number_format or ""):
            return f"{french(cell.value * 100, 2)} %"
        return str(cell.value)
    return str(cell)
