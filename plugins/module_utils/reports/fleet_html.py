# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet document (fleet.py) as one self-contained HTML page: a tenants x columns matrix whose header row and
tenant column stay in view while scrolling, counts per status, and each tenant's details behind ``<details>``.

Built to stay usable and small for hundreds of tenants by dozens of columns: a cell is one symbol with a class
(the most common status needs none), no per-cell tooltip, no script. A checkbox hides the tenants with neither a
failure nor an error (the CSS ``:checked`` general sibling selector, no JavaScript). Everything shown comes from
customers' tenants and inventories, so every text is escaped and characters HTML forbids are shown as ``\\xNN``;
the page is also well-formed XML, so a strict XML parser checks it. No external resources: it opens from a CI
artifact store or a mail attachment as it is."""

import re
from html import escape

# status -> (symbol in a cell, background, foreground); a status not listed shows its first letter on grey.
STYLES = {
    "error": (u"!", "#5b2a86", "#fff"), "fail": (u"\u2717", "#b3261e", "#fff"),
    "accepted": (u"A", "#0f6f7c", "#fff"), "warning": (u"W", "#e07b00", "#000"),
    "manual": (u"?", "#c98a00", "#000"), "fixed": (u"F", "#2f6fb0", "#fff"),
    "pass": (u"\u2713", "#1e7a3c", "#fff"), "n/a": (u"\u2013", "#ddd", "#000"),
}
FAILING = ("error", "fail")
MAX_LINE = 2000                 # characters of one detail line on the page (the JSON keeps it whole)
# C0/C1 controls (but tab, newline, carriage return), lone surrogates and noncharacters: HTML calls them parse
# errors and XML refuses them, so they are shown escaped.
_HIDDEN = re.compile(u"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
CSS = """
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#1b1b1b;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}p.sub{color:#555;margin:0 0 12px}
.b{display:inline-block;padding:1px 7px;border-radius:3px;font-weight:600}.legend .b{margin:0 6px 6px 0;padding:4px 10px}
table{border-collapse:separate;border-spacing:0}th,td{border:1px solid #ddd;padding:2px 6px;text-align:center}
table.m td{min-width:14px;font-size:12px;font-weight:700}
table.m thead th{position:sticky;top:0;z-index:2;background:#fff;vertical-align:bottom}
table.m th.t{position:sticky;left:0;z-index:1;background:#fff;text-align:left;max-width:26em;overflow:hidden;
text-overflow:ellipsis;white-space:nowrap}
table.m thead th.t{z-index:3}table.m tbody tr.n td,table.m tbody tr.n th{background:#eee;color:#1b1b1b}
th.c span{display:inline-block;writing-mode:vertical-rl;transform:rotate(180deg);max-height:14em;overflow:hidden;
text-overflow:ellipsis;white-space:nowrap}
#f:checked~table.m tbody tr.g{display:none}label{margin-left:4px}
table.k td{font-variant-numeric:tabular-nums}table.k th:first-child{text-align:left}
details{margin:0 0 4px}summary{cursor:pointer}:target{outline:2px solid #2f6fb0}
.d{margin:4px 0 8px 18px;padding:6px 10px;border-left:4px solid #ccc;background:#f7f7f7}
.d ul{margin:4px 0 0 18px;padding:0}.d li{overflow-wrap:anywhere;white-space:pre-wrap}
"""


def text(value):
    """``value`` as HTML text or attribute value: escaped, forbidden characters shown as ``\\xNN``."""
    shown = _HIDDEN.sub(lambda m: "\\x%02x" % ord(m.group()) if ord(m.group()) < 0x100 else "\\u%04x"
                        % ord(m.group()), u"%s" % value)
    return escape(shown, quote=True)


def _style(status):
    return STYLES.get(status, ((status[:1] or "?").upper(), "#777", "#fff"))


def _classes(fleet):
    """A class per status (``k0``, ``k1``, ...) and the CSS: matrix cells of the most common status carry no
    class (most cells of a large fleet; a quarter of the page's size saved)."""
    names = dict((s, "k%d" % i) for i, s in enumerate(fleet["statuses"]))
    cells = fleet["counts"]["cells"]
    common = max(fleet["statuses"], key=lambda s: (cells[s], s == "pass")) if any(cells.values()) else None
    css = "".join(".%s{background:%s;color:%s}" % (names[s], _style(s)[1], _style(s)[2]) for s in fleet["statuses"])
    if common:
        css += "table.m tbody td:not([class]){background:%s;color:%s}" % _style(common)[1:]
    return names, common, css


def _badge(names, status, label=None):
    return '<span class="b %s">%s</span>' % (names[status], text(label or status))


def _counts_text(counts, statuses):
    return ", ".join("%d %s" % (counts[s], s) for s in statuses if counts[s])


def _failing(counts):
    return sum(counts[s] for s in FAILING)


def render(fleet):
    """The page of a fleet document: heading and counts, the matrix, the counts per column, each tenant's details."""
    statuses, columns, rows = fleet["statuses"], fleet["columns"], fleet["tenants"]
    names, common, css = _classes(fleet)
    label = fleet["column_label"]
    cells, tenants = fleet["counts"]["cells"], fleet["counts"]["tenants"]
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>',
           '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
           "<title>%s: every tenant</title><style>%s%s</style></head><body>" % (text(fleet["title"]), CSS, css),
           "<h1>%s: every tenant</h1>" % text(fleet["title"]),
           '<p class="sub">%d tenant(s) by %d %s(s). Run %s, generated %s. Tenants by their worst status: %s.</p>' % (
               len(rows), len(columns), text(label), text(fleet["run_id"] or "(unnamed)"), text(fleet["generated"]),
               text(_counts_text(tenants, statuses) or "none")),
           '<div class="legend">%s</div>' % "".join(
               _badge(names, s, u"%s %s: %d cell(s)" % (_style(s)[0], s, cells[s]))
               for s in statuses if cells[s] or s in FAILING + ("accepted", "pass"))]
    out.extend(_matrix(fleet, names, common))
    out.append("<h2>Per %s</h2>" % text(label))
    out.append('<table class="k"><thead><tr><th>%s</th>%s</tr></thead><tbody>%s</tbody></table>' % (
        text(label), "".join("<th>%s</th>" % _badge(names, s) for s in statuses),
        "".join("<tr><th>%s</th>%s</tr>" % (text(c["name"]), "".join(
            "<td>%s</td>" % (c["counts"][s] or "") for s in statuses)) for c in columns)))
    out.append("<h2>Per tenant</h2>")
    out.extend(_tenant_details(names, statuses, label, index, row) for index, row in enumerate(rows))
    out.append("</body></html>\n")
    return "\n".join(out)


def _matrix(fleet, names, common):
    """The filter, then the tenants x columns table: a row of counts per column, then a row per tenant (its
    worst status, its cells failing or in error, a symbol per cell)."""
    statuses, columns = fleet["statuses"], fleet["columns"]
    yield '<input type="checkbox" id="f"/><label for="f">only tenants with a failure or an error</label>'
    yield ('<table class="m"><thead><tr><th class="t">tenant</th><th>worst</th><th title="cells failing or in error">'
           u'\u2717/!</th>%s</tr></thead><tbody>' % "".join(
               '<th class="c" title="%s"><span>%s</span></th>' % (text(c["name"]), text(c["name"])) for c in columns))
    yield '<tr class="n"><th class="t">tenants failing or in error</th><td>%d</td><td></td>%s</tr>' % (
        _failing(fleet["counts"]["tenants"]), "".join('<td title="%s">%d</td>' % (
            text(_counts_text(c["counts"], statuses)), _failing(c["counts"])) for c in columns))
    for index, row in enumerate(fleet["tenants"]):
        cells = []
        for column in columns:
            status = row["cells"].get(column["name"])
            if status is None:
                cells.append('<td class="e"></td>')     # no case of this tenant in this column
            else:
                attribute = "" if status == common else ' class="%s"' % names[status]
                cells.append("<td%s>%s</td>" % (attribute, text(_style(status)[0])))
        yield '<tr%s><th class="t" title="%s"><a href="#t%d">%s</a></th><td class="%s">%s</td><td class="e">%d</td>%s</tr>' % (
            "" if row["status"] in FAILING else ' class="g"', text(row["label"]), index, text(row["label"]),
            names[row["status"]], text(row["status"]), _failing(row["counts"]), "".join(cells))
    yield "</tbody></table>"


def _tenant_details(names, statuses, label, index, row):
    """A tenant's cases behind ``<details>``. The matrix links to ``#tN``, an element inside: navigating to a
    fragment opens the closed ``<details>`` around it (https://github.com/whatwg/html/pull/6466), no script needed."""
    shown = row["details"]      # the cases that did not pass
    quiet = sum(n for s, n in row["counts"].items() if s in ("pass", "n/a"))
    parts = ['<details><summary><b>%s</b> %s %s</summary><div id="t%d">' % (
        text(row["label"]), _badge(names, row["status"]), text(_counts_text(row["counts"], statuses)), index)]
    for detail in shown:
        lines = [_cut(line) for line in detail["lines"]] + [_accepted_line(a) for a in detail.get("accepted") or []]
        items = "".join("<li>%s</li>" % text(line) for line in lines)
        parts.append('<div class="d"><b>%s</b> %s<ul>%s</ul></div>' % (
            text(detail["column"]), _badge(names, detail["status"]), items))
    if quiet:
        parts.append("<p>%d other %s(s) passed.</p>" % (quiet, text(label)) if shown else
                     "<p>Every %s passed (%d).</p>" % (text(label), quiet))
    parts.append("</div></details>")
    return "".join(parts)


def _cut(line):
    if len(line) <= MAX_LINE:
        return line
    return u"%s\u2026 (%d more characters in the JSON report)" % (line[:MAX_LINE], len(line) - MAX_LINE)


def _accepted_line(accepted):
    """An accepted deviation: what, why, who owns it and until when."""
    if not isinstance(accepted, dict):
        return "accepted: %s" % accepted
    return "accepted %s: %s (owner %s, expires %s)" % (
        accepted.get("ref"), accepted.get("reason"), accepted.get("owner"), accepted.get("expires"))
