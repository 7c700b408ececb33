"""Data Docs that open offline.

Great Expectations links its pages to CDN styles and scripts, and its index page fills its tables with
JavaScript from those CDNs: offline it shows nothing. The suite and validation pages are server-rendered,
so they stay readable once the remote references are removed. The index is replaced by a self-contained
page (Russian, inline styles) listing every table's result with links to those pages; the original
index is kept as `gx_index.html`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from urllib.parse import quote

REMOTE_SCRIPT = re.compile(r"<script[^>]*\ssrc=[\"']https?://[^>]*>\s*</script>", re.I)
REMOTE_LINK = re.compile(r"<link[^>]*\shref=[\"']https?://[^>]*>", re.I)
REMOTE_IMAGE = re.compile(r"<img[^>]*\ssrc=[\"']https?://[^>]*>", re.I)

STYLE = """<style>
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
.collapse:not(.show) { display: block; }
.ok { color: #1a7f37; } .warn { color: #9a6700; } .stop { color: #cf222e; font-weight: bold; }
</style>"""

STATUS = {"ok": "пройдено", "warn": "есть предупреждения", "stop": "публикация остановлена"}


def make_offline(docs_dir: Path, results: list[dict], as_of: dt.date) -> Path:
    """Strips remote references from every page and writes the offline index; returns its path."""
    docs_dir = Path(docs_dir)
    for page in docs_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        text = REMOTE_LINK.sub("", REMOTE_IMAGE.sub("", REMOTE_SCRIPT.sub("", text)))
        if STYLE not in text:
            text = text.replace("</head>", STYLE + "\n</head>", 1)
        page.write_text(text, encoding="utf-8")
    gx_index = docs_dir / "index.html"
    if gx_index.exists():
        gx_index.replace(docs_dir / "gx_index.html")
    index = docs_dir / "index.html"
    index.write_text(index_page(docs_dir, results, as_of), encoding="utf-8")
    return index


def index_page(docs_dir: Path, results: list[dict], as_of: dt.date) -> str:
    suites = list(dict.fromkeys(r["suite"] for r in results))
    rows = []
    for suite in suites:
        mine = [r for r in results if r["suite"] == suite]
        failed = [r for r in mine if not r["success"]]
        status = "stop" if any(r["severity"] == "stop" for r in failed) else ("warn" if failed else "ok")
        links = _links(docs_dir, suite)
        rows.append(
            f"<tr><td>{_e(suite)}</td><td class='{status}'>{STATUS[status]}</td>"
            f"<td>{len(mine) - len(failed)} из {len(mine)}</td><td>{links}</td></tr>"
        )
    failures = [
        f"<tr><td>{_e(r['suite'])}</td><td class='{r['severity']}'>{_e(r['severity'])}</td>"
        f"<td>{_e(r['description'])}</td><td>{_e(r['expectation'])}</td><td>{_e(r['column'] or '')}</td>"
        f"<td>{_e(_observed(r))}</td></tr>"
        for r in results if not r["success"]
    ]
    failures_table = (
        "<table><tr><th>таблица</th><th>важность</th><th>проверка</th><th>ожидание GX</th><th>столбец</th>"
        "<th>найдено</th></tr>" + "".join(failures) + "</table>"
        if failures else "<p class='ok'>Все проверки пройдены.</p>"
    )
    return (
        "<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'><title>Сверка: проверки данных</title>"
        f"{STYLE}</head><body><h1>Проверки опубликованных таблиц</h1>"
        f"<p>Дата сверки: {as_of.strftime('%d.%m.%Y')}. Важность: <b>stop</b> — публикация останавливается, "
        "<b>warn</b> — предупреждение.</p>"
        "<table><tr><th>таблица</th><th>итог</th><th>пройдено</th><th>подробно</th></tr>"
        + "".join(rows) + "</table><h2>Не пройдено</h2>" + failures_table
        + "<p><a href='gx_index.html'>Исходный индекс Great Expectations</a> (нужен интернет).</p>"
        "</body></html>\n"
    )


def _links(docs_dir: Path, suite: str) -> str:
    parts = suite.split(".")
    links = []
    expectations = docs_dir.joinpath("expectations", *parts).with_suffix(".html")
    if expectations.exists():
        links.append(f"<a href='{_rel(docs_dir, expectations)}'>набор ожиданий</a>")
    for page in sorted(docs_dir.joinpath("validations", *parts).rglob("*.html")):
        links.append(f"<a href='{_rel(docs_dir, page)}'>результат проверки</a>")
    return " · ".join(links)


def _rel(docs_dir: Path, page: Path) -> str:
    return html.escape(quote(page.relative_to(docs_dir).as_posix()), quote=True)


def _observed(r: dict) -> str:
    if r.get("unexpected_count") is not None:
        return f"{r['unexpected_count']} из {r.get('element_count')} строк"
    return str(r.get("observed_value") or "")


def _e(text) -> str:
    return html.escape(str(text))
