"""Imported by the forkserver of a local batch before it forks the workers.

Every worker needs papermill, nbclient, jupyter_client, nbconvert and Typst for its
first report; imported here once, the workers fork with them loaded (pages shared
copy-on-write) instead of each importing them again. The lean jsonschema set-up
comes first: imported without it, nbformat's jsonschema builds an IRI grammar
for 1.4 s (see :func:`snppe_report.report.convert._lean_jsonschema`). Nothing here
starts a thread, an event loop or a socket: forking after it is safe.
"""

from __future__ import annotations

from snppe_report.report.convert import _lean_jsonschema

_lean_jsonschema()

import jupyter_client.manager  # noqa: E402, F401
import nbclient  # noqa: E402, F401
import nbconvert  # noqa: E402, F401
import papermill  # noqa: E402, F401
import typst  # noqa: E402, F401

import snppe_report.batch.kernels  # noqa: E402, F401
import snppe_report.report.exporter  # noqa: E402, F401
