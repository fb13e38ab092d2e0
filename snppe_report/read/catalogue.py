"""The harmonised national indicators, read from ``data/catalogue.yaml``.

Matching a workbook label to an indicator is deliberately strict: the label and
every catalogue label/variant are reduced to a *key*, and a label matches only when
its key equals one of them (labels are reduced to keys by :mod:`snppe_report.read.labels`,
whose docstring lists the tolerated differences). No fuzzy matching: a local
indicator that merely resembles a national one ("Nombre de places créées en centre
parental renforcé …") must stay local.

The source named by a ``(source …)`` parenthesis, or by a parenthesis naming only a
known source such as ``(INSEE)``, chooses between indicators sharing a label
(DREES / CD versus SNDS); with no source the first indicator listed in the catalogue
(DREES / CD) is chosen.

The other spelling differences of the seeds (``Nombre de bilans …`` versus ``Nombre
d'enfants … ayant bénéficié d'un bilan …``, ``selon le domicile`` versus ``au
domicile``, ``consultation`` versus ``examen clinique``) are explicit variants in the
YAML file. A few labels are generic (``- dont par un médecin de PMI``, ``Nombre de
familles bénéficiaires``): when a context (the objective text of the row) is given,
it must contain one of the indicator's ``context_keywords``.

Labels outside the catalogue get a stable local id: ``"local-" + slug`` of their key
(with the source kept), see :func:`indicator_id`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from snppe_report.read.catalogue_entries import (
    DIRECTIONS,
    KINDS,
    LOCAL_PREFIX,
    UNITS,
    Indicator,
    Objective,
    indicator_from_entry,
    objective_from_entry,
    validate,
)
from snppe_report.read.labels import label_key, objective_key
from snppe_report.text import normalize, slugify, strip_html

__all__ = [
    "KINDS",
    "DIRECTIONS",
    "UNITS",
    "LOCAL_PREFIX",
    "Indicator",
    "Objective",
    "Catalogue",
    "load_catalogue",
    "parse_catalogue",
    "indicator_id",
]

_LOCAL_SLUG_MAX = 60


# --------------------------------------------------------------------------- matching

_STACK_SPLIT = re.compile(r"\s+(?=(?:Nombre|Part|Taux|Cohorte|Délai|Delai|- ?dont|Dont)\b)")


def _source_tokens(source: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", normalize(source)))


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Catalogue:
    """The harmonised indicators and objectives, with label lookup.

    Build it with :func:`load_catalogue`; the constructor validates the data.
    """

    indicators: tuple[Indicator, ...]
    objectives: tuple[Objective, ...]
    _by_id: dict[str, Indicator] = field(init=False, repr=False, compare=False)
    _by_key: dict[str, tuple[Indicator, ...]] = field(init=False, repr=False, compare=False)
    _objectives_by_id: dict[str, Objective] = field(init=False, repr=False, compare=False)
    _objectives_by_key: dict[str, Objective] = field(init=False, repr=False, compare=False)
    _source_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Indicator] = {}
        for indicator in self.indicators:
            if indicator.id in by_id:
                raise ValueError(f"identifiant d'indicateur en double : {indicator.id}")
            by_id[indicator.id] = indicator
        objectives = {o.id: o for o in self.objectives}
        if len(objectives) != len(self.objectives):
            raise ValueError("identifiant d'objectif en double")
        words = frozenset(w for i in self.indicators for w in _source_tokens(i.source))
        by_key: dict[str, list[Indicator]] = {}
        for indicator in self.indicators:
            validate(indicator, by_id, objectives)
            keys = {label_key(label, words)[0] for label in indicator.labels}
            for key in keys:
                by_key.setdefault(key, []).append(indicator)
        for key, found in by_key.items():
            first_tokens = [_source_tokens(i.source)[:1] for i in found]
            if len(set(map(tuple, first_tokens))) != len(found):
                ids = ", ".join(i.id for i in found)
                raise ValueError(f"libellé « {key} » partagé sans source distincte : {ids}")
        objective_keys: dict[str, Objective] = {}
        for objective in self.objectives:
            for text in (objective.text, *objective.variants):
                key = objective_key(text)
                if objective_keys.setdefault(key, objective) is not objective:
                    raise ValueError(f"texte d'objectif en double : {key}")
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_key", {k: tuple(v) for k, v in by_key.items()})
        object.__setattr__(self, "_objectives_by_id", objectives)
        object.__setattr__(self, "_objectives_by_key", objective_keys)
        object.__setattr__(self, "_source_words", words)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._by_id

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id.

        Parameters
        ----------
        indicator_id : str
            A catalogue id such as ``"epp-part"``.

        Returns
        -------
        Indicator

        Raises
        ------
        KeyError
            When the id is not in the catalogue (local ids never are).
        """
        return self._by_id[indicator_id]

    def ratios(self) -> tuple[Indicator, ...]:
        """The ratio indicators, in catalogue order.

        Returns
        -------
        tuple of Indicator
            Indicators whose value is ``numerator / denominator``.
        """
        return tuple(i for i in self.indicators if i.is_ratio)

    def objective(self, objective_id: str) -> Objective:
        """The objective with this id (``KeyError`` when unknown)."""
        return self._objectives_by_id[objective_id]

    def indicators_of(self, objective_id: str) -> tuple[Indicator, ...]:
        """The indicators of an objective, shared denominators included.

        Parameters
        ----------
        objective_id : str
            An objective id such as ``"vad-puericultrices"``.

        Returns
        -------
        tuple of Indicator
            In catalogue order.
        """
        self.objective(objective_id)
        return tuple(i for i in self.indicators if objective_id in i.objectives)

    def match(self, label: str | None, context: str | None = None) -> Indicator | None:
        """The harmonised indicator a workbook label denotes, if any.

        Parameters
        ----------
        label : str or None
            The label as written in the workbook.
        context : str, optional
            The objective (or mesure) text of the row. Only used for generic labels
            such as ``"- dont par un médecin de PMI"``: when given (not blank), it
            must contain one of the indicator's ``context_keywords``.

        Returns
        -------
        Indicator or None
            ``None`` for a local indicator.
        """
        if not label:
            return None
        key, source = label_key(label, self._source_words)
        candidates = self._by_key.get(key)
        if not candidates:
            return None
        chosen = _choose_by_source(candidates, source)
        if chosen.context_keywords and context and context.strip():
            norm_context = normalize(context)
            if not any(keyword in norm_context for keyword in chosen.context_keywords):
                return None
        return chosen

    def match_stacked(
        self, text: str | None, context: str | None = None
    ) -> tuple[tuple[str, Indicator], ...]:
        """Split a cell stacking several catalogue labels, e.g. the CRIP cell.

        A cell may hold several indicators on separate lines ("Nombre d'IP
        entrantes / Nombre d'IP évaluées / … / Taux d'IP évalués sous 3 mois"); an
        export may have joined the lines with spaces. The text is split on line
        breaks, or else before each ``Nombre``, ``Part``, ``Taux``, ``Cohorte``,
        ``Délai`` or ``Dont``, and accepted only if every part matches.

        Parameters
        ----------
        text : str or None
            The cell text.
        context : str, optional
            As for :meth:`match`.

        Returns
        -------
        tuple of (str, Indicator)
            Each part's label with its indicator; empty when the text is not a stack
            of at least two catalogue labels.
        """
        if not text:
            return ()
        lines = [line.strip() for line in re.split(r"[\r\n]+", str(text)) if line.strip()]
        if len(lines) < 2:
            lines = [p.strip() for p in _STACK_SPLIT.split(strip_html(str(text))) if p.strip()]
        if len(lines) < 2:
            return ()
        matched = [(line, self.match(line, context)) for line in lines]
        if any(indicator is None for _, indicator in matched):
            return ()
        return tuple((line, indicator) for line, indicator in matched if indicator)

    def match_objective(self, text: str | None) -> Objective | None:
        """The national objective an objective cell denotes, if any.

        Tolerates an ``Action 6:`` prefix, the italic ``Cible nationale …`` note, and
        ``Doublé`` for ``Doubler``, besides the rules of :func:`label_key`: see
        :func:`snppe_report.read.labels.objective_key`.

        Parameters
        ----------
        text : str or None
            The objective cell text.

        Returns
        -------
        Objective or None
        """
        if not text:
            return None
        return self._objectives_by_key.get(objective_key(text))

    def indicator_id(self, label: str, context: str | None = None) -> str:
        """Stable id of a label: its catalogue id, or ``"local-" + slug``.

        See :func:`indicator_id`.
        """
        indicator = self.match(label, context)
        if indicator is not None:
            return indicator.id
        key, source = label_key(label, self._source_words)
        full = f"{key} {source}".strip()
        slug = slugify(full, max_length=10_000)
        if len(slug) > _LOCAL_SLUG_MAX:
            digest = hashlib.sha1(full.encode("utf-8")).hexdigest()[:8]
            slug = f"{slugify(full, max_length=_LOCAL_SLUG_MAX - 9)}-{digest}"
        elif not slug:
            slug = "sans-libelle"
        return LOCAL_PREFIX + slug


