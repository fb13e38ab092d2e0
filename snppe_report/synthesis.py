"""The national synthesis: every collectivité's harmonised indicators side by side.

:func:`build_synthesis` reads the consolidated rows of a batch (``consolide.parquet``,
the tidy table of every collectivité plus ``fichier``) and the batch manifest, and
computes what the notebook ``notebooks/synthese_nationale.ipynb`` shows:

* for each harmonised ratio of the catalogue, the latest value of every collectivité
  (the declared ratio; when only its numerator and denominator are given, their
  quotient, marked as computed), its distribution against the national target, its
  ranking and a tile-grid map of France (:mod:`snppe_report.maps`);
* the completeness of each collectivité: share of the harmonised indicators filled
  (ratios with their numerators and denominators), of 2019 values, of ratios with a
  target, ND / NC codes and ratios inconsistent with their terms.

The HTML fragments come from the Jinja2 template ``data/synthese-nationale.html.j2``.
:func:`render_synthesis` executes the notebook with papermill and converts it with the
helpers of :mod:`snppe_report.render` (template ``snppe``), then publishes
``synthese-nationale.html`` / ``.pdf`` atomically.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from ._paths import NOTEBOOKS
from .catalogue import Indicator, load_catalogue
from .collectivites import Collectivite, departements, get_collectivite
from .exceptions import InputError, ParameterError
from .report import generation_date

__all__ = [
    "NOTEBOOK",
    "STEM",
    "Synthesis",
    "IndicatorSection",
    "build_synthesis",
    "latest_ratios",
    "completeness",
    "cover_html",
    "overview_html",
    "indicators_html",
    "completeness_html",
    "method_html",
    "render_synthesis",
]

log = logging.getLogger(__name__)

#: The synthesis notebook (thin: parameters, then calls into this module).
NOTEBOOK = NOTEBOOKS / "synthese_nationale.ipynb"
#: Stem of the published files: ``synthese-nationale.html`` / ``.pdf``.
STEM = "synthese-nationale"
#: Objectives a collectivité may leave aside (optional): counted only when reported.
OPTIONAL_OBJECTIVES = ("retour-domicile",)
_MISSING_CODES = ("ND", "NC")


@dataclass(frozen=True)
class IndicatorSection:
    """One harmonised ratio across collectivités.

    Attributes
    ----------
    indicator : Indicator
        The catalogue ratio.
    objective : str
        Title of its national objective.
    values : DataFrame
        One row per collectivité with a value, best first: ``rang, code, nom,
        valeur, annee, calcule, coherent, atteint``.
    aggregate : float or None
        Sum of numerators over sum of denominators (collectivités giving both).
    map_svg, distribution_svg : str
        The figures (empty without any value).
    """

    indicator: Indicator
    objective: str
    values: pd.DataFrame
    expected: int
    aggregate: float | None
    map_svg: str = ""
    distribution_svg: str = ""

    @property
    def count(self) -> int:
        """Collectivités giving a value."""
        return len(self.values)

    @property
    def median(self) -> float | None:
        """Median of the values."""
        return float(self.values["valeur"].median()) if self.count else None

    @property
    def reached(self) -> int:
        """Collectivités at or above the national target."""
        return int(self.values["atteint"].sum()) if self.count else 0


@dataclass(frozen=True)
class Synthesis:
    """Everything the national synthesis shows."""

    annee: int | None
    fictive: bool
    generated: date
    collectivites: pd.DataFrame  # code, nom, annee_campagne, fichiers, statut
    sections: tuple[IndicatorSection, ...]
    completeness: pd.DataFrame
    completeness_map_svg: str
    failures: tuple[dict, ...] = field(default_factory=tuple)
    source: str = ""

    @property
    def missing_departements(self) -> tuple[Collectivite, ...]:
        """Départements covered by no collectivité of the batch."""
        covered = set()
        for code in self.collectivites["code"]:
            covered.update(_covered(code))
        return tuple(d for d in departements() if d.code not in covered)

    @property
    def title_year(self) -> str:
        """``"campagne 2023"`` or ``"dernières valeurs déclarées"``."""
        return f"campagne {self.annee}" if self.annee else "dernières valeurs déclarées"


# --------------------------------------------------------------------------- building


def build_synthesis(
    consolide: str | os.PathLike[str] | pd.DataFrame,
    manifest: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    annee: int | None = None,
    *,
    figures: bool = True,
) -> Synthesis:
    """Compute the national synthesis of a batch.

    Parameters
    ----------
    consolide : path-like or DataFrame
        ``consolide.parquet`` of a batch (or ``.csv``), or its rows: the tidy columns
        (``departement``, ``indicateur_id``, ``annee``, ``nature``, ``valeur``,
        ``unite``, ``statut``, ``brut``…) plus ``fichier``. A relative path is also
        looked for from the ``notebooks`` folder.
    manifest : path-like or mapping, optional
        ``manifest.json`` of the batch, or its content: the collectivités and their
        campaign, failed workbooks, and whether the data is fictive. Without it, the
        collectivités are those of the rows and fictive files are recognised by name.
    annee : int, optional
        Ignore values after this year; defaults to the manifest's year, else all years.
    figures : bool
        Draw the maps and histograms (False: tables only, faster).

    Returns
    -------
    Synthesis

    Raises
    ------
    InputError
        When the consolidated file is missing or lacks the tidy columns.
    """
    rows = consolide if isinstance(consolide, pd.DataFrame) else load_consolidated(consolide)
    man = load_manifest(manifest) if manifest is not None else {}
    if annee is None and man.get("annee") is not None:
        annee = int(man["annee"])
    collectivites = _collectivites(rows, man)
    ratios = latest_ratios(rows, annee)
    sections = tuple(
        _section(ind, ratios, len(collectivites), figures) for ind in load_catalogue().ratios()
    )
    table = completeness(rows, collectivites, annee, ratios=ratios)
    compl_map = _completeness_map(table) if figures else ""
    fictive = bool(man.get("fictif")) or any(
        "fictif" in str(f).lower() for f in rows.get("fichier", pd.Series(dtype=str)).unique()
    )
    failures = tuple(e for e in man.get("entrees", ()) if e.get("statut") == "echec")
    source = "" if isinstance(consolide, pd.DataFrame) else Path(consolide).name
    return Synthesis(annee, fictive, generation_date(), collectivites, sections, table, compl_map,
                     failures, source)  # fmt: skip


def load_consolidated(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``consolide.parquet`` (or ``.csv``) and check its columns.

    Parameters
    ----------
    path : path-like
        The file; a relative path is also looked for from the ``notebooks`` folder.

    Returns
    -------
    DataFrame
    """
    found = _locate(path)
    try:
        if found.suffix.lower() == ".csv":
            rows = pd.read_csv(found, dtype={"departement": str, "brut": str})
        else:
            rows = pd.read_parquet(found)
    except Exception as exc:
        raise InputError(f"données consolidées illisibles : {exc}", file=found) from exc
    needed = {"departement", "indicateur_id", "annee", "nature", "valeur", "unite", "statut"}
    lacking = sorted(needed - set(rows.columns))
    if lacking:
        raise InputError(f"données consolidées sans les colonnes {', '.join(lacking)}", file=found)
    return rows


