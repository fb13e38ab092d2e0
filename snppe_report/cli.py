"""Command line: ``snppe extract | indicateurs | check | report | batch | demo-data``.

Thin by design: parse, call one library function, turn a :class:`SnppeError`
into its French message and exit code. Anything else is a bug and may show a
traceback. Exit codes: 0 success; 1 ``check --strict`` found something, or a
batch had failures; 2 unusable input, wrong option or an output that cannot be
written (checked before any work when it can be); 3 rendering failed; 130 / 143
interrupted by Ctrl-C / SIGTERM; 141 the reader of the standard output went away
(``| head``: nothing is printed, as Unix tools do).
"""

from __future__ import annotations

import argparse
import datetime
import logging
import signal
import sys
from pathlib import Path

from snppe_report import __version__
from snppe_report.exceptions import Interruption, OutputError, ParameterError, SnppeError

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
    p.add_argument(
        "-o",
        "--sortie",
        type=Path,
        metavar="FICHIER",
        help="fichier .csv, .xlsx ou .parquet (défaut : CSV sur la sortie standard)",
    )

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


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``snppe`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbeux else logging.WARNING,
        format="%(levelname)s %(message)s",
    )
    if not args.verbeux:
        # matplotlib's font subsetting logs each glyph table it writes; not for the user
        logging.getLogger("fontTools").setLevel(logging.ERROR)
    from snppe_report.destinations import output_error, silence_stdout

    try:
        from snppe_report.batch.signals import stop_on_signals

        with stop_on_signals(once=False):  # SIGTERM too ends as Ctrl-C does, and says so
            check_departement(getattr(args, "departement", None))
            return _COMMANDS[args.commande](args)
    except BrokenPipeError:
        # the reader went away (``| head``): end quietly, as Unix tools do
        silence_stdout()
        return 128 + signal.SIGPIPE
    except Interruption as err:
        print(f"snppe : {err}", file=sys.stderr)
        return err.exit_code
    except SnppeError as err:
        if isinstance(err, OutputError) and err.file == "sortie standard":
            silence_stdout()  # what is left in the buffer would fail again at exit
        print(f"snppe : erreur : {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt as stop:  # SignalStop (SIGINT, SIGTERM) or a bare Ctrl-C
        number = getattr(stop, "signum", signal.SIGINT)
        word = getattr(stop, "word", "Ctrl-C")
        print(f"snppe : interrompu ({word}).", file=sys.stderr)
        return 128 + number
    except OSError as exc:  # a write nobody anticipated: still French, still no traceback
        log.debug("écriture impossible", exc_info=True)
        print(f"snppe : erreur : {output_error(exc)}", file=sys.stderr)
        return 2


def _emit(text: str, optional: bool = False) -> None:
    """Print results on the standard output (a failed write raises :class:`OutputError`).

    ``optional``: a mere summary of files already written, skipped when stdout is closed.
    """
    from snppe_report.destinations import stdout_closed, write_stdout

    if optional and stdout_closed():
        return
    write_stdout(text + "\n")


def _stdout_product() -> None:
    """Refuse a closed standard output before any work, when it is where results go."""
    from snppe_report.destinations import STDOUT, stdout_closed

    if stdout_closed():
        raise OutputError(
            "sortie fermée : rien ne peut être écrit (rediriger vers un fichier ou utiliser -o)",
            file=STDOUT,
        )


def _extract(args) -> int:
    from snppe_report.destinations import check_file
    from snppe_report.output import check_table_path, write_table
    from snppe_report.read.table import extract

    if args.sortie is None:
        _stdout_product()
    else:  # before reading anything: a wrong -o is known now
        check_table_path(args.sortie)
        check_file(args.sortie)
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


def _indicateurs(args) -> int:
    from snppe_report.analysis.indicators import check_campaign_year, indicator_table
    from snppe_report.destinations import check_file
    from snppe_report.output import check_table_path, write_table
    from snppe_report.read.table import extract

    if args.sortie is None:
        _stdout_product()
    else:  # before reading anything: a wrong -o is known now
        check_table_path(args.sortie)
        check_file(args.sortie)
    frames, failed = [], 0
    for path in args.classeurs:
        try:
            extraction = extract(path, args.departement)
            year = check_campaign_year(extraction, args.annee)
            frames.append(indicator_table(extraction, year))
        except SnppeError as err:
            print(f"snppe : erreur : {err}", file=sys.stderr)
            failed = err.exit_code
    if failed:
        print(
            "snppe : aucune table écrite (corrigez ou retirez le classeur en erreur).",
            file=sys.stderr,
        )
        return failed
    write_table(frames, args.sortie)
    return 0


def _check(args) -> int:
    from snppe_report.analysis.checks import check_extraction, format_findings
    from snppe_report.read.table import extract_workbook
    from snppe_report.read.workbook import read_workbook

    if args.annoter is not None:
        from snppe_report.annotate import check_out_dir

        check_out_dir(args.annoter)
    _stdout_product()
    found, failed, checked = 0, 0, []
    for path in args.classeurs:
        try:
            workbook = read_workbook(path)
            extraction = extract_workbook(workbook, args.departement)
        except SnppeError as err:
            print(f"snppe : erreur : {err}", file=sys.stderr)
            failed = err.exit_code
            continue
        findings = check_extraction(extraction)
        found += len(findings)
        _emit(format_findings(extraction, findings))
        if args.annoter is not None:
            checked.append((workbook, extraction, findings))
    if failed:
        if args.annoter is not None:
            print(
                "snppe : aucune copie annotée écrite (corrigez ou retirez le classeur en erreur).",
                file=sys.stderr,
            )
        return failed
    if args.annoter is not None:
        from snppe_report.annotate import write_annotated_all

        for written in write_annotated_all(checked, args.annoter):
            _emit(written.summary(), optional=True)
    return 1 if args.strict and found else 0


def _report(args) -> int:
    from snppe_report.destinations import check_folder
    from snppe_report.report.render import render_report

    check_folder(args.sortie)  # before the render, not after it
    result = render_report(
        args.classeur,
        departement=args.departement,
        annee=args.annee,
        formats=args.formats,
        out_dir=args.sortie,
        consolide=args.consolide,
        emetteur=args.emetteur,
    )
    for kind, path in result.outputs.items():
        _emit(f"{kind} : {path}", optional=True)
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
        annoter=args.annoter,
    )
    _emit(result.summary(), optional=True)
    return 1 if result.failures else 0


def _demo_data(args) -> int:
    from snppe_report.demo.synthetic import write_demo_workbooks
    from snppe_report.destinations import check_folder

    check_folder(args.sortie)
    paths = write_demo_workbooks(args.sortie, count=args.nombre, seed=args.graine)
    _emit(f"{len(paths)} classeurs fictifs écrits dans {args.sortie}", optional=True)
    return 0


_COMMANDS = {
    "extract": _extract,
    "indicateurs": _indicateurs,
    "check": _check,
    "report": _report,
    "batch": _batch,
    "demo-data": _demo_data,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
