"""Progress of a batch on standard error: a bar on a terminal, one line per report otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Progress", "seconds"]


def seconds(value: float) -> str:
    """French duration: ``1,5 s``."""
    return f"{value:.1f} s".replace(".", ",")


class Progress:
    """Progress on standard error: a bar on a terminal, one line per report otherwise."""

    def __init__(self, mode: str, callback: Callable | None = None) -> None:
        self.mode = mode
        self.callback = callback
        self._bar: Any = None

    @classmethod
    def make(cls, progress: bool | Callable | None) -> Progress:
        if callable(progress):
            return cls("callback", progress)
        if progress is False:
            return cls("off")
        return cls("bar" if sys.stderr.isatty() else "lines")

    def note(self, text: str) -> None:
        if self.mode == "callback":
            self.callback("note", 0, 0, text)
        elif self.mode != "off":
            print(text, file=sys.stderr, flush=True)

    def start(self, step: str, total: int) -> None:
        self.close()
        if self.mode == "bar" and total:
            from tqdm import tqdm

            label = "Lecture" if step == "lecture" else "Rapports"
            self._bar = tqdm(
                total=total,
                desc=label,
                unit="classeur" if step == "lecture" else "rapport",
                file=sys.stderr,
                dynamic_ncols=True,
            )

    def advance(self, step: str, done: int, total: int, task: Mapping, result: Mapping) -> None:
        line = _line(step, done, total, task, result)
        if self.mode == "callback":
            self.callback(step, done, total, line)
        elif self._bar is not None:
            self._bar.update(1)
            if result.get("statut") == "echec":
                self._bar.write(line, file=sys.stderr)
        elif self.mode == "lines" and (step != "lecture" or result.get("statut") == "echec"):
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _line(step: str, done: int, total: int, task: Mapping, result: Mapping) -> str:
    who = task.get("collectivite", {}).get("libelle") or task.get("nom") or task.get("fichier")
    if result.get("statut") == "echec":
        what = f"échec : {result['erreur']['message']}"
    elif step == "lecture":
        what = "lu"
    else:
        what = f"rapport produit en {seconds(result.get('durees', {}).get('total', 0.0))}"
    return f"[{done}/{total}] {who} : {what}"
