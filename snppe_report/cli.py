"""Command line: ``snppe extract | check | report | batch | demo-data``.

Thin by design: parse, call one library function, turn a :class:`SnppeError`
into its French message and exit code. Anything else is a bug and may show a
traceback. Exit codes: 0 success; 1 ``check --strict`` found something, or a
batch had failures; 2 unusable input or wrong option; 3 rendering failed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from snppe_report import __version__
from snppe_report.exceptions import ParameterError, SnppeError

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

log = logging.getLogger("snppe_report")


def _formats(text: str) -> tuple[str, ...]:
    items = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    bad = [item for item in items if item not in ("html", "pdf")]
    if bad or not items:
        raise argparse.ArgumentTypeError(
            f"format inconnu « {','.join(bad) or text} » : choisir html, pdf ou html,pdf"
        )
    return items


def _year(text: str) -> int:
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"année invalide « {text} » (ex. 2023)")
    return int(text)


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
        p.add_argument("classeurs", nargs="+", type=Path, metavar="CLASSEUR")
    else:
        p.add_argument("classeur", type=Path, metavar="CLASSEUR")
    p.add_argument(
        "--departement", help="code de la collectivité (ex. 68, 2A, 69M) ; remplace la détection"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (French help)."""
    parser = argparse.ArgumentParser(
        prog="snppe",
        description="Rapports annuels SNPPE à partir des tableaux de bord des collectivités.",
    )
    parser.add_argument("--version", action="version", version=f"snppe-report {__version__}")
    parser.add_argument("-v", "--verbeux", action="store_true", help="afficher le détail")
    sub = parser.add_subparsers(dest="commande", metavar="COMMANDE", required=True)

    p = sub.add_parser(
        "extract",
        help="extraire la table des indicateurs (CSV, XLSX, Parquet)",
        description="Écrit une ligne par cellule de valeur non vide.",
    )
    _add_inputs(p)
    p.add_argument(
        "-o",
        "--sortie",
        type=Path,
        metavar="FICHIER",
        help="fichier .csv, .xlsx ou .parquet (défaut : CSV sur la sortie standard)",
    )

    p = sub.add_parser(
        "check",
        help="contrôler la complétude et la cohérence",
        description="Affiche les constats avec leurs cellules.",
    )
    _add_inputs(p)
    p.add_argument(
        "--strict", action="store_true", help="code de sortie 1 dès qu'un constat est trouvé"
    )

    p = sub.add_parser("report", help="produire le rapport HTML et PDF d'une collectivité")
    _add_inputs(p, several=False)
    _add_render_options(p, "build/rapports")
    p.add_argument(
        "--emetteur",
        metavar="TEXTE",
        help="bloc émetteur de la couverture, ex. « Préfecture du Haut-Rhin — ARS Grand Est »"
        " (aucun par défaut)",
    )

    p = sub.add_parser("batch", help="tous les rapports d'un dossier, index et synthèse")
    p.add_argument("dossier", type=Path, metavar="DOSSIER_CLASSEURS")
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

    p = sub.add_parser("demo-data", help="écrire des classeurs fictifs pour chaque département")
    p.add_argument(
        "-n", "--nombre", type=_positive, default=101, help="nombre de départements (défaut : 101)"
    )
    p.add_argument(
        "-o", "--sortie", type=Path, default=Path("build/donnees-fictives"), metavar="DOSSIER"
    )
    p.add_argument("--graine", type=int, default=2026, help="graine aléatoire (reproductible)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``snppe`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbeux else logging.WARNING,
        format="%(levelname)s %(message)s",
    )
    if not args.verbeux:
        # WeasyPrint reports the screen-only CSS it skips in print; not for the user
        for noisy in ("weasyprint", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        return _COMMANDS[args.commande](args)
    except SnppeError as err:
        print(f"snppe : erreur : {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("snppe : interrompu.", file=sys.stderr)
        return 130


def _extract(args) -> int:
    from snppe_report.output import write_table
    from snppe_report.read.table import extract

    frames, failed = [], 0
    for path in args.classeurs:
        try:
            frames.append(extract(path, args.departement).contract())
        except SnppeError as err:
            print(f"snppe : erreur : {err}", file=sys.stderr)
            failed = err.exit_code
    if failed:
        # a partial table would silently replace a previous complete one
        print(
            "snppe : aucune table écrite (corrigez ou retirez le classeur en erreur).",
            file=sys.stderr,
        )
        return failed
    write_table(frames, args.sortie)
    return 0


def _check(args) -> int:
    from snppe_report.analysis.checks import check_extraction, format_findings
    from snppe_report.read.table import extract

    found, failed = 0, 0
    for path in args.classeurs:
        try:
            extraction = extract(path, args.departement)
        except SnppeError as err:
            print(f"snppe : erreur : {err}", file=sys.stderr)
            failed = err.exit_code
            continue
        findings = check_extraction(extraction)
        found += len(findings)
        print(format_findings(extraction, findings))
    if failed:
        return failed
    return 1 if args.strict and found else 0


def _report(args) -> int:
    from snppe_report.report.render import render_report

    result = render_report(
        args.classeur,
        departement=args.departement,
        annee=args.annee,
        formats=args.formats,
        out_dir=args.sortie,
        emetteur=args.emetteur,
    )
    for kind, path in result.outputs.items():
        print(f"{kind} : {path}")
    return 0


def _batch(args) -> int:
    from snppe_report.batch.run import run_batch

    if args.executor == "dask" and not args.scheduler:
        raise ParameterError("--executor dask demande --scheduler ADRESSE")
    result = run_batch(
        args.dossier,
        out_dir=args.sortie,
        annee=args.annee,
        formats=args.formats,
        jobs=args.jobs,
        force=args.force,
        executor=args.executor,
        scheduler=args.scheduler,
    )
    print(result.summary())
    return 1 if result.failures else 0


def _demo_data(args) -> int:
    from snppe_report.demo.synthetic import write_demo_workbooks

    paths = write_demo_workbooks(args.sortie, count=args.nombre, seed=args.graine)
    print(f"{len(paths)} classeurs fictifs écrits dans {args.sortie}")
    return 0


_COMMANDS = {
    "extract": _extract,
    "check": _check,
    "report": _report,
    "batch": _batch,
    "demo-data": _demo_data,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
