# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SCuBA report across tenants, per control ID: JSON document, JUnit XML (one case per tenant and control) and
the cases the HTML page shows."""
from __future__ import absolute_import, division, print_function

import xml.etree.ElementTree as ET

from .drift import xml_text
from .html_report import tenant_label

__metaclass__ = type

STATUSES = ("pass", "fixed", "fail", "manual", "error")


def build(tenants, hosts=None):
    """``tenants``: [{host, tenant, error, controls: [...scuba_exchange results]}], None for a host that produced
    nothing. A tenant without results is an error case, never a silent pass."""
    hosts = list(hosts or [])
    cases = []
    for index, entry in enumerate(tenants):
        host = hosts[index] if index < len(hosts) else "host %d" % index
        if not isinstance(entry, dict) or entry.get("error") or not entry.get("controls"):
            message = (entry or {}).get("error") if isinstance(entry, dict) else None
            cases.append(dict(tenant=(entry or {}).get("tenant", host) if isinstance(entry, dict) else host,
                              host=host, id="(tenant)", status="error", criticality=None, statement=None,
                              details=[message or "the tenant produced no result (unreachable or skipped)"]))
            continue
        for control in entry["controls"]:
            cases.append(dict(tenant=entry.get("tenant") or host, host=entry.get("host") or host, id=control["id"],
                              status=control["status"], criticality=control.get("criticality"),
                              statement=control.get("statement"), details=list(control.get("details") or [])))
    by_control = {}
    for case in cases:
        counts = by_control.setdefault(case["id"], dict((s, 0) for s in STATUSES))
        counts[case["status"]] = counts.get(case["status"], 0) + 1
    return dict(tenants=len(tenants), cases=cases, controls=by_control,
                counts=dict((s, sum(1 for c in cases if c["status"] == s)) for s in STATUSES))


def junit(report):
    """A failing control is a failure, a control that could not be checked an error, a manual one skipped (with what
    to check): CI sees it without counting it as passed."""
    counts = report["counts"]
    suite = ET.Element("testsuite", name="scuba-exchange", tests=str(len(report["cases"])),
                       failures=str(counts["fail"]), errors=str(counts["error"]), skipped=str(counts["manual"]))
    for case in report["cases"]:
        element = ET.SubElement(suite, "testcase", classname=xml_text(case["tenant"]), name=xml_text(case["id"]))
        text = xml_text("\n".join(case["details"]))
        tag = {"fail": "failure", "error": "error", "manual": "skipped"}.get(case["status"])
        if tag:
            child = ET.SubElement(element, tag, message=xml_text((case.get("statement") or case["status"])[:500]),
                                  type=case["status"])
            child.text = text
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode")


def html_cases(report):
    return [dict(tenant=tenant_label(c.get("host"), c["tenant"]), column=c["id"], status=c["status"],
                 lines=([c["statement"]] if c.get("statement") else []) + c["details"]) for c in report["cases"]]


def summary(report):
    counts = report["counts"]
    return "%d tenant(s): %s." % (report["tenants"], ", ".join("%d %s" % (counts[s], s) for s in STATUSES))
