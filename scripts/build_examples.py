"""Rebuild the example workbooks of ``data/`` from their transcriptions in ``data/sources/``.

Each ``data/sources/*.yaml`` file is a readable transcription of one real dashboard
(every row and value of the source, with comments where the source export was
ambiguous). This script turns it into a workbook with :mod:`snppe_report.demo.writer`::

    python scripts/build_examples.py                  # writes data/*.xlsx
    python scripts/build_examples.py --ods build/ods  # also .ods versions

The output is reproducible: fixed document dates, fixed zip entry dates.

Values in a transcription, in the order of its ``colonnes``:

- a quoted string is a text cell, verbatim (``"3,6%"``, ``"ND"``, ``"1112\\n718"`` with
  line breaks inside the cell);
- a bare integer is a number cell in the General format (``1149``);
- ``!nombre "7 688"`` is a number cell whose format reproduces the text shown
  (``#,##0``; ``"15%"`` -> 0.15 in ``0%``; ``"20,00 %"`` -> 0.2 in ``0.00%``);
- ``!ratio "epp / naissances = 3,6%"`` is a formula dividing the rows whose ``cle`` are
  ``epp`` and ``naissances`` in the same column; the text after ``=`` is what the source
  showed, checked against the computed value;
- ``null`` (or a shorter list) is an empty cell.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

import yaml

from snppe_report.demo.writer import (
    DashboardEntry,
    DefinitionEntry,
    DocumentProperties,
    IndicationLine,
    Number,
    Ratio,
    WorkbookSpec,
    columns_2021,
    columns_2023,
    layout_2021,
    layout_2023,
    write_workbook,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"


class _Loader(yaml.SafeLoader):
    """Safe YAML loader with the ``!nombre`` and ``!ratio`` tags."""


def parse_nombre(shown: str) -> Number:
    """``"7 688"`` -> 7688 in ``#,##0``; ``"3,6%"`` -> 0.036 in ``0.0%`` (French display)."""
    text = shown.strip()
    percent = text.endswith("%")
    body = text.rstrip("%").strip().replace("\u00a0", " ").replace("\u202f", " ")
    grouped = " " in body
    digits = body.replace(" ", "").replace(",", ".")
    decimals = len(digits.partition(".")[2])
    value = Decimal(digits) / (100 if percent else 1)
    number = float(value) if (decimals or percent) else int(value)
    fmt = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    if percent:
        fmt += "%"
    elif fmt == "0":
        fmt = None
    return Number(number, fmt)


def parse_ratio(text: str) -> tuple[Ratio, str]:
    """``"epp / naissances = 3,6%"`` -> (Ratio, shown text); the format follows the text."""
    expression, _, shown = text.partition("=")
    numerator, _, denominator = expression.partition("/")
    fmt = parse_nombre(shown).number_format or "0%"
    return Ratio(numerator.strip(), denominator.strip(), fmt), shown.strip()


def shown_percent(value: float, fmt: str) -> str:
    """How Excel in French shows ``value`` in a percentage format."""
    decimals = len(fmt.rstrip("%").partition(".")[2])
    return f"{value * 100:.{decimals}f}".replace(".", ",") + "%"


_Loader.add_constructor("!nombre", lambda loader, node: parse_nombre(loader.construct_scalar(node)))
_Loader.add_constructor("!ratio", lambda loader, node: parse_ratio(loader.construct_scalar(node)))