def load_manifest(manifest: str | os.PathLike[str] | Mapping[str, Any]) -> dict:
    """The batch manifest as a dict (from ``manifest.json`` or as given)."""
    if isinstance(manifest, Mapping):
        return dict(manifest)
    found = _locate(manifest)
    try:
        return json.loads(found.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"manifeste illisible : {exc}", file=found) from exc


def latest_ratios(rows: pd.DataFrame, annee: int | None = None) -> pd.DataFrame:
    """Every harmonised ratio of every collectivité, with its terms, by year.

    Parameters
    ----------
    rows : DataFrame
        Consolidated tidy rows (several collectivités).
    annee : int, optional
        Ignore later years.

    Returns
    -------
    DataFrame
        ``departement, indicateur_id, annee, declare, numerateur, denominateur,
        calcule, valeur, est_calcule, coherent``: ``valeur`` is the declared ratio, or
        the computed one when none is declared; ``coherent`` is None when a side is
        missing. One row per collectivité, ratio and year.
    """
    ratios = load_catalogue().ratios()
    wanted = {i for ind in ratios for i in (ind.id, ind.numerator, ind.denominator)}
    columns = ["departement", "indicateur_id", "annee", "unite", "valeur", "brut"]
    keep = rows["indicateur_id"].isin(wanted) & (rows["nature"] == "valeur")
    keep &= rows["valeur"].notna()
    if annee is not None:
        keep &= rows["annee"] <= annee
    values = rows.loc[keep].reindex(columns=columns)
    first = values.drop_duplicates(["departement", "indicateur_id", "annee", "unite"])
    keys = ["departement", "annee"]
    frames = []
    for ind in ratios:
        declared = _pick(first, ind.id, "pourcentage", "declare", with_brut=True)
        num = _pick(first, ind.numerator, "nombre", "numerateur")
        den = _pick(first, ind.denominator, "nombre", "denominateur")
        merged = declared.merge(num, on=keys, how="outer").merge(den, on=keys, how="outer")
        merged["indicateur_id"] = ind.id
        frames.append(merged)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    ok = out["denominateur"].fillna(0) > 0
    out["calcule"] = (out["numerateur"] / out["denominateur"]).where(ok)
    out["valeur"] = out["declare"].where(out["declare"].notna(), out["calcule"])
    out["est_calcule"] = out["declare"].isna() & out["calcule"].notna()
    gap = (out["declare"] - out["calcule"]).abs() * 100
    tolerance = out["brut"].map(_half_unit_points) + _tolerance_points()
    out["coherent"] = (gap <= tolerance).astype(object).where(gap.notna(), None)
    out = out.dropna(subset=["valeur"])
    columns = ["departement", "indicateur_id", "annee", "declare", "numerateur",
               "denominateur", "calcule", "valeur", "est_calcule", "coherent"]  # fmt: skip
    return out[columns].sort_values(["indicateur_id", "departement", "annee"], kind="stable")


