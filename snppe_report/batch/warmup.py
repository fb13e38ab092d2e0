"""Imported by the forkserver of a local batch before it forks the workers.

Every worker needs papermill, nbclient, jupyter_client, nbconvert and Typst for its
first report; imported here once, the workers fork with them loaded (pages shared
copy-on-write) instead of each importing them again. The lean jsonschema set-up
comes first: imported without it, nbformat's jsonschema builds an IRI grammar
for 1.4 s (see :func:`snppe_report.report.convert._lean_jsonschema`).

Nothing here opens a socket or starts an event loop. The threads that importing
starts are numpy's OpenBLAS pool (already there without this module) and pyarrow's
jemalloc background thread, both with fork handlers of their own. A failure here
costs only the head start: it is logged, and each worker imports what it needs, as
it did before this module.
"""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

#: What every worker imports for its first report, in this order.
MODULES = (
    "jupyter_client.manager",
    "nbclient",
    "nbconvert",
    "papermill",
    "typst",
    "snppe_report.batch.kernels",
    "snppe_report.report.exporter",
)


def _warm_up() -> None:
    try:
        from snppe_report.report.convert import _lean_jsonschema

        _lean_jsonschema()
        for name in MODULES:
            importlib.import_module(name)
    except Exception as exc:  # the forkserver would otherwise take every worker down
        log.warning("préchargement des travailleurs incomplet : %s", exc)


_warm_up()
