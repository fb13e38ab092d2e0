"""The manifest as a journal: ``manifest.json`` and ``index.html`` rewritten as reports finish.

After each report, :meth:`Journal.write` rewrites both files atomically (temporary file
then :func:`os.replace`), so whenever the batch stops (Ctrl-C, SIGTERM, SIGKILL, power
cut) they describe what exists on disk:

* a collectivité whose report is done has its new entry (status, outputs, key);
* one not reached yet keeps its entry of the previous run, outputs still on disk only,
  and is listed in ``en_attente``; a re-run compares its key and renders only what is
  missing or changed;
* ``etat`` says ``en_cours`` (the batch was killed if it stays so), ``interrompu`` or
  ``termine``.

Workbooks with the same content (same SHA-256) are named in each other's entry
(``doublons``) and on their line of the index.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from snppe_report import __version__
from snppe_report.batch import annotated, outputs
from snppe_report.batch.plan import Group, existing_outputs, index_rows

__all__ = ["Journal", "duplicates"]

log = logging.getLogger(__name__)

_STATES = ("en_cours", "interrompu", "termine")


def duplicates(inputs: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Workbook name -> the other workbooks of the batch with the same content."""
    by_sha: dict[str, list[str]] = {}
    for item in inputs:
        by_sha.setdefault(item["sha256"], []).append(item["nom"])
    return {
        name: [other for other in names if other != name]
        for names in by_sha.values()
        if len(names) > 1
        for name in names
    }


class Journal:
    """Writes the manifest and the index of one batch, at each checkpoint.

    Parameters
    ----------
    out : Path
        The output folder.
    header : mapping
        The fixed fields of the manifest (folder, year, formats, executor, workers).
    previous : mapping
        The previous run's manifest (empty if none).
    doubles : mapping
        :func:`duplicates` of the batch's inputs.
    """

    def __init__(
        self,
        out: Path,
        header: Mapping[str, Any],
        previous: Mapping[str, Any],
        doubles: Mapping[str, list[str]] | None = None,
    ) -> None:
        self.out = out
        self.header = dict(header)
        self.previous = previous
        self.doubles = dict(doubles or {})
        self.consolide = previous.get("consolide")
        self.copies: dict | None = None  # annotated copies (snppe batch --annoter)
        # until this run's synthesis is done: the previous one (its files, if any)
        self.synthese = previous.get("synthese") or {
            "statut": "en_attente",
            "cle": None,
            "sorties": {},
            "durees": {},
            "erreur": None,
        }
        self._before = {e.get("fichier"): e for e in previous.get("entrees", ())}

    def manifest(self, groups: Sequence[Group], read_failures: Sequence[dict], etat: str) -> dict:
        """The manifest as of now (``etat``: en_cours, interrompu or termine)."""
        assert etat in _STATES
        entries: list[dict] = []
        waiting: list[str] = []
        for group in groups:
            if group.result:
                entries += group.entries()
            else:
                waiting += [m[0]["nom"] for m in group.members]
                entries += self._kept(group)
        entries += [dict(e) for e in read_failures]
        for entry in entries:
            if entry["fichier"] in self.doubles:
                entry["doublons"] = list(self.doubles[entry["fichier"]])
        entries.sort(key=lambda e: e["fichier"])
        bilan = {s: sum(e["statut"] == s for e in entries) for s in ("ok", "inchange", "echec")}
        bilan["en_attente"] = len(waiting)
        return {
            "outil": "snppe-report",
            "version": __version__,
            "etat": etat,
            "genere_le": datetime.now().astimezone().isoformat(timespec="seconds"),
            **self.header,
            "fictif": any(g.fictive for g in groups),
            "bilan": bilan,
            "en_attente": sorted(waiting),
            "entrees": entries,
            "consolide": self.consolide,
            "synthese": self.synthese,
            **({"copies_annotees": self.copies} if self.copies is not None else {}),
        }

    def _kept(self, group: Group) -> list[dict]:
        """A group not rendered yet: its previous entries, outputs still on disk only."""
        kept = []
        for item, _, _ in group.members:
            old = self._before.get(item["nom"])
            if not old:
                continue
            entry = dict(old)
            entry["sorties"] = existing_outputs(old.get("sorties"), self.out)
            if old.get("sorties") and not entry["sorties"]:
                entry["cle"] = None  # its report is gone: render it again
            kept.append(entry)
        return kept

    def write(
        self,
        groups: Sequence[Group],
        read_failures: Sequence[dict],
        etat: str = "en_cours",
        annee: int | None = None,
        durees: Mapping[str, float] | None = None,
    ) -> dict:
        """Rewrite ``manifest.json`` then ``index.html`` (each atomically); return the manifest.

        Raises
        ------
        OutputError
            A file cannot be written (full disk…); the previous one is left as it was.
        """
        manifest = self.manifest(groups, read_failures, etat)
        if durees is not None:
            manifest["durees"] = {k: round(v, 3) for k, v in durees.items()}
        outputs.write_manifest(self.out / outputs.MANIFEST, manifest)
        rows = index_rows(groups, read_failures, self.out, annee)
        for row in rows:
            for name in row.get("fichiers", ()):
                if name in self.doubles:
                    row["messages"].append(
                        f"{name} : contenu identique à {', '.join(self.doubles[name])} "
                        "(copies du même classeur, un seul rapport)"
                    )
        annotated.link_annotated(rows, self.copies or {})
        outputs.write_index(self.out / outputs.INDEX, outputs.render_index(manifest, rows))
        return manifest
