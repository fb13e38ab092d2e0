"""The ``snppe`` argument parser, in French, and the checks of option values.

Values that can be judged without reading anything (a year outside every campaign, an
unknown collectivité code, a format) are refused here, before any work.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from snppe_report import __version__

__all__ = ["FIRST_YEAR", "accepted_years", "build_parser", "check_departement"]

# argparse's own messages, in French (argparse looks them up through gettext).
_FR = {
    "usage: ": "usage : ",
    "options": "options",
    "positional arguments": "arguments",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (choisir parmi %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "expected one argument": "une valeur est attendue",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
}
argparse._ = lambda text: _FR.get(text, text)  # type: ignore[attr-defined]


def _formats(text: str) -> tuple[str, ...]:
    items = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    bad = [item for item in items if item not in ("html", "pdf")]
    if bad or not items:
        raise argparse.ArgumentTypeError(
            f"format inconnu « {','.join(bad) or text} » : choisir html, pdf ou html,pdf"
        )
    return items


#: First campaign year a report can be about: the SNPPE diagnostic year.
FIRST_YEAR = 2019


def accepted_years() -> range:
    """Campaign years ``--annee`` accepts: from the 2019 diagnostic to next year."""
    return range(FIRST_YEAR, datetime.date.today().year + 2)


def _year(text: str) -> int:
    years = accepted_years()
    if not text.strip().isdigit() or int(text) not in years:
        raise argparse.ArgumentTypeError(
            f"année invalide « {text} » : années acceptées de {years[0]} à {years[-1]} "
            "(année de campagne du tableau de bord, ex. 2023)"
        )
    return int(text)


def check_departement(code: str | None) -> None:
    """Refuse an unknown ``--departement`` before any work, listing the accepted forms."""
    if code is None:
        return
    from snppe_report.exceptions import CollectiviteError
    from snppe_report.read.collectivites import get_collectivite

    try:
        get_collectivite(code)
    except CollectiviteError as err:
        raise CollectiviteError(
            f"--departement : {err.message} Formes acceptées : code INSEE du département "
            "(68, 068, 2A, 971), code de la collectivité (6AE, 20R, 69M, 75C) ou son nom "
            "exact (Haut-Rhin)."
        ) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"nombre entier positif attendu, pas « {text} »")
    return int(text)


def _add_render_options(p: argparse.ArgumentParser, default_out: str) -> None:
    """--annee, --format and -o, shared by report and batch."""
    p.add_argument("--annee", type=_year, help="année du rapport (défaut : la plus récente)")
    p.add_argument(
        "--format",
        dest="formats",
        type=_formats,
        default=("html", "pdf"),
        help="html, pdf ou html,pdf (défaut)",
    )
    p.add_argument(
        "-o",
        "--sortie",
        type=Path,
        default=Path(default_out),
        metavar="DOSSIER",
        help=f"dossier de sortie (défaut : {default_out})",
    )


def _add_inputs(p: argparse.ArgumentParser, several: bool = True) -> None:
    """The workbook argument(s) and --departement."""
    if several:
        p.add_argument(
            "classeurs",
            nargs="+",
            type=Path,
            metavar="CLASSEUR",
            help="tableau(x) de bord SNPPE (.xlsx, .xlsm, .ods…)",
        )
    else:
        p.add_argument(
            "classeur", type=Path, metavar="CLASSEUR", help="tableau de bord SNPPE (.xlsx, .ods…)"
        )
    p.add_argument(
        "--departement",
        metavar="CODE",
        help="code de la collectivité (ex. 68, 2A, 69M) ; remplace la détection",
    )


def _add_table_output(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--sortie",
        type=Path,
        metavar="FICHIER",
        help="fichier .csv, .xlsx ou .parquet (défaut : CSV sur la sortie standard)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (French help)."""
    parser = argparse.ArgumentParser(
        prog="snppe",
        description="Rapports annuels SNPPE à partir des tableaux de bord des collectivités.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"snppe-report {__version__}",
        help="afficher la version et quitter",
    )
    parser.add_argument(
        "-v",
        "--verbeux",
        "--verbose",
        action="store_true",
        help="afficher le détail (dont le détail technique d'un classeur refusé)",
    )
    sub = parser.add_subparsers(dest="commande", metavar="COMMANDE", required=True)

    p = sub.add_parser(
        "extract",
        help="extraire la table des indicateurs (CSV, XLSX, Parquet)",
        description="Écrit une ligne par cellule de valeur non vide.",
    )
    _add_inputs(p)
    _add_table_output(p)

    p = sub.add_parser(
        "check",
        help="contrôler la complétude et la cohérence",
        description="Affiche les constats avec leurs cellules.",
    )
    _add_inputs(p)
    p.add_argument(
        "--strict", action="store_true", help="code de sortie 1 dès qu'un constat est trouvé"
    )
    p.add_argument(
        "--annoter",
        type=Path,
        metavar="DOSSIER",
        help="écrire dans DOSSIER une copie annotée de chaque classeur "
        "(<code>-<collectivité>-<année>-annote.xlsx : constats en commentaire sur leurs "
        "cellules et feuille « Constats »)",
    )

    p = sub.add_parser(
        "indicateurs",
        help="table des indicateurs et de leurs statuts (CSV, XLSX, Parquet)",
        description=(
            "Une ligne par indicateur : point de départ, dernière valeur, cible, statut et sa "
            "raison, tendance, rythmes observé et requis, position au regard de la cible "
            "nationale, constats et cellules utilisées."
        ),
    )
    _add_inputs(p)
    p.add_argument(
        "--annee", type=_year, help="année de campagne (défaut : celle de chaque classeur)"
    )
    _add_table_output(p)

    p = sub.add_parser(
        "report",
        help="produire le rapport HTML et PDF d'une collectivité",
        description=(
            "Produit le rapport annuel d'une collectivité (HTML et PDF) dans "
            "DOSSIER/<collectivité>/ ; un rapport précédent n'est remplacé qu'en cas de succès."
        ),
    )
    _add_inputs(p, several=False)
    _add_render_options(p, "build/rapports")
    p.add_argument(
        "--consolide",
        type=Path,
        default=None,
        metavar="FICHIER",
        help="données consolidées d'un lot (consolide.parquet ou .csv) : ajoute la section "
        "« Positionnement » (la collectivité parmi les autres)",
    )
    p.add_argument(
        "--emetteur",
        metavar="TEXTE",
        help="bloc émetteur de la couverture, ex. « Préfecture du Haut-Rhin — ARS Grand Est »"
        " (aucun par défaut)",
    )

    p = sub.add_parser(
        "batch",
        help="tous les rapports d'un dossier, index et synthèse",
        description=(
            "Produit le rapport de chaque collectivité d'un dossier de classeurs, l'index, "
            "la synthèse nationale et les données consolidées ; une relance ne refait que "
            "ce qui manque ou a changé."
        ),
    )
    p.add_argument(
        "dossier",
        type=Path,
        metavar="DOSSIER_CLASSEURS",
        help="dossier parcouru (sous-dossiers compris) à la recherche des classeurs",
    )
    _add_render_options(p, "build/lot")
    p.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=None,
        help="rapports produits en parallèle (défaut : nombre de cœurs)",
    )
    p.add_argument("--force", action="store_true", help="tout reproduire, même inchangé")
    p.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="exécution locale (défaut) ou sur un cluster Dask",
    )
    p.add_argument("--scheduler", metavar="ADRESSE", help="adresse du planificateur Dask")
    p.add_argument(
        "--annoter",
        action="store_true",
        help="écrire aussi une copie annotée de chaque classeur (constats sur leurs "
        "cellules), liée depuis l'index",
    )
    p.add_argument(
        "--emetteurs",
        type=Path,
        metavar="FICHIER",
        help="CSV « code;emetteur » : le bloc émetteur de la couverture de chaque rapport, "
        "ex. « 68;Préfecture du Haut-Rhin — ARS Grand Est » (aucun par défaut)",
    )

    p = sub.add_parser("demo-data", help="écrire des classeurs fictifs pour chaque département")
    p.add_argument(
        "-n", "--nombre", type=_positive, default=101, help="nombre de départements (défaut : 101)"
    )
    p.add_argument(
        "-o",
        "--sortie",
        type=Path,
        default=Path("build/donnees-fictives"),
        metavar="DOSSIER",
        help="dossier où écrire les classeurs (défaut : build/donnees-fictives)",
    )
    p.add_argument("--graine", type=int, default=2026, help="graine aléatoire (reproductible)")
    return parser
