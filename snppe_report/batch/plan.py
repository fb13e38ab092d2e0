"""Grouping the workbooks by collectivité, deciding what to render, shaping the entries.

Pure bookkeeping between the jobs: no kernel, no rendering. A :class:`Group` is one
collectivité's workbooks (several years or layouts), merged into one series; it is
rendered from its most recent workbook (the *principal*), or skipped when its
incremental key and outputs are unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report.batch import outputs
from snppe_report.batch.jobs import failure
from snppe_report.exceptions import RenderError

__all__ = ["Group", "Plan", "group_inputs", "plan_reports", "index_rows", "existing_outputs"]

log = logging.getLogger(__name__)

_GOOD = ("ok", "inchange")


@dataclass
class Group:
    """The workbooks of one collectivité and what became of its report."""

    collectivite: Any  # collectivites.Collectivite
    members: list[tuple[dict, Any, dict]]  # (input, Extraction, read durations), old -> new
    principal: int
    rows: pd.DataFrame
    revisions: list[Any]
    out: Path
    key: str | None = None
    task: dict | None = None
    result: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)  # previous outputs still on disk
    _headlines: dict | None = field(default=None, repr=False)

    def headlines(self, annee: int | None) -> dict:
        """:func:`outputs.headlines` of the merged rows, computed once (the index is
        rewritten after every report of the batch)."""
        if self._headlines is None:
            self._headlines = outputs.headlines(self.rows, annee)
        return self._headlines

    @property
    def fictive(self) -> bool:
        return any(bool(ex.fictive) for _, ex, _ in self.members)

    @property
    def code(self) -> str:
        return str(self.collectivite.code)

    def outputs(self) -> dict[str, str]:
        """Outputs relative to the output folder (the previous ones after a failure)."""
        if self.result.get("statut") in _GOOD:
            return {k: _relative(p, self.out) for k, p in self.result.get("sorties", {}).items()}
        return dict(self.previous)

    def entries(self) -> list[dict]:
        """One manifest entry per workbook of the group."""
        status = self.result.get("statut", "echec")
        error = self.result.get("erreur") if status == "echec" else None
        sorties = self.outputs()
        out = []
        for position, (item, extraction, read) in enumerate(self.members):
            principal = position == self.principal
            durations = dict(read)
            if principal:
                durations.update(self.result.get("durees", {}))
            entry = {
                "fichier": item["nom"],
                "sha256": item["sha256"],
                "collectivite": {"code": self.code, "nom": self.collectivite.nom},
                "annee_campagne": int(extraction.annee),
                "fictif": bool(extraction.fictive),
                "role": "principal" if principal else "complement",
                "statut": status,
                "sorties": sorties,
                "durees": {k: round(float(v), 3) for k, v in durations.items()},
                "erreur": error,
                "cle": self.key if status in _GOOD else None,
            }
            if status == "echec":
                entry["rapport_precedent"] = bool(sorties)
            if principal:
                entry["revisions"] = [_finding(f) for f in self.revisions]
                if "memoire_mo" in self.result:
                    entry["memoire_mo"] = self.result["memoire_mo"]
            out.append(entry)
        return out


@dataclass
class Plan:
    """Which groups to render; the others are unchanged (or failed before rendering)."""

    to_render: list[Group]
    skipped: list[Group]


def group_inputs(
    inputs: Sequence[dict],
    reads: Sequence[dict],
    previous: Mapping[str, Any],
    annee: int | None,
    out: Path | None = None,
) -> tuple[list[Group], list[dict]]:
    """Group the workbooks read by collectivité; failed reads become entries.

    Returns
    -------
    tuple of (list of Group, list of dict)
        The groups in reference-table order, and one manifest entry per workbook that
        could not be read (collectivité and outputs from the previous run when known).
    """
    from snppe_report.analysis.history import merge_extractions

    before = {e.get("fichier"): e for e in previous.get("entrees", ())}
    buckets: dict[str, list[tuple[dict, Any, dict]]] = {}
    failed = []
    for item, read in zip(inputs, reads, strict=True):
        if read.get("statut") != "ok":
            failed.append(_read_failure(item, read, before.get(item["nom"]), out))
            continue
        extraction = read["extraction"]
        member = (item, extraction, read.get("durees", {}))
        buckets.setdefault(str(extraction.collectivite.code), []).append(member)
    groups = []
    for members in buckets.values():
        members.sort(
            key=lambda m: (
                int(m[1].annee),
                _mtime(m[0].get("source", m[0]["fichier"])),
                m[0]["nom"],
            )
        )
        eligible = [i for i, m in enumerate(members) if annee is None or m[1].annee <= annee]
        principal = eligible[-1] if eligible else len(members) - 1
        if len(members) == 1:
            extraction = members[0][1]
            rows, revisions = extraction.rows.assign(fichier=Path(extraction.path).name), []
        else:
            rows, revisions = merge_extractions([m[1] for m in members])
        groups.append(
            Group(
                collectivite=members[0][1].collectivite,
                members=members,
                principal=principal,
                rows=rows,
                revisions=list(revisions),
                out=out or Path("."),
            )
        )
    groups.sort(key=lambda g: _order(g.code))
    return groups, failed


def plan_reports(
    groups: Sequence[Group],
    previous: Mapping[str, Any],
    *,
    force: bool,
    annee: int | None,
    formats: Sequence[str],
    kernel_name: str,
    out_dir: Path,
    peers: tuple[Path, str] | None = None,
    emetteurs: Mapping[str, str] | None = None,
) -> Plan:
    """Give each group its key; keep the unchanged ones, make tasks for the others.

    ``peers``: the batch's ``consolide.parquet`` and the digest of every collectivité's
    ratios; each report then places its collectivité among the others, and is made
    again when any of those ratios changes. ``emetteurs``: the issuer block of each
    collectivité's cover (:mod:`.issuers`), part of its key.
    """
    from snppe_report.report.render import NOTEBOOK, TEMPLATES

    digest = outputs.inputs_digest(NOTEBOOK, TEMPLATES)
    if peers is not None:
        digest = f"{digest}:{peers[1]}"
    before = {
        (e.get("collectivite") or {}).get("code"): e
        for e in previous.get("entrees", ())
        if e.get("role") == "principal"
    }
    plan = Plan([], [])
    for group in groups:
        group.out = out_dir
        item, extraction, _ = group.members[group.principal]
        group.key = outputs.report_key(
            [m[0]["sha256"] for m in group.members],
            item["sha256"],
            annee=annee,
            formats=formats,
            kernel_name=kernel_name,
            digest=digest,
            emetteur=(emetteurs or {}).get(group.code, ""),
        )
        old = before.get(group.code) or {}
        group.previous = existing_outputs(old.get("sorties"), out_dir)
        dest = (out_dir / group.collectivite.slug).resolve()
        if not dest.is_relative_to(out_dir) or dest == out_dir:
            group.result = failure(
                RenderError(f"dossier de sortie refusé pour {group.collectivite.nom} : {dest}")
            )
            plan.skipped.append(group)
        elif (
            not force
            and old.get("cle") == group.key
            and old.get("statut") in _GOOD
            and group.previous
            and len(group.previous) == len(old.get("sorties") or {})
        ):
            group.result = {
                "statut": "inchange",
                "sorties": {k: str(out_dir / p) for k, p in group.previous.items()},
                "durees": {},
            }
            plan.skipped.append(group)
        else:
            group.task = {
                "etape": "rapport",
                "emetteur": (emetteurs or {}).get(group.code, ""),
                "principal": item["fichier"],  # the batch's snapshot of the workbook
                "sha256": item["sha256"],  # checked again by the job before rendering
                "fichier": item["nom"],
                "autres": [
                    m[0]["fichier"] for i, m in enumerate(group.members) if i != group.principal
                ],
                # already read: the render does not read the workbooks again
                "extractions": [
                    extraction,
                    *(m[1] for i, m in enumerate(group.members) if i != group.principal),
                ],
                "collectivite": {
                    "code": group.code,
                    "nom": group.collectivite.nom,
                    "slug": group.collectivite.slug,
                    "libelle": f"{group.collectivite.nom} ({group.code})",
                },
                "annee": annee,
                "formats": list(formats),
                "out_dir": str(out_dir),
                "kernel_name": kernel_name,
            }
            if peers is not None:
                group.task["consolide"] = str(peers[0])
            plan.to_render.append(group)
    return plan


def index_rows(
    groups: Sequence[Group], read_failures: Sequence[dict], out: Path, annee: int | None
) -> list[dict]:
    """One row per collectivité for ``index.html``, in reference-table order."""
    rows: dict[str, dict] = {}
    for group in groups:
        status = group.result.get("statut", "echec") if group.result else "en_attente"
        error = group.result.get("erreur") or {}
        messages = [error["message"]] if status == "echec" and error else []
        if status == "en_attente":
            messages = ["rapport pas encore produit : lot en cours ou interrompu"]
        rows[group.code] = {
            "code": group.code,
            "nom": group.collectivite.nom,
            "statut": status,
            "messages": messages,
            "liens": group.outputs(),
            "precedent": status in ("echec", "en_attente") and bool(group.previous),
            "fichiers": [m[0]["nom"] for m in group.members],
            "indicateurs": group.headlines(annee),
            "revisions": len(group.revisions),
        }
    for entry in read_failures:
        who = entry.get("collectivite")
        if not who:
            continue
        row = rows.setdefault(
            who["code"],
            {
                "code": who["code"],
                "nom": who["nom"],
                "statut": "echec",
                "messages": [],
                "liens": entry.get("sorties", {}),
                "precedent": bool(entry.get("sorties")),
                "fichiers": [],
                "indicateurs": {},
                "revisions": 0,
            },
        )
        row["statut"] = "echec"
        row["fichiers"].append(entry["fichier"])
        row["messages"].append(entry["erreur"]["message"])
    return sorted(rows.values(), key=lambda r: _order(r["code"]))


# -- helpers ----------------------------------------------------------------------------


def _read_failure(item: dict, read: Mapping, before: Mapping | None, out: Path | None) -> dict:
    before = before or {}
    kept = existing_outputs(before.get("sorties"), out) if out else {}
    return {
        "fichier": item["nom"],
        "sha256": item["sha256"],
        "collectivite": before.get("collectivite"),
        "annee_campagne": None,
        "fictif": False,
        "role": None,
        "statut": "echec",
        "sorties": kept,
        "durees": {},
        "erreur": read.get("erreur") or {"message": "lecture impossible (cause inconnue)"},
        "cle": None,
        "rapport_precedent": bool(kept),
    }


def existing_outputs(sorties: Mapping[str, str] | None, out: Path) -> dict[str, str]:
    """The previous outputs that are still on disk, inside ``out``."""
    kept = {}
    for kind, rel in (sorties or {}).items():
        path = (out / rel).resolve()
        if path.is_relative_to(out) and path.is_file():
            kept[kind] = rel
    return kept


def _relative(path: str | Path, out: Path) -> str:
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    return path.resolve().relative_to(out).as_posix()


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


def _order(code: str) -> tuple[int, str]:
    from snppe_report.read.collectivites import all_collectivites

    codes = {c.code: i for i, c in enumerate(all_collectivites())}
    return codes.get(code, len(codes)), code


def _finding(finding: Any) -> dict:
    return {
        "code": finding.code,
        "gravite": finding.severity,
        "message": finding.message,
        "source": finding.source,
        "indicateur": finding.indicateur,
    }