def completeness(
    rows: pd.DataFrame,
    collectivites: pd.DataFrame,
    annee: int | None = None,
    *,
    ratios: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Completeness of the harmonised indicators, one row per collectivité.

    The expected indicators are the catalogue ratios with their numerators and
    denominators; those of an optional objective (``OPTIONAL_OBJECTIVES``) count only
    when the collectivité reported one of them.

    Parameters
    ----------
    rows : DataFrame
        Consolidated tidy rows.
    collectivites : DataFrame
        ``code, nom, annee_campagne`` of the collectivités of the batch.
    annee : int, optional
        Ignore later years.
    ratios : DataFrame, optional
        :func:`latest_ratios` of the same rows, when already computed.

    Returns
    -------
    DataFrame
        ``code, nom, annee_campagne, attendus, renseignes, part_renseignes, valeurs_2019,
        part_2019, ratios, ratios_cible, part_cibles, codes_nd, incoherents``.
    """
    cat = load_catalogue()
    groups = _expected_groups()
    harmonised = {i for ids in groups.values() for i in ids}
    data = rows[rows["indicateur_id"].isin(harmonised)]
    if annee is not None:
        data = data[data["annee"] <= annee]
    is_value = (data["nature"] == "valeur") & data["valeur"].notna()
    reported = _sets(data)
    filled = _sets(data[is_value])
    in_2019 = _sets(data[is_value & (data["annee"] == 2019)])
    targeted = _sets(data[(data["nature"] == "cible") & data["statut"].isin(("ok", "texte"))])
    nd = data[(data["nature"] == "valeur") & data["statut"].isin(_MISSING_CODES)]
    nd_counts = nd.groupby("departement").size()
    if ratios is None:
        ratios = latest_ratios(rows, annee)
    bad = ratios[ratios["coherent"].eq(False)]  # noqa: E712 - object column
    bad_counts = bad.groupby("departement")["indicateur_id"].nunique()
    records = []
    for code, nom, campagne in collectivites[["code", "nom", "annee_campagne"]].itertuples(
        index=False
    ):
        mine = reported.get(code, set())
        expected = {
            i for obj, ids in groups.items() for i in ids
            if obj not in OPTIONAL_OBJECTIVES or mine & set(ids)
        }  # fmt: skip
        expected_ratios = {i for i in expected if cat.get(i).is_ratio}
        n, n_ratios = len(expected), len(expected_ratios)
        done = len(filled.get(code, set()) & expected)
        first = len(in_2019.get(code, set()) & expected)
        with_target = len(targeted.get(code, set()) & expected_ratios)
        records.append({
            "code": code, "nom": nom, "annee_campagne": campagne, "attendus": n,
            "renseignes": done, "part_renseignes": done / n if n else None,
            "valeurs_2019": first, "part_2019": first / n if n else None,
            "ratios": n_ratios, "ratios_cible": with_target,
            "part_cibles": with_target / n_ratios if n_ratios else None,
            "codes_nd": int(nd_counts.get(code, 0)), "incoherents": int(bad_counts.get(code, 0)),
        })  # fmt: skip
    return pd.DataFrame.from_records(records, columns=_COMPLETENESS_COLUMNS)


def _sets(frame: pd.DataFrame) -> dict[str, set[str]]:
    """Collectivité code -> the indicator ids of its rows."""
    return {code: set(ids) for code, ids in frame.groupby("departement")["indicateur_id"]}


_COMPLETENESS_COLUMNS = [
    "code", "nom", "annee_campagne", "attendus", "renseignes", "part_renseignes",
    "valeurs_2019", "part_2019", "ratios", "ratios_cible", "part_cibles", "codes_nd",
    "incoherents",
]  # fmt: skip


def _expected_groups() -> dict[str, tuple[str, ...]]:
    """Objective id -> its ratios with their terms (catalogue order, no repeats)."""
    groups: dict[str, list[str]] = {}
    for ind in load_catalogue().ratios():
        ids = groups.setdefault(ind.objective, [])
        for ident in (ind.numerator, ind.denominator, ind.id):
            if ident not in ids:
                ids.append(ident)
    return {k: tuple(v) for k, v in groups.items()}


def _pick(frame: pd.DataFrame, ident: str, unite: str, name: str, with_brut: bool = False):
    part = frame[(frame["indicateur_id"] == ident) & (frame["unite"] == unite)]
    columns = ["departement", "annee", "valeur"] + (["brut"] if with_brut else [])
    part = part.reindex(columns=columns).rename(columns={"valeur": name})
    return part.astype({name: "float64"})


_DECIMALS = re.compile(r"\d+(?:[,.](\d+))?")


def _tolerance_points() -> float:
    """The report's tolerance (``status_rules.yaml``), so both judge ratios alike."""
    from .status import rules

    return float(rules()["controles"]["tolerance_ratio_points"])


def _half_unit_points(brut: object) -> float:
    """Half a unit of the last significant decimal of a reported percentage, in points."""
    if not isinstance(brut, str):
        return 0.05
    match = _DECIMALS.search(brut)
    decimals = len((match.group(1) or "").rstrip("0")) if match else 1
    return 0.5 * 10 ** (-decimals)


def _section(
    ind: Indicator, ratios: pd.DataFrame, expected: int, figures: bool
) -> IndicatorSection:
    from .maps import distribution_svg, tile_map_svg

    mine = ratios[ratios["indicateur_id"] == ind.id]
    latest = mine.sort_values("annee", kind="stable").groupby("departement").tail(1)
    target = ind.national_target
    table = pd.DataFrame({
        "code": latest["departement"].astype(str),
        "nom": [_name(c) for c in latest["departement"]],
        "valeur": latest["valeur"].astype(float),
        "annee": latest["annee"].astype(int),
        "calcule": latest["est_calcule"].astype(bool),
        "coherent": latest["coherent"],
    })  # fmt: skip
    table["atteint"] = table["valeur"] >= (target - 1e-9) if target is not None else False
    table = table.sort_values(["valeur", "nom"], ascending=[False, True], kind="stable")
    table.insert(0, "rang", range(1, len(table) + 1))
    table = table.reset_index(drop=True)
    both = mine.dropna(subset=["numerateur", "denominateur"])
    both = both.sort_values("annee", kind="stable").groupby("departement").tail(1)
    total = both["denominateur"].sum()
    aggregate = float(both["numerateur"].sum() / total) if total > 0 else None
    objective = load_catalogue().objective(ind.objective).title
    map_svg = dist_svg = ""
    if figures and len(table):
        by_dep = _by_departement(dict(zip(table["code"], table["valeur"], strict=True)))
        map_svg = tile_map_svg(by_dep, cible_nationale=target, key=ind.id,
                               titre_legende="Dernière valeur déclarée")  # fmt: skip
        dist_svg = distribution_svg(list(table["valeur"]), cible_nationale=target, key=ind.id)
    return IndicatorSection(ind, objective, table, expected, aggregate, map_svg, dist_svg)


def _completeness_map(table: pd.DataFrame) -> str:
    from .maps import tile_map_svg

    values = dict(zip(table["code"], table["part_renseignes"], strict=True))
    return tile_map_svg(
        _by_departement(values), seuils=[0.5, 0.7, 0.9, 0.999], key="completude",
        libelles=["moins de 50 %", "de 50 % à 70 %", "de 70 % à 90 %",
                  "de 90 % à moins de 100 %", "100 % (complet)"],
        titre_legende="Indicateurs renseignés",
    )  # fmt: skip


def _by_departement(values: Mapping[str, float]) -> dict[str, float]:
    """Values of collectivités spread over their départements (a département's own wins)."""
    out: dict[str, float] = {}
    for code, value in values.items():
        for dep in _covered(code):
            if dep == code or dep not in values:
                out[dep] = value
    return out


def _collectivites(rows: pd.DataFrame, man: Mapping[str, Any]) -> pd.DataFrame:
    """The collectivités of the batch: from the manifest, else from the rows."""
    found: dict[str, dict] = {}
    for entry in man.get("entrees", ()):
        coll = entry.get("collectivite") or {}
        code = coll.get("code")
        if not code or entry.get("statut") == "echec":
            continue
        item = found.setdefault(code, {"code": code, "nom": coll.get("nom") or _name(code),
                                       "annee_campagne": None, "fichiers": []})  # fmt: skip
        item["fichiers"].append(entry.get("fichier", ""))
        year = entry.get("annee_campagne")
        if year is not None and (item["annee_campagne"] is None or year > item["annee_campagne"]):
            item["annee_campagne"] = int(year)
    for code in rows["departement"].dropna().astype(str).unique():
        if code not in found:
            files = rows.loc[rows["departement"] == code].get("fichier", pd.Series(dtype=str))
            found[code] = {"code": code, "nom": _name(code), "annee_campagne": None,
                           "fichiers": sorted(files.dropna().astype(str).unique())}  # fmt: skip
    columns = ["code", "nom", "annee_campagne", "fichiers"]
    table = pd.DataFrame(list(found.values()), columns=columns)
    return table.sort_values("code", key=lambda c: c.map(_code_order)).reset_index(drop=True)


def _code_order(code: str) -> tuple:
    return (len(code) == 3 and code.isdigit(), code.replace("2A", "20A").replace("2B", "20B"))


def _covered(code: str) -> tuple[str, ...]:
    try:
        return get_collectivite(code).departements
    except Exception:  # noqa: BLE001 - an unknown code covers nothing on the map
        return ()


@cache
def _name(code: str) -> str:
    try:
        return get_collectivite(code).nom
    except Exception:  # noqa: BLE001 - keep the code when the table does not know it
        return str(code)


def _locate(path: str | os.PathLike[str]) -> Path:
    candidate = Path(path).expanduser()
    if candidate.exists():
        return candidate
    beside = NOTEBOOK.parent / candidate
    if not candidate.is_absolute() and beside.exists():
        return beside
    raise InputError("fichier introuvable", file=candidate)


# --------------------------------------------------------------------------- HTML


def cover_html(s: Synthesis) -> str:
    """Cover page: title, scope, fictive banner, batch facts."""
    return _macro("couverture", s)


def overview_html(s: Synthesis) -> str:
    """One line per harmonised ratio: coverage, median, share at the national target."""
    return _macro("vue_ensemble", s)


def indicators_html(s: Synthesis) -> str:
    """One chapter per harmonised ratio: map, distribution, ranking."""
    return _macro("indicateurs", s)


def completeness_html(s: Synthesis) -> str:
    """The completeness chapter: map and table by collectivité."""
    return _macro("completude", s)


def method_html(s: Synthesis) -> str:
    """How the figures were computed."""
    return _macro("methode", s)


def _macro(name: str, s: Synthesis) -> str:
    return str(getattr(_template().module, name)(s))


@cache
def _template():
    import jinja2

    from .formatting import format_date, format_number, format_percent

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("snppe_report", "data"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        pct=lambda v, d=1: format_percent(v, d),
        nombre=lambda v, d=None: format_number(v, d),
        date_fr=format_date,
        img=_data_uri,
    )
    env.globals.update(
        isnan=lambda v: v is None or (isinstance(v, float) and math.isnan(v)),
        catalogue_label=lambda ident: load_catalogue().get(ident).label,
        tolerance=_tolerance_points,
    )
    return env.get_template("synthese-nationale.html.j2")


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# --------------------------------------------------------------------------- rendering


def render_synthesis(
    consolide_parquet: str | os.PathLike[str],
    manifest: str | os.PathLike[str] | Mapping[str, Any] | None,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = ("html", "pdf"),
    *,
    annee: int | None = None,
    kernel_name: str = "python3",
) -> dict[str, Path]:
    """Execute the synthesis notebook and publish ``synthese-nationale.html`` / ``.pdf``.

    Parameters
    ----------
    consolide_parquet : path-like
        The batch's ``consolide.parquet``.
    manifest : path-like, mapping or None
        The batch's ``manifest.json`` or its content.
    out_dir : path-like
        Destination folder; files are replaced atomically, a failed run leaves the
        previous ones and keeps ``synthese-nationale.echec.ipynb`` for audit.
    formats : iterable of str
        Among ``"html"`` and ``"pdf"``.
    annee : int, optional
        Ignore values after this year (default: the manifest's year).
    kernel_name : str
        Jupyter kernel.

    Returns
    -------
    dict of str to Path
        Published files by format.

    Raises
    ------
    ParameterError
        Unknown format.
    SnppeError
        The notebook, the HTML or the PDF step failed (:class:`RenderError`), or the
        inputs are unreadable (:class:`InputError`).
    """
    from . import render

    wanted = tuple(dict.fromkeys(str(f).lower() for f in ([formats] if isinstance(formats, str)
                                                          else formats)))  # fmt: skip
    bad = [f for f in wanted if f not in ("html", "pdf")]
    if bad or not wanted:
        raise ParameterError(f"format(s) inconnu(s) : {', '.join(bad) or '(aucun)'} ; "
                             "formats possibles : html, pdf")  # fmt: skip
    consolide = Path(consolide_parquet).expanduser().resolve()
    if not consolide.is_file():
        raise InputError("données consolidées introuvables", file=consolide)
    load_consolidated(consolide)  # unreadable data stops here, before any kernel starts
    dest = Path(out_dir)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="snppe-synthese-") as tmp:
        work = Path(tmp)
        manifest_path = _manifest_file(manifest, work)
        parameters = render.validate_parameters(
            NOTEBOOK,
            {"consolide": str(consolide), "manifest": manifest_path, "annee": annee},
        )
        nb, _durations = render.execute_notebook(
            NOTEBOOK, parameters, workdir=work, kernel_name=kernel_name,
            failed_path=dest / f"{STEM}.echec.ipynb",
        )  # fmt: skip
        html = render.notebook_to_html(nb, title="Synthèse nationale SNPPE")
        staged: dict[str, Path] = {}
        if "html" in wanted:
            staged["html"] = work / f"{STEM}.html"
            staged["html"].write_text(html, encoding="utf-8")
        if "pdf" in wanted:
            staged["pdf"] = render.html_to_pdf(html, work / f"{STEM}.pdf")
        published = {fmt: _publish(path, dest) for fmt, path in staged.items()}
    failed = dest / f"{STEM}.echec.ipynb"
    if failed.exists():
        failed.unlink()
    return published


def _manifest_file(manifest: Any, work: Path) -> str | None:
    if manifest is None:
        return None
    if isinstance(manifest, Mapping):
        path = work / "manifest.json"
        path.write_text(json.dumps(dict(manifest), ensure_ascii=False, default=str), "utf-8")
        return str(path)
    return str(Path(manifest).expanduser().resolve())


def _publish(src: Path, dest: Path) -> Path:
    """Copy ``src`` into ``dest`` atomically (temporary file in ``dest``, then replace)."""
    fd, tmp = tempfile.mkstemp(dir=dest, prefix=f".{src.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(src.read_bytes())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; publish as usual
        final = dest / src.name
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