def load_source(path: Path) -> tuple[str, WorkbookSpec]:
    """Read one transcription. Returns the workbook file name and its specification."""
    with open(path, encoding="utf-8") as fh:
        src = yaml.load(fh, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    layout = str(src["disposition"])
    annee = int(src["annee"])
    keys = [k for k, _ in (columns_2023 if layout == "2023" else columns_2021)(annee)]
    if src["colonnes"] != keys:
        raise ValueError(f"{path.name}: colonnes {src['colonnes']} != {keys}")
    entries, shown = _entries(src["lignes"], keys, path.name)
    _check_ratios(entries, shown, path.name)
    common = {
        "title_lines": tuple(src.get("titre") or ()),
        "annee": annee,
        "sheet_name": src["feuille"],
        "grey_fill": src["gris"],
        "properties": DocumentProperties(**src["proprietes"]),
    }
    if layout == "2023":
        spec = layout_2023(entries, legend=tuple(src.get("legende") or ()), **common)
    elif layout == "2021":
        indications = [
            IndicationLine(line["titre"], bold=True) if isinstance(line, dict) else line or ""
            for line in src["indications"]["lignes"]
        ]
        definitions = [DefinitionEntry(**_definition(d)) for d in src["definitions"]["lignes"]]
        spec = layout_2021(
            entries,
            indications=indications,
            indications_sheet_name=src["indications"]["feuille"],
            definitions=definitions,
            definitions_title=src["definitions"]["titre"],
            definitions_sheet_name=src["definitions"]["feuille"],
            **common,
        )
    else:
        raise ValueError(f"{path.name}: unknown disposition {layout!r}")
    return src["fichier"], spec


def _definition(item: dict) -> dict:
    fields = {"mesure", "objectif", "indicateur", "definition", "acces", "engagement"}
    unknown = set(item) - fields
    if unknown:
        raise ValueError(f"unknown definition fields {sorted(unknown)}")
    return {k: v or "" for k, v in item.items()}


def _entries(lignes: list, keys: list[str], name: str):
    """Transcription rows -> dashboard entries, and the ratios with the text they showed."""
    entries: list[DashboardEntry] = []
    shown: list[tuple[Ratio, str, str]] = []  # (ratio, column key, text shown by the source)
    for item in lignes:
        if "engagement" in item:
            entries.append(DashboardEntry.engagement(item["engagement"]))
        elif "saut_de_page" in item:
            entries.append(DashboardEntry.page_break())
        elif "ligne_vide" in item:
            entries.append(DashboardEntry.blank())
        else:
            for obj in item["objectifs"]:
                for ind in obj["indicateurs"]:
                    values = list(ind.get("valeurs") or [])
                    if len(values) > len(keys):
                        raise ValueError(f"{name}: too many values for {ind['libelle']!r}")
                    cells = {}
                    for key, value in zip(keys, values, strict=False):
                        if isinstance(value, tuple):
                            shown.append((value[0], key, value[1]))
                            value = value[0]
                        if value is not None:
                            cells[key] = value
                    entries.append(
                        DashboardEntry(
                            mesure=item["mesure"] or "",
                            objectif=obj["objectif"] or "",
                            objectif_num=obj.get("numero"),
                            objectif_num_text=obj.get("numero_texte"),
                            indicateur=ind["libelle"] or "",
                            values=cells,
                            facultatif=bool(obj.get("facultatif", False)),
                            key=ind.get("cle"),
                        )
                    )
    return entries, shown


def _check_ratios(entries: list[DashboardEntry], shown: list, name: str) -> None:
    """Each ratio must reproduce the text the source showed (278 / 7 688 -> "3,6%")."""
    by_key = {e.key: e for e in entries if e.key}

    def number(entry: DashboardEntry, column: str) -> float:
        value = entry.values[column]
        return value.value if isinstance(value, Number) else value

    for ratio, column, text in shown:
        num, den = by_key[ratio.numerator], by_key[ratio.denominator]
        got = shown_percent(number(num, column) / number(den, column), ratio.number_format)
        if got.replace(" ", "") != text.replace(" ", ""):
            raise ValueError(f"{name}: {ratio} gives {got} in {column}, the source shows {text}")


def build(out_dir: Path, ods_dir: Path | None = None, sources: Path = SOURCES) -> list[Path]:
    """Write every transcription of ``sources`` to ``out_dir`` (and ``.ods`` to ``ods_dir``).

    Returns
    -------
    list of Path
        The written files.
    """
    written = []
    for path in sorted(sources.glob("*.yaml")):
        filename, spec = load_source(path)
        written.append(write_workbook(spec, out_dir / filename))
        if ods_dir is not None:
            ods_dir.mkdir(parents=True, exist_ok=True)
            written.append(write_workbook(spec, ods_dir / Path(filename).with_suffix(".ods")))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="dossier des .xlsx")
    parser.add_argument("--ods", type=Path, default=None, help="écrit aussi les .ods ici")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="transcriptions YAML")
    args = parser.parse_args(argv)
    for path in build(args.out, args.ods, args.sources):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
