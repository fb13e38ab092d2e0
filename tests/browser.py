"""Headless Debian Chromium with axe-core: accessibility and width checks of a page.

``make test`` installs both (Chromium from Debian, axe-core from npm into
``build/axe``, see the Makefile); :func:`require_browser` skips a test, naming what is
missing, when a test runs outside ``make test`` without them. No browser is
downloaded: Chromium is driven by its command line (``--dump-dom`` after the page's
own script has run axe and written its result into the page).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = Path(os.environ.get("SNPPE_AXE", ROOT / "build/axe/node_modules/axe-core/axe.min.js"))
#: axe-core runs its default rules plus td-has-header (off by default).
_RUNNER = """
<script>
window.addEventListener("load", async () => {
  const out = document.createElement("pre");
  out.id = "snppe-axe";
  try {
    const r = await axe.run(document, {rules: {"td-has-header": {enabled: true}}});
    const width = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    out.textContent = JSON.stringify({
      violations: r.violations.map(v => ({id: v.id, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))})),
      width: width, viewport: window.innerWidth});
  } catch (e) { out.textContent = JSON.stringify({error: String(e)}); }
  parent.postMessage(out.textContent, "*");
});
</script>
"""
#: Headless Chromium will not open a window narrower than 500 px: the page is shown in
#: an iframe of the wanted width, and posts its result to this wrapper.
_WRAPPER = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>axe</title></head>
<body style="margin:0"><iframe src="{src}" style="width:{width}px;height:900px;border:0"
title="page"></iframe><script>
window.addEventListener("message", e => {{
  const out = document.createElement("pre"); out.id = "snppe-axe";
  out.textContent = e.data; document.body.appendChild(out); }});
</script></body></html>"""


def chromium() -> str | None:
    """The Chromium executable, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser() -> str:
    """Chromium's path; skip (naming the missing tool) when Chromium or axe-core is absent."""
    found = chromium()
    if found is None:
        pytest.skip("chromium absent : « make test » l'installe (paquet Debian chromium)")
    if not AXE.is_file():
        pytest.skip(f"axe-core absent ({AXE}) : « make test » l'installe (npm)")
    return found


def audit(html: Path, tmp: Path, width: int = 390) -> dict:
    """Run axe-core on ``html`` in headless Chromium at ``width`` CSS pixels.

    Returns
    -------
    dict
        ``violations`` (id, help, first nodes), ``width`` (the page's scroll width)
        and ``viewport`` (the window's inner width).
    """
    browser = require_browser()
    page = tmp / f"axe-{html.stem}-{width}.html"
    text = html.read_text(encoding="utf-8")
    inject = f'<script src="{AXE.as_uri()}"></script>{_RUNNER}'
    page.write_text(text.replace("</body>", inject + "</body>", 1), encoding="utf-8")
    wrapper = tmp / f"axe-{html.stem}-{width}-cadre.html"
    wrapper.write_text(_WRAPPER.format(src=page.as_uri(), width=width), encoding="utf-8")
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--allow-file-access-from-files", "--window-size=800,1000",
         "--virtual-time-budget=60000", "--dump-dom", wrapper.as_uri()],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    match = re.search(r'<pre id="snppe-axe">(.*?)</pre>', done.stdout, re.S)
    assert match, f"axe-core n'a rien rendu : {done.stderr[-800:]}"
    import html as _html

    result = json.loads(_html.unescape(match.group(1)))
    assert "error" not in result, result
    return result
