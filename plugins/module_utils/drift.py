# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the drift report (JSON document and JUnit XML) from the baseline's per-tenant results."""
from __future__ import absolute_import, division, print_function

import json
import xml.etree.ElementTree as ET

__metaclass__ = type


def _value(value):
    return json.dumps(value, sort_keys=True, default=str)


def build(tenants, hosts=None):
    """``tenants``: [{host, tenant, error, results: [{rule, object, matched, changes, failed_identities}]}] where an
    entry may be None for a host that produced nothing (unreachable). Returns the JSON-ready report."""
    hosts = list(hosts or [])
    cases = []
    for index, entry in enumerate(tenants):
        if not entry:
            host = hosts[index] if index < len(hosts) else "host %d" % index
            entry = dict(host=host, tenant=host, error="the tenant produced no result (unreachable or skipped)",
                         results=[])
        tenant = entry.get("tenant") or entry.get("host")
        if entry.get("error"):
            cases.append(dict(tenant=tenant, host=entry.get("host"), object="(tenant)", rule=None, status="error",
                              message=str(entry["error"]), drift=[]))
            continue
        for result in entry.get("results") or []:
            drift = []
            for change in result.get("changes") or []:
                for prop, desired in sorted((change.get("after") or {}).items()):
                    drift.append(dict(identity=change.get("identity"), property=prop,
                                      current=(change.get("before") or {}).get(prop), desired=desired))
            failed = result.get("failed_identities") or []
            status = "error" if failed else ("drift" if drift else "ok")
            cases.append(dict(tenant=tenant, host=entry.get("host"), object=result.get("object"),
                              rule=result.get("rule"), status=status, matched=result.get("matched", 0),
                              drift=drift, failed_identities=failed,
                              message="; ".join(f.get("reason", "") for f in failed) or None))
    return dict(tenants=len(tenants), cases=cases,
                drifted=sum(1 for c in cases if c["status"] == "drift"),
                errors=sum(1 for c in cases if c["status"] == "error"))


def junit(report):
    """JUnit XML: one test case per tenant and object type; drift is a failure, an unreachable tenant an error."""
    suite = ET.Element("testsuite", name="exchange-baseline-drift", tests=str(len(report["cases"])),
                       failures=str(report["drifted"]), errors=str(report["errors"]))
    for case in report["cases"]:
        name = "%s %s" % (case["object"], case["rule"]) if case.get("rule") else case["object"]
        element = ET.SubElement(suite, "testcase", classname=str(case["tenant"]), name=name)
        if case["status"] == "drift":
            lines = ["%s: %s is %s, baseline wants %s" % (d["identity"], d["property"], _value(d["current"]),
                                                          _value(d["desired"])) for d in case["drift"]]
            failure = ET.SubElement(element, "failure", message="%d drifted setting(s)" % len(lines), type="drift")
            failure.text = "\n".join(lines)
        elif case["status"] == "error":
            error = ET.SubElement(element, "error", message=(case.get("message") or "error")[:500], type="error")
            error.text = case.get("message")
    return ET.tostring(suite, encoding="unicode")


def summary(report):
    if not report["drifted"] and not report["errors"]:
        return "No drift: %d tenant(s), %d check(s) match the baseline." % (report["tenants"], len(report["cases"]))
    problems = ["%s %s: %s" % (c["tenant"], c["object"], c.get("message") if c["status"] == "error"
                               else "%d drifted setting(s)" % len(c["drift"]))
                for c in report["cases"] if c["status"] != "ok"]
    return "%d check(s) drifted and %d failed across %d tenant(s): %s%s" % (
        report["drifted"], report["errors"], report["tenants"], "; ".join(problems[:5]),
        "; ..." if len(problems) > 5 else "")
