"""Test helper: audit an HTML page with axe-core in headless Chromium, no browser download.

Debian's ``chromium`` is driven over the DevTools protocol through
``--remote-debugging-pipe`` (JSON messages ended by NUL on file descriptors 3 and 4),
so no WebSocket library and no driver binary are needed. axe-core is the npm package
installed by ``make axe`` into ``build/axe`` (``make test`` depends on it); its path
may be given with ``SNPPE_AXE``.

Typical use in a test::

    audit = a11y.audit(path, width=390)
    assert not audit.violations, a11y.describe(audit.violations)
    assert audit.scroll_width <= 390

or, to drive the page (click, type) before auditing::

    with a11y.Chromium() as browser:
        page = browser.open(path, width=1280)
        page.evaluate("document.querySelector('select').value = 'nom'")
        assert not page.axe()

When chromium or axe-core is absent the calling test is skipped with the command
that installs it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = ["AXE_RULES", "Audit", "Chromium", "Page", "audit", "axe_source", "describe"]

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: Rules run besides axe's defaults: ``td-has-header`` is "experimental", off by default.
AXE_RULES = {"td-has-header": {"enabled": True}}
_TIMEOUT = 60.0


@dataclass(frozen=True)
class Audit:
    """What :func:`audit` found on a page.

    Attributes
    ----------
    violations : list of dict
        axe-core violations (``id``, ``impact``, ``help``, ``nodes`` with ``target``
        and ``html``); empty when the page passes.
    scroll_width, client_width : int
        ``document.documentElement.scrollWidth`` / ``clientWidth`` in CSS pixels: a
        page wider than its viewport scrolls sideways.
    """

    violations: list[dict]
    scroll_width: int
    client_width: int


def axe_source() -> str:
    """The axe-core script (``SNPPE_AXE`` or ``build/axe``), or skip the test."""
    path = Path(os.environ.get("SNPPE_AXE") or AXE)
    if not path.is_file():
        pytest.skip(f"axe-core absent ({path}) : lancer « make axe »")
    return path.read_text(encoding="utf-8")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium absent : installer le paquet Debian « chromium » (make system-deps)")
    return found


def audit(path: str | os.PathLike[str], *, width: int = 390, scripts: bool = True) -> Audit:
    """Open a local HTML file at ``width`` CSS pixels, run axe-core, measure the width.

    Parameters
    ----------
    path : path-like
        The HTML file (opened as ``file://``: relative links and images resolve).
    width : int
        Viewport width (mobile emulation below 800 px, as a phone renders).
    scripts : bool
        False loads the page with its scripts disabled (as a reader who turned them
        off sees it); axe runs afterwards.
    """
    with Chromium() as browser:
        page = browser.open(path, width=width, scripts=scripts)
        violations = page.axe()
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    return Audit(violations=violations, scroll_width=int(scroll), client_width=int(client))


def describe(violations: list[dict]) -> str:
    """One line per violation and node, for assertion messages."""
    lines = []
    for v in violations:
        for node in v.get("nodes", ()):
            lines.append(
                f"{v['id']} ({v.get('impact')}): {v.get('help')} -> "
                f"{node.get('target')} {node.get('html', '')[:160]}"
            )
    return "\n".join(lines)


def _high(*fds: int) -> tuple[int, ...]:
    """The descriptors moved to 10 and above: the shell's ``3<&N 4>&M`` must not find
    a pipe already on 3 or 4 (pytest's output capture takes low descriptors)."""
    import fcntl

    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved


class Chromium:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (a context manager)."""

    def __init__(self) -> None:
        self._exe = _chromium()
        self._axe = axe_source()
        self._profile = tempfile.TemporaryDirectory(prefix="snppe-chromium-")
        self._next = 0
        self._buffer = b""
        self._events: list[dict] = []
        self._proc: subprocess.Popen | None = None

    def __enter__(self) -> Chromium:
        to_browser_r, to_browser_w = _high(*os.pipe())
        from_browser_r, from_browser_w = _high(*os.pipe())
        flags = (
            "--headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check "
            "--disable-extensions --disable-background-networking --disable-sync "
            "--remote-debugging-pipe"
        )
        # bash (dash takes one-digit descriptors only) puts the pipes on the descriptors
        # 3 and 4 that Chromium expects
        command = (
            f'exec "$0" {flags} --user-data-dir="$1" about:blank '
            f"3<&{to_browser_r} 4>&{from_browser_w}"
        )
        self._proc = subprocess.Popen(
            ["bash", "-c", command, self._exe, self._profile.name],
            pass_fds=(to_browser_r, from_browser_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._write = os.fdopen(to_browser_w, "wb", buffering=0)
        self._read = from_browser_r
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (OSError, EOFError, TimeoutError, RuntimeError):
            pass
        self._write.close()
        os.close(self._read)
        if self._proc is not None:
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._profile.cleanup()

    # -- protocol --------------------------------------------------------------------

    def send(
        self, method: str, params: dict | None = None, session: str | None = None,
        timeout: float = _TIMEOUT,
    ) -> dict:  # fmt: skip
        """Send one DevTools command and return its result (events are kept)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive(timeout)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def wait_event(self, method: str, session: str | None = None, timeout: float = _TIMEOUT):
        """Wait for one event of a session (already received ones count)."""

        def match(event: dict) -> bool:
            return event.get("method") == method and event.get("sessionId") == session

        for i, event in enumerate(self._events):
            if match(event):
                return self._events.pop(i)
        while True:
            event = self._receive(timeout)
            if match(event):
                return event
            self._events.append(event)

    def _receive(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium ne répond pas")
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 16)
                if not chunk:
                    raise EOFError("chromium s'est arrêté")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    # -- pages -----------------------------------------------------------------------

    def open(
        self, path: str | os.PathLike[str], *, width: int = 390, height: int = 844,
        scripts: bool = True,
    ) -> Page:  # fmt: skip
        """Open a local file in a new tab of ``width`` x ``height`` CSS pixels."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session)
        page.send("Page.enable")
        page.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800,
        })  # fmt: skip
        if not scripts:
            page.send("Emulation.setScriptExecutionDisabled", {"value": True})
        page.send("Page.navigate", {"url": Path(path).resolve().as_uri()})
        self.wait_event("Page.loadEventFired", session)
        if not scripts:
            # the page's own scripts did not run; axe needs timers, so allow them again
            page.send("Emulation.setScriptExecutionDisabled", {"value": False})
        return page


class Page:
    """One tab: evaluate expressions, run axe-core."""

    def __init__(self, browser: Chromium, session: str) -> None:
        self._browser = browser
        self._session = session

    def send(self, method: str, params: dict | None = None) -> dict:
        """A DevTools command in this tab."""
        return self._browser.send(method, params, self._session)

    def evaluate(self, expression: str) -> Any:
        """Evaluate a JavaScript expression (promises awaited), return its JSON value."""
        result = self.send("Runtime.evaluate", {
            "expression": expression, "awaitPromise": True, "returnByValue": True,
        })  # fmt: skip
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript : {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: str | os.PathLike[str], full_page: bool = True) -> Path:
        """Save a PNG of the page (the whole page by default), to look at it."""
        import base64

        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        out = Path(path)
        out.write_bytes(base64.b64decode(data))
        return out

    def axe(self, rules: dict | None = None) -> list[dict]:
        """Run axe-core (default rules plus :data:`AXE_RULES`); return the violations."""
        if not self.evaluate("typeof window.axe === 'object'"):
            self.evaluate(self._browser._axe + ";true")
        options = json.dumps({"rules": {**AXE_RULES, **(rules or {})}})
        summary = (
            "r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
            "nodes: v.nodes.map(n => ({target: n.target, html: n.html}))}))"
        )
        return self.evaluate(f"axe.run(document, {options}).then({summary})")
