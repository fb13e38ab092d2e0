"""The ``snppe`` subcommands: each validates its options, calls one library function
and prints its result (a failed write of the standard output is an OutputError)."""

from __future__ import annotations

import sys

from snppe_report.exceptions import OutputError, ParameterError, SnppeError

__all__ = ["COMMANDS"]


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
    return _tables(args, lambda extraction: extraction.contract())


def _indicateurs(args) -> int:
    from snppe_report.analysis.indicators import check_campaign_year, indicator_table

    def table(extraction):
        return indicator_table(extraction, check_campaign_year(extraction, args.annee))

    return _tables(args, table)


def _tables(args, table) -> int:
    """Read every workbook, make its table, write them all (or none: a partial table
    would silently replace a previous complete one)."""
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
            frames.append(table(extract(path, args.departement)))
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
        emetteurs=args.emetteurs,
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


COMMANDS = {
    "extract": _extract,
    "indicateurs": _indicateurs,
    "check": _check,
    "report": _report,
    "batch": _batch,
    "demo-data": _demo_data,
}
