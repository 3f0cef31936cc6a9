# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One self-contained HTML page for a report across tenants: counts per status, a tenants x checks matrix and the
detail of every case that is not a pass. Inline CSS only: no scripts, fonts, images or other external assets, so
the page opens from a CI artifact store or a mail attachment as it is."""

from html import escape


# status -> (label, background, foreground); statuses not listed are shown grey.
STATUS_STYLES = {
    "ok": ("ok", "#1e7a3c", "#fff"), "pass": ("pass", "#1e7a3c", "#fff"), "fixed": ("fixed", "#2f6fb0", "#fff"),
    "drift": ("drift", "#b3261e", "#fff"), "fail": ("fail", "#b3261e", "#fff"),
    "manual": ("manual", "#c98a00", "#000"), "error": ("error", "#5b2a86", "#fff"),
    "accepted": ("accepted", "#5f7f8f", "#fff"),
}
# Statuses that count as passing in the totals row; an accepted deviation is one, but its detail is still shown.
PASSING = ("ok", "pass", "accepted")
CSS = """
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#1b1b1b;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}p.sub{color:#555;margin:0 0 16px}
.counts span{display:inline-block;margin:0 8px 8px 0;padding:4px 10px;border-radius:4px;font-weight:600}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px;text-align:center}
th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:600}
th.row{text-align:left;white-space:nowrap}td.cell{font-size:12px;font-weight:600;min-width:44px}
.detail{margin:0 0 12px;padding:8px 12px;border-left:4px solid #ccc;background:#f7f7f7}
.detail b{display:inline-block;min-width:90px}.detail ul{margin:4px 0 0 18px;padding:0}
.detail span{padding:1px 6px;border-radius:3px;font-size:12px}tr.total th,tr.total td{background:#eee;font-weight:600}
"""


def tenant_label(host, tenant):
    """``contoso.com (22222222-...)``: the inventory name people know, with the tenant it stands for."""
    return "%s (%s)" % (host, tenant) if host and host != tenant else str(tenant)


def _style(status):
    return STATUS_STYLES.get(status, (status, "#777", "#fff"))


def _badge(status, text=None):
    label, background, foreground = _style(status)
    return '<span style="background:%s;color:%s">%s</span>' % (background, foreground, escape(text or label))


def render(title, subtitle, cases, column_label="check"):
    """``cases``: [{tenant, column, status, lines: [str]}]. Columns and tenants keep their first-seen order."""
    tenants, columns, cells = [], [], {}
    for case in cases:
        tenant, column = str(case["tenant"]), str(case["column"])
        if tenant not in tenants:
            tenants.append(tenant)
        if column not in columns:
            columns.append(column)
        cells.setdefault((tenant, column), []).append(case)
    counts = {}
    for case in cases:
        counts[case["status"]] = counts.get(case["status"], 0) + 1
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>%s</title><style>%s</style></head><body>" % (escape(title), CSS),
           "<h1>%s</h1><p class=\"sub\">%s</p>" % (escape(title), escape(subtitle)),
           '<div class="counts">%s</div>' % "".join(
               _badge(s, "%s: %d" % (_style(s)[0], n)) for s, n in sorted(counts.items())),
           "<h2>Tenants &times; %ss</h2><table><thead><tr><th class=\"row\">tenant</th>%s</tr></thead><tbody>"
           % (escape(column_label), "".join('<th class="col">%s</th>' % escape(c) for c in columns))]
    for tenant in tenants:
        row = []
        for column in columns:
            found = cells.get((tenant, column), [])
            status = _worst([c["status"] for c in found]) if found else None
            label, background, foreground = _style(status) if status else ("", "#fff", "#000")
            row.append('<td class="cell" style="background:%s;color:%s" title="%s">%s</td>' % (
                background, foreground, escape("%s / %s" % (tenant, column)), escape(label)))
        out.append('<tr><th class="row">%s</th>%s</tr>' % (escape(tenant), "".join(row)))
    failing = ["%d" % sum(1 for t in tenants if _worst([c["status"] for c in cells.get((t, column), [])] or ["ok"])
                          not in PASSING) for column in columns]
    out.append('<tr class="total"><th class="row">tenants not passing</th>%s</tr>'
               % "".join("<td>%s</td>" % n for n in failing))
    out.append("</tbody></table><h2>Per tenant</h2>")
    for tenant in tenants:
        problems = [c for c in cases if str(c["tenant"]) == tenant and c["status"] not in ("ok", "pass")]
        out.append("<h3>%s</h3>" % escape(tenant))
        if not problems:
            out.append('<p class="detail">Every %s passed.</p>' % escape(column_label))
        for case in problems:
            lines = "".join("<li>%s</li>" % escape(str(line)) for line in case.get("lines") or [])
            out.append('<div class="detail" style="border-color:%s"><b>%s</b> %s<ul>%s</ul></div>' % (
                _style(case["status"])[1], escape(str(case["column"])), _badge(case["status"]), lines))
    out.append("</body></html>\n")
    return "\n".join(out)


SEVERITY = ("error", "fail", "drift", "manual", "accepted", "fixed", "pass", "ok")


def _worst(statuses):
    return min(statuses, key=lambda s: SEVERITY.index(s) if s in SEVERITY else len(SEVERITY))
