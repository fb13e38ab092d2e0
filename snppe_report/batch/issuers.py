"""The issuer block of each collectivité's report in a batch (``snppe batch --emetteurs``).

A small configuration file, CSV (``,`` or ``;``) with two columns, ``code`` and
``emetteur``, one line per collectivité::

    code;emetteur
    68;Préfecture du Haut-Rhin — ARS Grand Est
    69M;Préfecture du Rhône — ARS Auvergne-Rhône-Alpes

A collectivité without a line gets no issuer block (the default). The file is read and
checked before any work: an unknown code, a line without issuer or a code given twice
stops the batch with the file and line named.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from snppe_report.exceptions import CollectiviteError, InputError

__all__ = ["load_issuers", "MAX_CHARS"]

#: Longest issuer block kept (the cover has room for two lines).
MAX_CHARS = 200


def load_issuers(path: str | os.PathLike[str]) -> dict[str, str]:
    """``{collectivité code: issuer}`` from the file; raises :class:`InputError`."""
    from snppe_report.read.collectivites import get_collectivite

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("fichier des émetteurs introuvable", file=path) from None
    except UnicodeDecodeError:
        raise InputError(
            "fichier des émetteurs illisible : encodez-le en UTF-8", file=path
        ) from None
    except OSError as exc:
        raise InputError(f"fichier des émetteurs illisible ({exc.strerror})", file=path) from None
    lines = text.splitlines()
    if not lines:
        raise InputError("fichier des émetteurs vide (attendu : code;emetteur)", file=path)
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    if header[:2] not in (["code", "emetteur"], ["code", "émetteur"]):
        raise InputError(
            f"ligne 1 : en-têtes attendus « code;emetteur », lus « {lines[0][:60]} »", file=path
        )
    issuers: dict[str, str] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        code = row[0].strip() if row else ""
        issuer = " ".join(" ".join(row[1:2]).split())[:MAX_CHARS]
        try:
            collectivite = get_collectivite(code)
        except CollectiviteError:
            raise InputError(
                f"ligne {number} : code de collectivité inconnu « {code} »", file=path
            ) from None
        if not issuer:
            raise InputError(f"ligne {number} : émetteur absent pour « {code} »", file=path)
        if collectivite.code in issuers:
            raise InputError(
                f"ligne {number} : collectivité « {code} » donnée deux fois", file=path
            )
        issuers[collectivite.code] = issuer
    return issuers
