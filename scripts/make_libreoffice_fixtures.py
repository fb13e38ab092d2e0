"""Save the example workbooks of ``data/`` through LibreOffice Calc, as test fixtures.

LibreOffice is not a dependency of snppe-report: it only makes these fixtures, which are
committed in ``tests/fixtures/libreoffice/``. The script drives a headless LibreOffice
through its UNO bridge (Debian packages ``libreoffice-calc-nogui`` and ``python3-uno``), so
it runs with the system Python that has the ``uno`` module::

    sudo apt-get install libreoffice-calc-nogui python3-uno
    /usr/bin/python3 scripts/make_libreoffice_fixtures.py            # every fixture
    /usr/bin/python3 scripts/make_libreoffice_fixtures.py xls fods   # some kinds only

Each example is opened and saved, without any other change, as:

- ``ods``, ``xlsx``: LibreOffice's own and Excel 2007 formats;
- ``xls``: Excel 97-2003 (BIFF8), still sent by administrations;
- ``xltx``: an Excel template; ``ots``: an OpenDocument template; ``fods``: flat
  (single XML file) OpenDocument;
- ``caches.xls`` and ``caches.xlsx``: the first example with its row 7 and column E
  hidden and a hidden sheet added, saved in both formats (the same hidden content);
- ``macro.ods``: an .ods holding a LibreOffice Basic library (one module, never run by
  snppe-report): its parts carry a DOCTYPE without any entity declaration;
- ``chiffre.ods``: an .ods encrypted with the password ``snppe`` (first example only).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUT = ROOT / "tests" / "fixtures" / "libreoffice"
EXAMPLES = ("68-haut-rhin-tdb-snppe-2023", "tdb-snppe-2021-departement-non-nomme")

# kind -> (file suffix, LibreOffice filter name, examples it is made for)
KINDS = {
    "ods": (".ods", "calc8", EXAMPLES),
    "xlsx": (".xlsx", "Calc MS Excel 2007 XML", EXAMPLES),
    "xls": (".xls", "MS Excel 97", EXAMPLES),
    "xltx": (".xltx", "Calc MS Excel 2007 XML Template", EXAMPLES),
    "fods": (".fods", "OpenDocument Spreadsheet Flat XML", EXAMPLES),
    "ots": (".ots", "calc8_template", EXAMPLES),
    "caches-xls": ("-caches.xls", "MS Excel 97", EXAMPLES[:1]),
    "caches-xlsx": ("-caches.xlsx", "Calc MS Excel 2007 XML", EXAMPLES[:1]),
    "macro": ("-macro.ods", "calc8", EXAMPLES[:1]),
    "chiffre": ("-chiffre.ods", "calc8", EXAMPLES[:1]),
}
PASSWORD = "snppe"
BASIC_MODULE = 'Sub Main\n    MsgBox "Module de démonstration : jamais exécuté."\nEnd Sub\n'


def _prop(name: str, value):
    import uno  # noqa: F401  (registers the com.sun.star types)
    from com.sun.star.beans import PropertyValue

    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe: str, attempts: int = 60):
    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(attempts):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.5)
    raise SystemExit("LibreOffice ne répond pas sur son canal UNO.")


def _save(desktop, source: Path, target: Path, kind: str) -> None:
    import uno

    _, filter_name, _ = KINDS[kind]
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(str(source)), "_blank", 0, (_prop("Hidden", True),)
    )
    try:
        props = [_prop("FilterName", filter_name), _prop("Overwrite", True)]
        if kind == "macro":
            libraries = doc.BasicLibraries
            if not libraries.hasByName("Standard"):
                libraries.createLibrary("Standard")
            libraries.getByName("Standard").insertByName("Module1", BASIC_MODULE)
        if kind.startswith("caches"):
            _hide(doc)
        if kind == "chiffre":
            props.append(_prop("Password", PASSWORD))
        doc.storeToURL(uno.systemPathToFileUrl(str(target)), tuple(props))
    finally:
        doc.close(True)


def _hide(doc) -> None:
    """Hide row 7 and column E of the dashboard, and add a hidden sheet."""
    sheet = doc.Sheets.getByIndex(0)
    sheet.Rows.getByIndex(6).IsVisible = False
    sheet.Columns.getByIndex(4).IsVisible = False
    doc.Sheets.insertNewByName("Ancien tableau", 1)
    old = doc.Sheets.getByName("Ancien tableau")
    old.getCellByPosition(0, 0).String = "Version 2021, conservée pour mémoire"
    old.IsVisible = False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", help=f"kinds to make, among {', '.join(KINDS)}")
    args = parser.parse_args(argv)
    kinds = args.kinds or list(KINDS)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        parser.error(f"unknown kinds: {', '.join(unknown)}")
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice introuvable : apt-get install libreoffice-calc-nogui")
    profile = Path(tempfile.mkdtemp(prefix="snppe-lo-profile-"))
    pipe = f"snppe-fixtures-{os.getpid()}"
    office = subprocess.Popen(
        [
            soffice,
            "--headless",
            "--invisible",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        context = _connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        OUT.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            suffix, _, examples = KINDS[kind]
            for stem in examples:
                target = OUT / f"{stem}-libreoffice{suffix}"
                _save(desktop, DATA / f"{stem}.xlsx", target, kind)
                print(f"{target.relative_to(ROOT)}")
        try:
            desktop.terminate()
        except Exception:  # the bridge closes as LibreOffice quits
            pass
        office.wait(timeout=30)
    finally:
        if office.poll() is None:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
