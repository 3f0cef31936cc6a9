# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet view of one run: every tenant by every column (a baseline rule, a SCuBA policy ID) with one status per
cell, counts per status per column, per tenant and overall, and each tenant's details. It is built from a report
document as the report modules write it (after any merge of job slices), so it holds exactly the cases of the JSON
and JUnit reports, and the fleet of merged slices is the fleet of one run over every host.

Statuses are normalised across kinds (the drift report's ``ok`` is ``pass`` and ``drift`` is ``fail``); a cell with
several cases shows the worst. Statuses of one kind only (SCuBA's ``manual``, ``fixed``) keep their name."""

import json
import math
import re
from datetime import datetime, timezone

from .files import write
from .fleet_html import render
from .html import tenant_label

# Worst first. A status not listed ranks just after "manual": unknown, so never hidden behind a pass.
RANK = ("error", "fail", "accepted", "warning", "manual", "fixed", "pass", "n/a")
UNKNOWN_RANK = RANK.index("manual") + 0.5
CORE = ("error", "fail", "accepted", "pass")
QUIET = ("pass", "n/a")         # counted, without details (the report's JSON has their lines)
NORMAL = {"ok": "pass", "drift": "fail"}
# The column of a case about the whole tenant (it could not be checked): every column of that tenant is an error.
TENANT_COLUMN = "(tenant)"
_SURROGATE = re.compile(u"[\ud800-\udfff]")


def rank(status):
    return RANK.index(status) if status in RANK else UNKNOWN_RANK


def worst(statuses):
    return min(statuses, key=lambda s: (rank(s), s))


def ranked(statuses):
    return sorted(set(statuses), key=lambda s: (rank(s), s))


def normal_status(status):
    """A case without a status is an error, never a pass."""
    if not isinstance(status, str) or not status:
        return "error"
    return NORMAL.get(status, status)


def build(kind, report, generated):
    """The fleet document of ``report`` (a report document of ``kind``, drift or controls); ``generated``: the time
    it is written, as ISO 8601 text. Raises ValueError when ``report`` holds no list of cases."""
    cases = report.get(kind.cases_key) if isinstance(report, dict) else None
    if not isinstance(cases, list):
        raise ValueError("the report holds no list of %s" % kind.cases_key)
    tenants, columns = {}, []
    for case in cases:
        if not isinstance(case, dict):
            case = kind.error_case("(malformed case)", "(malformed case)", "a case of the report is not a mapping: "
                                   "%s" % json.dumps(case, default=str)[:200])
        host = str(case.get("host") or case.get("tenant"))
        tenant = tenants.setdefault(host, dict(host=host, tenant=str(case.get("tenant") or host),
                                               label=tenant_label(host, case.get("tenant") or host), found={},
                                               details=[]))
        column = str(kind.fleet_column(case) or TENANT_COLUMN)
        if column != TENANT_COLUMN and column not in columns:
            columns.append(column)
        status = normal_status(case.get("status"))
        tenant["found"].setdefault(column, []).append(status)
        if status in QUIET:
            continue
        detail = dict(column=column, status=status, report_status=case.get("status"),
                      lines=[str(line) for line in kind.lines(case)])
        if case.get("accepted"):
            detail["accepted"] = case["accepted"] if isinstance(case["accepted"], list) else [case["accepted"]]
        tenant["details"].append(detail)
    rows = [_row(tenant, columns) for tenant in tenants.values()]
    statuses = ranked(list(CORE) + [s for row in rows for s in row["cells"].values()])
    for row in rows:
        row["counts"] = _count(row["cells"].values(), statuses)
    return _plain(dict(
        kind=kind.suite_name, title=kind.title, run_id=report.get("run_id"), generated=generated,
        column_label=kind.column_label, statuses=statuses,
        columns=[dict(name=c, counts=_count([r["cells"][c] for r in rows if c in r["cells"]], statuses))
                 for c in columns],
        tenants=rows,
        counts=dict(cells=_count([s for r in rows for s in r["cells"].values()], statuses),
                    tenants=_count([r["status"] for r in rows], statuses))))


def _row(tenant, columns):
    """One tenant: a cell per column it has a case for (a tenant that could not be checked: an error in every
    column), its worst status (an error for a tenant without any case)."""
    found = tenant.pop("found")
    unchecked = found.pop(TENANT_COLUMN, [])
    cells = dict((c, worst(found.get(c, []) + unchecked)) for c in columns if c in found or unchecked)
    tenant.update(cells=cells, status=worst(list(cells.values()) + unchecked or ["error"]))
    return tenant


def _count(statuses, known):
    counts = dict((s, 0) for s in known)
    for status in statuses:
        counts[status] += 1
    return counts


def _plain(value):
    """``value`` as strict JSON holds it: text without lone surrogates (not encodable as UTF-8), no NaN or
    infinity, keys as text, anything else (a date of an exception) as its text."""
    if isinstance(value, dict):
        return dict((_plain(str(k)), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return _SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), value)
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return _plain(str(value))


def summary(fleet):
    counts = fleet["counts"]["tenants"]
    return "%d tenant(s) by %d %s(s); tenants by their worst status: %s." % (
        len(fleet["tenants"]), len(fleet["columns"]), fleet["column_label"],
        ", ".join("%d %s" % (counts[s], s) for s in fleet["statuses"] if counts[s]) or "none")


def result(fleet):
    """What the report modules return about the fleet (the documents stay in the files)."""
    return dict(tenants=len(fleet["tenants"]), columns=len(fleet["columns"]), cells=fleet["counts"]["cells"],
                tenant_status=fleet["counts"]["tenants"], summary=summary(fleet))


def write_files(kind, report, json_path=None, html_path=None, generated=None):
    """Build the fleet of ``report`` and write it as strict JSON (no NaN) and/or one HTML page; ``generated``
    defaults to now (UTC). Returns the fleet, or None when neither path is given. Raises IOError/OSError."""
    if not json_path and not html_path:
        return None
    fleet = build(kind, report, generated or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if json_path:      # on one line: it grows with tenants x columns
        write(json_path, json.dumps(fleet, ensure_ascii=False, allow_nan=False))
    if html_path:
        write(html_path, render(fleet))
    return fleet
