"""Content of one fictive dashboard: figures, cells and rows (see :mod:`synthetic`).

The figures of a département are drawn first (denominators from its population,
rates per year, numerators = rate x denominator), then written as cells the way the
collectivités type them (numbers, texts, formulas, codes), with the slips of
``rates``. Nothing here reads or writes files.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .catalogue import Indicator, load_catalogue
from .collectivites import Collectivite
from .writer import (
    GREY_FILL,
    GREY_FILL_THEME,
    DashboardEntry,
    DefinitionEntry,
    DocumentProperties,
    IndicationLine,
    Number,
    Ratio,
    WorkbookSpec,
    layout_2021,
    layout_2023,
)

E1 = "Engagement 1 : Agir le plus précocement possible pour répondre aux besoins des enfants et de leurs familles"  # noqa: E501
E2 = "Engagement 2 : Sécuriser les parcours des enfants protégés et prévenir les ruptures"
E3 = "Engagement 3 : Donner aux enfants les moyens d'agir et garantir leurs droits"
E4 = "Engagement 4 : Préparer leur avenir et sécuriser leur vie d'adulte"
E5 = "Conditions pour y parvenir"
SUBJECT = "Stratégie nationale de prévention et de protection de l'enfance"

# Harmonised blocks: objective id, objective number, rows in each layout.
_BLOCKS_2023 = {
    "epp": ["naissances", "epp-entretiens", "epp-part"],
    "bilans-maternelle": [
        "bilans-cohorte",
        "bilans-pmi",
        "bilans-medecin",
        "bilans-protocole",
        "bilans-part",
    ],
    "vad-sages-femmes": [
        "vad-sf-femmes-prenatal",
        "vad-sf-femmes-postnatal",
        "vad-sf-part-prenatal",
        "vad-sf-part-postnatal",
    ],
    "vad-puericultrices": ["enfants-0-6-ans", "vad-puer-enfants", "vad-puer-part"],
    "consultations-infantiles": [
        "consultations-examens-snds",
        "consultations-enfants",
        "consultations-part",
    ],
}
_BLOCKS_2021 = {
    "epp": ["epp-entretiens", "epp-entretiens-snds", "naissances", "epp-part"],
    "bilans-maternelle": _BLOCKS_2023["bilans-maternelle"],
    "vad-sages-femmes": [
        "vad-sf-prenatales",
        "vad-sf-postnatales",
        "vad-sf-prenatales-snds",
        "vad-sf-postnatales-snds",
        "vad-sf-femmes-prenatal",
        "vad-sf-femmes-postnatal",
        "naissances",
        "vad-sf-part-prenatal",
        "vad-sf-part-postnatal",
    ],
    "vad-puericultrices": [
        "vad-puer-visites",
        "vad-puer-enfants",
        "enfants-0-6-ans",
        "vad-puer-part",
    ],
    "consultations-infantiles": [
        "consultations-examens",
        "consultations-examens-snds",
        "consultations-enfants",
        "enfants-0-6-ans",
        "consultations-part",
    ],
}
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
# Rate profile (beta parameters) of each ratio in 2019, and its yearly drift.
_PROFILES = {
    "epp-part": (2.0, 12.0),
    "bilans-part": (6.0, 2.5),
    "vad-sf-part-prenatal": (2.0, 20.0),
    "vad-sf-part-postnatal": (2.0, 25.0),
    "vad-puer-part": (2.0, 30.0),
    "consultations-part": (2.0, 22.0),
    "crip-taux-3-mois": (3.0, 2.5),
    "ase-handicap-part": (8.0, 3.0),
    "retour-domicile-part": (8.0, 3.0),
}
_LEVEL_YEARS = (2019, 2020, 2021, 2022)
_YEAR_FACTOR = {2019: 1.0, 2020: 0.985, 2021: 0.995, 2022: 0.965}  # births trend
_MISSING = ("ND", "ND", "ND", "ND", "NC", "Non connu", "Non disponible")
_ATTEINTE = ("En cours", "Atteint", "Non atteint", "Partiellement atteint", "En cours")
_INDICATIONS = (
    IndicationLine("INDICATIONS POUR LA COMPLETUDE DU TABLEAU DE BORD", bold=True),
    "",
    IndicationLine(
        "Objectifs fondamentaux et indicateurs transverses (sur fond blanc) :", bold=True
    ),
    "- L'ensemble des indicateurs harmonisés au niveau national pré-positionnés dans le "
    "tableau doivent être complétés",
    "- Ces indicateurs doivent être complétés par au moins un indicateur de résultat pour "
    "chaque action prévue au contrat",
    "- Pour chacun de ces indicateurs, il convient de renseigner les valeurs 2019 et, dans la "
    "mesure du possible 2020",
    "- Pour chacun de ces indicateurs, il convient de renseigner la cible 2021 et, dans la "
    "mesure du possible 2022, à l'exception de ceux pour lesquels il est indiqué non "
    "applicable (N/A)",
    "",
    IndicationLine("Objectifs facultatifs (sur fond grisé)", bold=True),
    "- Pour chaque objectif facultatif retenu, les indicateurs harmonisés correspondants "
    "pré-positionnés dans le tableau doivent être complétés",
)


# --------------------------------------------------------------------------- figures


class _Figures:
    """The true figures of a département: counts and rates by indicator and year."""

    def __init__(self, rng: random.Random, naissances: int, enfants: int) -> None:
        self.rng = rng
        self.counts: dict[str, dict[int, int]] = {}
        years = _LEVEL_YEARS
        u = rng.uniform
        births = {y: round(naissances * _YEAR_FACTOR[y] * u(0.985, 1.015)) for y in years}
        self.counts["naissances"] = births
        self.counts["enfants-0-6-ans"] = {
            y: round(enfants * (1 - 0.012 * (y - 2019)) * u(0.99, 1.01)) for y in years
        }
        self.counts["bilans-cohorte"] = {y: round(births[y] * u(1.04, 1.1)) for y in years}
        self.rates = {rid: self._rates(rid) for rid in _PROFILES}
        self._ratio("epp-part", "epp-entretiens", "naissances")
        self._ratio("bilans-part", "bilans-pmi", "bilans-cohorte")
        share = u(0.3, 0.7)
        self._derived("bilans-medecin", "bilans-pmi", share)
        self.counts["bilans-protocole"] = {
            y: self.counts["bilans-pmi"][y] - self.counts["bilans-medecin"][y] for y in years
        }
        self._ratio("vad-sf-part-prenatal", "vad-sf-femmes-prenatal", "naissances")
        self._ratio("vad-sf-part-postnatal", "vad-sf-femmes-postnatal", "naissances")
        self._derived("vad-sf-prenatales", "vad-sf-femmes-prenatal", u(1.6, 2.8))
        self._derived("vad-sf-postnatales", "vad-sf-femmes-postnatal", u(1.3, 2.2))
        self._derived("vad-sf-prenatales-snds", "vad-sf-prenatales", u(0.2, 0.8))
        self._derived("vad-sf-postnatales-snds", "vad-sf-postnatales", u(0.2, 0.8))
        self._derived("epp-entretiens-snds", "epp-entretiens", u(0.3, 0.9))
        self._ratio("vad-puer-part", "vad-puer-enfants", "enfants-0-6-ans")
        self._derived("vad-puer-visites", "vad-puer-enfants", u(1.8, 3.0))
        self._ratio("consultations-part", "consultations-enfants", "enfants-0-6-ans")
        self._derived("consultations-examens", "consultations-enfants", u(2.0, 3.2))
        self._derived("consultations-examens-snds", "consultations-examens", u(0.5, 0.9))
        self._base("crip-ip-entrantes", births, u(0.3, 0.8), 0.05)
        self._derived("crip-ip-evaluees", "crip-ip-entrantes", u(0.55, 0.95))
        self._ratio("crip-taux-3-mois", "crip-ip-evaluees-3-mois", "crip-ip-evaluees")
        self._base("ase-handicap-notification", births, u(0.04, 0.09), 0.06)
        self._ratio("ase-handicap-part", "ase-handicap-double-pec", "ase-handicap-notification")
        self._base("retour-domicile-mineurs", births, u(0.03, 0.06), 0.08)
        self._ratio(
            "retour-domicile-part", "retour-domicile-accompagnes", "retour-domicile-mineurs"
        )
        self._base("tisf-familles", births, u(0.01, 0.04), 0.1)
        self._derived("tisf-visites", "tisf-familles", u(5.0, 12.0))
        places = max(4, round(naissances / u(150, 300)))
        self.counts["centres-parentaux-places"] = {
            y: places + (rng.randint(0, 6) if y > 2019 else 0) for y in years
        }

    def _rates(self, ratio_id: str) -> dict[int, float]:
        """Yearly rates: a drift of the odds, so high rates approach 100 % smoothly."""
        a, b = _PROFILES[ratio_id]
        odds = _odds(min(0.97, self.rng.betavariate(a, b)))
        drift = math.exp(self.rng.uniform(-0.05, 0.3))
        out = {}
        for year in _LEVEL_YEARS:
            dip = self.rng.uniform(0.6, 0.95) if year == 2020 else 1.0  # COVID
            value = odds * drift ** (year - 2019) * dip
            out[year] = value / (1 + value)
        return out

    def _ratio(self, ratio_id: str, numerator: str, denominator: str) -> None:
        den = self.counts[denominator]
        self.counts[numerator] = {y: round(self.rates[ratio_id][y] * den[y]) for y in den}

    def _derived(self, target: str, source: str, factor: float) -> None:
        noise = self.rng.uniform
        self.counts[target] = {
            y: max(0, round(v * factor * noise(0.95, 1.05))) for y, v in self.counts[source].items()
        }

    def _base(self, target: str, births: Mapping[int, int], factor: float, spread: float) -> None:
        noise = self.rng.uniform
        self.counts[target] = {
            y: max(1, round(b * factor * noise(1 - spread, 1 + spread))) for y, b in births.items()
        }

    def ratio(self, ratio_id: str, year: int) -> float | None:
        ind = _cat().get(ratio_id)
        num, den = self.counts[ind.numerator][year], self.counts[ind.denominator][year]
        return num / den if den else None


# --------------------------------------------------------------------------- cells


def _odds(rate: float) -> float:
    return rate / (1 - rate)


def _cat():
    return load_catalogue()


def _french(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def _thousands(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@dataclass
class _Writer:
    """Turns figures into the cells and rows of one workbook."""

    rng: random.Random
    collectivite: Collectivite
    annee: int
    figures: _Figures
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
            "ratio": rng.choice(list(_PROFILES)[:6]) if pick() < self.rates["slip_ratio"] else None,
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
            return f"{_french(x * 100, 1)}%"
        return f"{_french(x * 100, 2)} %"

    def target_cell(self, x: float) -> object:
        r = self.rng.random()
        if r < 0.4:
            return Number(round(x, 2), "0%")
        if r < 0.7:
            return f"{round(x * 100)}%"
        return f"{_french(x * 100, 2)} %"

    # -- harmonised rows ------------------------------------------------------------
    def harmonised(
        self, objective_id: str, ids: Sequence[str], facultatif: bool = False, chosen: bool = True
    ) -> None:
        objective = _cat().objective(objective_id)
        text = objective.text
        if objective_id in _WITH_TARGET_NOTE:
            text += f" <i>Cible nationale à horizon 2022 : {objective.national_target_label}</i>"
        rows = []
        for ind_id in ids:
            ind = _cat().get(ind_id)
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
            ratio = next(r for r in _cat().ratios() if r.numerator == ind.id)
            return f"{_french(self.figures.ratio(ratio.id, year) * 100, 2)}%"
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
            return f"{_french(round(value * 2) / 2, 1).removesuffix(',0')} heures"
        if kind == "months":
            return f"{_french(round(value * 2) / 2, 1).removesuffix(',0')} mois"
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


def _as_text(cell: object, row: DashboardEntry, key: str, writer: _Writer) -> str:
    """A cell of a stacked block as the text it shows."""
    if cell is None or cell == "":
        return ""
    if isinstance(cell, Ratio):
        num = writer.figures.counts[cell.numerator.split(":")[1]]
        den = writer.figures.counts[cell.denominator.split(":")[1]]
        year = int(key.split("_")[1])
        return f"{_french(num[year] / den[year] * 100, 2)} %"
    if isinstance(cell, Number):
        if "%" in (cell.number_format or ""):
            return f"{_french(cell.value * 100, 2)} %"
        return str(cell.value)
    return str(cell)


# --------------------------------------------------------------------------- workbook


def build_spec(
    collectivite: Collectivite, annee: int, rng: random.Random, pop, rates: Mapping[str, float]
) -> WorkbookSpec:
    """Everything of one fictive workbook, as a :class:`WorkbookSpec`."""
    from .synthetic import FICTIVE_TITLE, TITLE_FORMS

    figures = _Figures(rng, pop.naissances, pop.enfants_0_6)
    w = _Writer(rng, collectivite, annee, figures, rates)
    _fill(w)
    title = rng.choice(TITLE_FORMS)(collectivite)
    if collectivite.code in ("67", "68") and rng.random() < 0.5:
        title = f"Collectivité européenne d'Alsace — {collectivite.nom} ({collectivite.code})"
    properties = DocumentProperties(
        title=f"Tableau de bord SNPPE {annee} — {collectivite.nom} — {FICTIVE_TITLE}",
        subject=SUBJECT,
        keywords=f"SNPPE; {annee}; donnees-fictives",
        description=f"{FICTIVE_TITLE} : classeur de démonstration écrit par snppe demo-data ; "
        "aucune valeur n'est réelle.",
    )
    common = dict(
        collectivite=title,
        fictive=True,
        properties=properties,
        grey_fill=rng.choice((GREY_FILL, GREY_FILL_THEME)),
    )
    if annee == 2023:
        lines = rng.choice(
            (("TABLEAU DE BORD SNPPE",), ("TABLEAU DE BORD SNPPE", f"Avenant {annee} — annexe 2"))
        )
        return layout_2023(
            w.entries,
            title_lines=lines,
            annee=annee,
            header_every=rng.choice((None, 22, 30)),
            **common,
        )
    return layout_2021(
        w.entries, annee=annee, definitions=_definitions(), indications=_INDICATIONS, **common
    )


def _fill(w: _Writer) -> None:
    rng = w.rng
    blocks = _BLOCKS_2023 if w.annee == 2023 else _BLOCKS_2021
    chosen = w.rates["optional_chosen"]
    w.entries.append(DashboardEntry.engagement(E1))
    for objective_id, ids in blocks.items():
        w.harmonised(objective_id, ids)
    w.harmonised(
        "tisf", ["tisf-visites", "tisf-familles"], facultatif=True, chosen=rng.random() < chosen
    )
    w.local(
        "Développer le relayage parental",
        "Créer 20 nouveaux relais parentaux sur le territoire à horizon 2022",
        13,
        [("Nombre d'enfants accueillis en relais parental", "new", 40)],
        facultatif=True,
        chosen=rng.random() < chosen,
    )
    w.entries.append(DashboardEntry.engagement(E2))
    if w.annee == 2021 and rng.random() < 0.6:
        w.entries.append(
            DashboardEntry(
                indicateur=w.label(_cat().get("delai-execution-decisions")),
                values={f"valeur_{y}": f"{_french(rng.uniform(1, 5), 1)} mois" for y in w.levels},
            )
        )
    w.harmonised(
        "crip",
        ["crip-ip-entrantes", "crip-ip-evaluees", "crip-ip-evaluees-3-mois", "crip-taux-3-mois"],
    )
    crip = _cat().objective("crip")
    w.local(
        crip.mesure,
        crip.text,
        6,
        rng.sample(
            [
                ("Nombre de sessions de formation", "new", 3),
                ("Nombre d'agents formés (TMS et cadres)", "new", 120),
                ("Nombre de vacations de psychologues", "hours", 600),
                ("Choix d'un référentiel en évaluation PE", "qualitative", 0),
            ],
            2,
        ),
    )
    w.local(
        crip.mesure,
        "Systématiser et renforcer les protocoles informations préoccupantes (IP)",
        7,
        [
            ("Signature d'un nouveau protocole", "qualitative", 0),
            ("Nombre de réunions d'information", "count", 8),
        ],
        action="Action 7",
    )
    w.local(
        "Créer un référentiel national de contrôle des lieux d'accueil",
        "Systématiser un volet « maîtrise des risques » dans les schémas départementaux de "
        "protection de l'enfance incluant un plan de contrôle des établissements et services",
        8,
        [
            ("Nombre de contrôles réalisés", "count", 4),
            ("Réalisation du calendrier du plan de contrôles", "percent", 0.6),
        ],
        action="Action 8",
    )
    w.harmonised(
        "ase-handicap",
        ["ase-handicap-notification", "ase-handicap-double-pec", "ase-handicap-part"],
    )
    w.local(
        "Soutenir la diversification de l'offre",
        "Diversifier l'offre en matière de protection de l'enfance à domicile",
        19,
        [
            ("Nombre d'enfants différents accueillis en lieux de vie", "count", 60),
            ("Nombre de places en villages d'enfants", "count", 10),
        ],
        facultatif=True,
        chosen=rng.random() < chosen,
    )
    w.harmonised("centres-parentaux", ["centres-parentaux-places"])
    parental = _cat().objective("centres-parentaux")
    w.local(
        parental.mesure,
        parental.text,
        21,
        [("Durée moyenne de prise en charge des familles en centre parental", "months", 8)],
    )
    w.harmonised(
        "retour-domicile",
        ["retour-domicile-mineurs", "retour-domicile-accompagnes", "retour-domicile-part"],
        facultatif=True,
        chosen=rng.random() < chosen,
    )
    w.entries.append(DashboardEntry.engagement(E3))
    w.local(
        "Développer la participation des enfants et des jeunes",
        "Systématiser la participation des enfants et des jeunes aux observatoires "
        "départementaux de la protection de l'enfance (ODPE)",
        10,
        [
            ("Nombre d'enfants participant à l'ODPE", "new", 10),
            ("Constitution du groupe d'enfants", "qualitative", 0),
        ],
        action="Action 12",
    )
    w.entries.append(DashboardEntry.engagement(E4))
    w.local(
        "Faciliter l'intégration pro des anciens MNA",
        "Favoriser l'accès aux droits et l'accompagnement vers l'autonomie des anciens MNA",
        25,
        [("Nombre de contrats jeunes majeurs proposés aux anciens MNA", "count", 60)],
        action="Action 16",
    )
    w.entries.append(DashboardEntry.engagement(E5))
    w.local(
        "Repenser la gouvernance",
        "Renforcer l'ODPE",
        11,
        [
            ("Nombre de réunions de l'ODPE", "count", 2),
            ("Actualisation des données chiffrées", "qualitative", 0),
        ],
        action="Action 13",
    )


def _definitions() -> list[DefinitionEntry]:
    rows: list[DefinitionEntry] = []
    engagement = 0
    for objective in _cat().objectives:
        if objective.engagement != engagement:
            engagement = objective.engagement
            rows.append(DefinitionEntry(engagement={1: E1, 2: E2}.get(engagement, E2)))
        for ind in _cat().indicators_of(objective.id):
            if ind.objective != objective.id:
                continue
            rows.append(
                DefinitionEntry(
                    mesure=f"<p>{objective.mesure}</p>" if objective.mesure else "",
                    objectif=f"<p>{objective.text}</p>",
                    indicateur=f"<p>{ind.label}</p>",
                    definition=f"<p>{ind.definition}</p>" if ind.definition else "",
                    acces=f"<p>{ind.url}</p>" if ind.url else "",
                )
            )
    return rows
