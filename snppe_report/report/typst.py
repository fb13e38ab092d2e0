"""Typst for the reports: escaping, fonts, and a compiler with a private root.

The reusable pieces every Typst PDF of the project is built with (the departmental
report's exporter, :mod:`snppe_report.report.exporter`, and the national synthesis):

* :func:`escape` makes any text literal in Typst *markup* (``[...]`` content): a
  workbook cell may hold ``#read("/etc/passwd")``, ``#include``, ``]``, ``$``, ``@``,
  ``<label>``, ``\\``, ``//``: every ASCII punctuation character gets a backslash
  (Typst's markup escape), control characters are dropped, line breaks become Typst
  line breaks;
* :func:`string` writes a Typst *string literal* (``"..."``) for code arguments
  (``alt:``, ``title:``, ``image(bytes(...))``);
* :func:`fonts` loads the report font (DejaVu Sans, shipped by matplotlib, a project
  dependency: Bitstream Vera / DejaVu licence, free to embed) once per process; no
  system font and no network is ever used, so every machine prints the same PDF;
* :func:`compile_pdf` compiles a source to PDF with :data:`PDF_STANDARDS` (PDF/UA-1
  and PDF/A-2a: tagged, title, ``lang``, alt texts, embedded fonts, all checked by
  Typst at export) in a fresh empty root folder, so that even an unescaped
  ``#read`` could not reach any file; a long-running process (a batch worker) hands
  its compiles to a helper process that is replaced regularly (Typst's cache).

The ``typst`` package (the Typst compiler in a wheel) is imported on first use.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import os
import pickle
import re
import struct
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from snppe_report.exceptions import RenderError

__all__ = [
    "FONT_FAMILY",
    "MEDIA_TYPE",
    "PDF_STANDARDS",
    "compile_pdf",
    "escape",
    "font_folder",
    "fonts",
    "string",
]

#: Media type of Typst markup in a notebook output (registered at IANA).
MEDIA_TYPE = "text/vnd.typst"
#: The report font, in the PDF and in the charts' SVG text.
FONT_FAMILY = "DejaVu Sans"
#: The standards every PDF declares and Typst checks at export.
PDF_STANDARDS = ("ua-1", "a-2a")

_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
# C0/C1 controls (tab and line breaks are handled before), unpaired surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# What PDF/A forbids and no font can show: the private use areas (symbol fonts' glyphs
# typed in a workbook, e.g. Wingdings) and the noncharacters; dropped from every text.
_UNPRINTABLE = re.compile(
    "[\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff\U000f0000-\U000ffffd\U00100000-\U0010ffff]"
)
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}

#: Compiles a process runs itself before handing the next ones to a helper process.
IN_PROCESS_RUNS = 1
#: Compiles a helper process runs before it is replaced (bounding Typst's cache).
HELPER_RUNS = 8

log = logging.getLogger(__name__)
_lock = threading.Lock()
_fonts: Any = None
_runs = 0
_helper: _Helper | None = None


def escape(text: Any) -> str:
    """Make ``text`` literal Typst markup: shown as written, never interpreted.

    Parameters
    ----------
    text : object
        Any value; ``None`` gives ``""``, anything else its ``str()``.

    Returns
    -------
    str
        Markup showing exactly the text: every ASCII punctuation character is
        preceded by a backslash (``#`` -> ``\\#``, ``]`` -> ``\\]``, ``\\`` ->
        ``\\\\``), so no function call, label, reference, math, comment, raw block,
        list marker, smart quote or shorthand (``--``, ``~``) can start; a tab
        becomes a space, a line break a Typst line break, and control characters,
        private-use characters and noncharacters (refused by PDF/A) are removed.

    Examples
    --------
    >>> escape('#read("/etc/passwd")')
    '\\\\#read\\\\(\\\\"\\\\/etc\\\\/passwd\\\\"\\\\)'
    """
    if text is None:
        return ""
    lines = _LINE_BREAK.split(_UNPRINTABLE.sub("", str(text)).replace("\t", " "))
    return " \\\n".join(
        "".join("\\" + c if c in _PUNCTUATION else c for c in _CONTROL.sub("", line))
        for line in lines
    )


def string(text: Any) -> str:
    """A Typst string literal (with its quotes) holding ``text`` exactly.

    For code arguments: ``image(..., alt: {string(alt)})``. Control characters are
    written as ``\\u{...}`` escapes; unpaired surrogates, private-use characters and
    noncharacters (refused by PDF/A) are dropped.

    Parameters
    ----------
    text : object
        Any value; ``None`` gives ``""``.

    Returns
    -------
    str
        ``"..."`` with ``\\``, ``"`` and control characters escaped.
    """
    value = "" if text is None else _UNPRINTABLE.sub("", str(text))
    out = []
    for c in value:
        if c in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[c])
        elif "\ud800" <= c <= "\udfff":
            continue
        elif c < " " or "\x7f" <= c <= "\x9f":
            out.append(f"\\u{{{ord(c):x}}}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def font_folder() -> Path:
    """The folder of the report font: matplotlib's own copy of DejaVu Sans.

    Found without importing matplotlib (its package folder holds ``mpl-data``).
    """
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        raise RenderError("police du rapport introuvable : matplotlib n'est pas installé")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def fonts() -> Any:
    """The fonts of every compile, loaded once per process (``typst.Fonts``).

    Only the fonts of :func:`font_folder` (matplotlib's DejaVu family): no system
    font, no font embedded in the compiler, so a PDF does not depend on the machine.
    """
    global _fonts
    with _lock:
        if _fonts is None:
            import typst

            _fonts = typst.Fonts(
                include_system_fonts=False,
                include_embedded_fonts=False,
                font_paths=[str(font_folder())],
            )
        return _fonts


def compile_pdf(
    source: str,
    output: str | os.PathLike[str] | None = None,
    *,
    standards: tuple[str, ...] = PDF_STANDARDS,
    timestamp: datetime | int | None = None,
) -> bytes:
    """Compile a Typst source to PDF in a fresh, empty, private root folder.

    The first :data:`IN_PROCESS_RUNS` compiles of a process run in it; the next ones
    run in a helper process replaced every :data:`HELPER_RUNS` compiles: typst-py never
    evicts Typst's memoisation cache (messense/typst-py#104), which keeps about 25 MB
    per compiled report, so a batch worker would grow by hundreds of megabytes. Should
    the helper die, the compile is done in this process.

    Parameters
    ----------
    source : str
        The whole document (images given inline as ``bytes(...)``: the root is empty).
    output : path-like, optional
        Where to write the PDF as well.
    standards : tuple of str
        ``pdf_standards`` of Typst; by default PDF/UA-1 and PDF/A-2a, whose rules
        (title, language, tags, alt texts, fonts) Typst checks at export.
    timestamp : datetime or int, optional
        Creation date written in the PDF; defaults to ``SOURCE_DATE_EPOCH`` when
        set (reproducible builds), else now.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    RenderError
        The source does not compile or breaks one of the standards (French message,
        with Typst's own diagnostic).
    """
    when = timestamp if timestamp is not None else _timestamp()
    args = (source, tuple(standards), when)
    pdf = _in_helper(args)
    if pdf is None:
        pdf = _compile(*args)
    if output is not None:
        Path(output).write_bytes(pdf)
    return pdf


def _compile(source: str, standards: tuple[str, ...], when: datetime | int) -> bytes:
    """One compile in this process (see :func:`compile_pdf`)."""
    import typst

    with tempfile.TemporaryDirectory(prefix="snppe-typst-") as root:
        try:
            compiler = typst.Compiler(root=root, font_paths=fonts())
            return compiler.compile(
                source.encode("utf-8"),
                format="pdf",
                pdf_standards=list(standards),
                timestamp=when,
            )
        except typst.TypstError as exc:
            detail = "; ".join(x for x in (exc.message, *exc.hints) if x)
            raise RenderError(f"la composition du PDF (Typst) a échoué : {detail}") from None
        except Exception as exc:
            raise RenderError(f"la composition du PDF (Typst) a échoué : {exc}") from None


def _in_helper(args: tuple) -> bytes | None:
    """The compile done by the helper process, or None: compile in this process."""
    global _runs, _helper
    with _lock:
        _runs += 1
        if _runs <= IN_PROCESS_RUNS:
            return None
        if _helper is not None and _helper.runs >= HELPER_RUNS:
            _helper.close()
            _helper = None
        try:
            if _helper is None:
                _helper = _Helper()
            return _helper.compile(args)
        except (OSError, EOFError, pickle.PickleError) as exc:  # the helper died: here
            log.warning("processus de composition Typst interrompu (%s) : sur place", exc)
            if _helper is not None:
                _helper.close()
            _helper = None
            return None


class _Helper:
    """A child Python process compiling the sources sent on its standard input.

    Framing: an 8-byte length, then a pickle, both ways (``(source, standards, when)``
    in; ``(True, pdf)`` or ``(False, RenderError)`` out). Both ends are this module.
    """

    def __init__(self) -> None:
        code = "from snppe_report.report.typst import _serve; _serve()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.runs = 0
        atexit.register(self.close)

    def compile(self, args: tuple) -> bytes:
        self.runs += 1
        _send(self.process.stdin, args)
        ok, value = _receive(self.process.stdout)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        atexit.unregister(self.close)


def _serve() -> None:
    """The helper process's loop (see :class:`_Helper`): compile until stdin closes."""
    requests, replies = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the replies
    while True:
        try:
            args = _receive(requests)
        except EOFError:
            return
        try:
            reply = (True, _compile(*args))
        except RenderError as exc:
            reply = (False, exc)
        _send(replies, reply)


def _send(stream: Any, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def _receive(stream: Any) -> Any:
    header = _read(stream, 8)
    return pickle.loads(_read(stream, struct.unpack(">Q", header)[0]))


def _read(stream: Any, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("flux interrompu")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _timestamp() -> datetime | int:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return int(epoch)
    return datetime.now(UTC).replace(microsecond=0)