def _choose_by_source(candidates: tuple[Indicator, ...], source: str) -> Indicator:
    if len(candidates) == 1 or not source:
        return candidates[0]
    first = source.split()[0]
    for indicator in candidates:
        if _source_tokens(indicator.source)[:1] == (first,):
            return indicator
    words = set(source.split())
    for indicator in candidates:
        if words & set(_source_tokens(indicator.source)):
            return indicator
    return candidates[0]


def parse_catalogue(text: str) -> Catalogue:
    """Build a :class:`Catalogue` from the YAML text of a catalogue file.

    Parameters
    ----------
    text : str
        YAML with ``objectives`` and ``indicators`` lists (see ``data/catalogue.yaml``).

    Returns
    -------
    Catalogue

    Raises
    ------
    ValueError
        When the data is inconsistent (duplicate id or label, unknown reference).
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
    data = yaml.load(text, Loader=loader)  # a safe loader either way
    return Catalogue(
        indicators=tuple(indicator_from_entry(e) for e in data["indicators"]),
        objectives=tuple(objective_from_entry(e) for e in data["objectives"]),
    )


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package, read once.

    Returns
    -------
    Catalogue
        Parsed from ``snppe_report/data/catalogue.yaml``.
    """
    resource = resources.files("snppe_report").joinpath("data", "catalogue.yaml")
    return parse_catalogue(resource.read_text(encoding="utf-8"))


def indicator_id(label: str, context: str | None = None) -> str:
    """Stable id of an indicator label.

    Parameters
    ----------
    label : str
        The label as written in the workbook.
    context : str, optional
        The row's objective text, see :meth:`Catalogue.match`.

    Returns
    -------
    str
        The catalogue id when the label denotes a harmonised indicator, else
        ``"local-"`` followed by the slug of its key (source kept); a key longer
        than 60 characters is cut and given an 8-character hash suffix, so two long
        labels never share an id. The same label always gives the same id.

    Examples
    --------
    >>> indicator_id("Taux d'IP évalués sous 3 mois")
    'crip-taux-3-mois'
    >>> indicator_id("Nombre de session de formations")
    'local-nombre-de-session-de-formations'
    """
    return load_catalogue().indicator_id(label, context)
