"""Figures of one fictive dashboard: the numbers behind its cells (see :mod:`synthetic`).

:class:`Figures` draws, from a département's population (``data/population.csv``), the
true counts and rates of every harmonised indicator for 2019-2022: denominators follow
the births and children aged 0-6, each ratio gets a yearly rate (a beta draw for 2019,
then a drift of the odds with a COVID dip in 2020) and its numerator is rate x
denominator; the other counts are derived from these with some noise. The order of the
random draws is part of the output: the same generator gives the same figures.
Nothing here writes cells or reads files itself.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

from snppe_report.read.catalogue import load_catalogue

__all__ = ["PROFILES", "Figures"]

# Rate profile (beta parameters) of each ratio in 2019, and its yearly drift.
PROFILES = {
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


class Figures:
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
        self.rates = {rid: self._rates(rid) for rid in PROFILES}
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
        a, b = PROFILES[ratio_id]
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
        ind = load_catalogue().get(ratio_id)
        num, den = self.counts[ind.numerator][year], self.counts[ind.denominator][year]
        return num / den if den else None


def _odds(rate: float) -> float:
    return rate / (1 - rate)
