"""index.html of a batch: content, escaping, accessibility (axe-core), narrow screens, script.

The page is opened in Debian's headless chromium (tests/a11y.py); those tests are skipped
when chromium or axe-core is absent (``make axe`` installs axe-core).
"""

from __future__ import annotations

import json

import pytest

from snppe_report.batch.index import render_index
from snppe_report.read.catalogue import load_catalogue
from snppe_report.read.collectivites import departements
from tests import a11y

RATIOS = [ind.id for ind in load_catalogue().ratios()]


def _rows() -> list[dict]:
    rows = []
    for i, dep in enumerate(departements()):
        status = "echec" if i == 5 else ("inchange" if i % 4 == 0 else "ok")
        heads = {
            ident: {"valeur": 0.05 + ((i * 7 + k) % 50) / 100, "annee": 2022,
                    "calcule": k == 2, "texte": f"{5 + (i * 7 + k) % 50},0 %"}
            for k, ident in enumerate(RATIOS) if (i + k) % 6
        }  # fmt: skip
        rows.append({
            "code": dep.code, "nom": dep.nom, "statut": status,
            "messages": ["classeur illisible : feuille « TDB », cellule C12"] if status == "echec"
            else [],
            "liens": {} if status == "echec" else {"html": f"{dep.slug}/rapport-2023.html",
                                                   "pdf": f"{dep.slug}/rapport-2023.pdf"},
            "precedent": False, "fichiers": [f"{dep.slug}-tdb-2023-fictif.xlsx"],
            "indicateurs": heads, "revisions": i % 3,
        })  # fmt: skip
    rows[0]["fichiers"] = ['<script>alert("x")</script>.xlsx']
    return rows


MANIFEST = {
    "version": "0.1.0", "annee": 2023, "fictif": True, "dossier": "/donnees/lot",
    "bilan": {"ok": 75, "inchange": 25, "echec": 1},
    "entrees": [{"fichier": "casse.xlsx", "statut": "echec",
                 "erreur": {"message": "ce fichier n'est pas un classeur"}}],
    "synthese": {"statut": "ok", "sorties": {"html": "synthese-nationale.html"}},
    "consolide": {"csv": "consolide.csv", "xlsx": "consolide.xlsx",
                  "parquet": "consolide.parquet", "csv-excel": "consolide-excel.csv"},
    "genere_le": "2026-12-01T22:39:05+01:00",
}  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("lot") / "index.html"
    path.write_text(render_index(MANIFEST, _rows()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def short_index(tmp_path_factory):
    """12 collectivités (every kind of row: failed, unchanged, without value): axe is slow."""
    path = tmp_path_factory.mktemp("lot") / "index.html"
    path.write_text(render_index(MANIFEST, _rows()[:12]), encoding="utf-8")
    return path


def test_content_links_regions_and_escaping(index):
    html = index.read_text(encoding="utf-8")
    assert "DONNÉES FICTIVES" in html and "1er décembre 2026 à 22 h 39" in html
    assert 'href="68-haut-rhin/rapport-2023.html"' in html
    assert 'href="consolide-excel.csv"' in html and 'href="consolide.xlsx"' in html
    assert "Grand Est" in html and "Auvergne-Rhône-Alpes" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "ce fichier n&#39;est pas un classeur" in html
    assert "--navy" in html  # the reports' tokens
    assert "http://" not in html and "https://" not in html  # nothing from the network


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "sans-script"])
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_violation(short_index, width, scripts):
    audit = a11y.audit(short_index, width=width, scripts=scripts)
    assert not audit.violations, a11y.describe(audit.violations)


def test_no_horizontal_scroll_from_phone_to_desktop(index):
    with a11y.Chromium() as browser:
        for width in (390, 768, 1024, 1280, 1440, 1920):
            page = browser.open(index, width=width)
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client <= width, (width, scroll, client)


VISIBLE = "Array.from(document.querySelectorAll('#collectivites tbody tr')).filter(r => !r.hidden)"
CODES = f"{VISIBLE}.map(r => r.id.slice(2))"


def test_without_script_every_row_shows_and_no_dead_control(index):
    with a11y.Chromium() as browser:
        page = browser.open(index, width=390, scripts=False)
        assert page.evaluate(f"{VISIBLE}.length") == len(departements())
        assert page.evaluate("document.getElementById('outils').hidden") is True


def test_script_filters_and_sorts(index):
    with a11y.Chromium() as browser:
        page = browser.open(index, width=1280)
        assert page.evaluate("document.getElementById('outils').hidden") is False
        assert "101 collectivités affichées sur 101" in page.evaluate(
            "document.getElementById('f-compte').textContent"
        )

        def choose(element: str, value: str, event: str = "input") -> list[str]:
            page.evaluate(
                f"(e => {{ e.value = {json.dumps(value)}; "
                f"e.dispatchEvent(new Event('{event}')); }})(document.getElementById('{element}'))"
            )
            return page.evaluate(CODES)

        assert choose("f-texte", "haut rhin") == ["68"]  # accents and dashes ignored
        assert choose("f-texte", "") and choose("f-region", "Grand Est") == [
            "08", "10", "51", "52", "54", "55", "57", "67", "68", "88",
        ]  # fmt: skip
        choose("f-region", "")
        assert choose("f-statut", "echec") == ["06"]
        choose("f-statut", "")
        choose("f-sens", "desc", "change")
        shown = choose("f-tri", "epp-part", "change")
        values = page.evaluate(
            f"{VISIBLE}.map(r => r.querySelector('[data-col=\"epp-part\"]').dataset.v)"
        )
        numbers = [float(v) for v in values if v]
        assert numbers == sorted(numbers, reverse=True) and len(shown) == 101
        assert values[-1] == ""  # collectivités without a value come last
        sort = "document.querySelector('th[data-tri=\"epp-part\"]').getAttribute('aria-sort')"
        assert page.evaluate(sort) == "descending"
        page.evaluate("document.querySelector('th[data-tri=\"nom\"] button').click()")
        names = page.evaluate(f"{VISIBLE}.map(r => r.dataset.nom)")
        assert names[:2] == ["Ain", "Aisne"] and names[-1] == "Yvelines"
