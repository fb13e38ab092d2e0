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

import gc
import logging
import signal
import sys
from typing import NoReturn

from snppe_report.cli.commands import COMMANDS
from snppe_report.cli.parser import build_parser, check_departement
from snppe_report.exceptions import Interruption, OutputError, SnppeError

__all__ = ["main", "run"]

log = logging.getLogger("snppe_report")


def run() -> NoReturn:
    """The ``snppe`` console script and ``python -m snppe_report.cli``: :func:`main`, then exit.

    Before the exit every live object is put out of the garbage collector's reach
    (:func:`gc.freeze`): Python's final collections over the heap that pandas,
    papermill and nbconvert leave cost 0.3-0.5 s at every exit (measured), for nothing,
    since the process ends and its memory returns to the system whole. The atexit
    handlers and the objects' finalisation by reference counting still run.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run one ``snppe`` command and return its exit code (see :func:`run`)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbeux else logging.WARNING,
        format="%(levelname)s %(message)s",
    )
    if not args.verbeux:
        # matplotlib's font subsetting logs each glyph table it writes; not for the user
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        # papermill and nbclient (which logs through papermill's logger) say in English
        # what the French error message then says with its file (kernel death, ...)
        logging.getLogger("papermill").setLevel(logging.CRITICAL)
    from snppe_report.destinations import output_error, silence_stdout

    try:
        from snppe_report.batch.signals import stop_on_signals

        with stop_on_signals(once=False):  # SIGTERM too ends as Ctrl-C does, and says so
            check_departement(getattr(args, "departement", None))
            return COMMANDS[args.commande](args)
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
