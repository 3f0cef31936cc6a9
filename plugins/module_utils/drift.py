# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the drift report (JSON document and JUnit XML) from the baseline's per-tenant results, or merge the reports
of job slices into one."""
from __future__ import absolute_import, division, print_function

import json
import re
import xml.etree.ElementTree as ET

from .html_report import tenant_label

__metaclass__ = type


# Characters XML 1.0 cannot carry at all, even escaped: a single one makes the whole file unparseable.
_NOT_XML = re.compile(u"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _value(value):
    return json.dumps(value, sort_keys=True, default=str)


def xml_text(value):
    """``value`` as text an XML parser accepts: forbidden control characters shown as ``\\xNN``."""
    return _NOT_XML.sub(lambda m: "\\x%02x" % ord(m.group()) if ord(m.group()) < 0x100 else "\\u%04x"
                        % ord(m.group()), u"%s" % value)


def _error_case(tenant, host, message):
    return dict(tenant=tenant, host=host, object="(tenant)", rule=None, status="error", message=message, drift=[])


def _result_case(tenant, host, result):
    if not isinstance(result, dict):
        return _error_case(tenant, host, "a result of the baseline is not a mapping: %s" % _value(result)[:200])
    drift = []
    for change in result.get("changes") or []:
        change = change if isinstance(change, dict) else {"identity": change}
        before = change.get("before") if isinstance(change.get("before"), dict) else {}
        after = change.get("after") if isinstance(change.get("after"), dict) else {}
        for prop, desired in sorted(after.items()):
            drift.append(dict(identity=change.get("identity"), property=prop, current=before.get(prop),
                              desired=desired))
    failed = [f if isinstance(f, dict) else {"reason": str(f)} for f in result.get("failed_identities") or []]
    status = "error" if failed else ("drift" if drift else "ok")
    return dict(tenant=tenant, host=host, object=result.get("object"), rule=result.get("rule"), status=status,
                matched=result.get("matched", 0), drift=drift, failed_identities=failed,
                message="; ".join(str(f.get("reason", "")) for f in failed) or None)


def build(tenants, hosts=None):
    """``tenants``: [{host, tenant, error, results: [{rule, object, matched, changes, failed_identities}]}] where an
    entry may be None for a host that produced nothing (unreachable). Returns the JSON-ready report, with at least
    one case per tenant: a tenant without results, or whose entry is malformed, is an error, never a silent pass."""
    hosts = list(hosts or [])
    cases = []
    for index, entry in enumerate(tenants):
        host = hosts[index] if index < len(hosts) else "host %d" % index
        if not entry:
            cases.append(_error_case(host, host, "the tenant produced no result (unreachable or skipped)"))
            continue
        if not isinstance(entry, dict):
            cases.append(_error_case(host, host, "the report entry is not a {host, tenant, error, results} "
                                                 "mapping: %s" % _value(entry)[:200]))
            continue
        host = entry.get("host") or host
        tenant = entry.get("tenant") or host
        results = entry.get("results")
        if entry.get("error"):
            cases.append(_error_case(tenant, host, str(entry["error"])))
        elif not isinstance(results, list) or not results:
            cases.append(_error_case(tenant, host, "the baseline returned no result for the tenant (nothing was "
                                                   "checked)" if not results else
                                     "the tenant's results are not a list: %s" % _value(results)[:200]))
        else:
            cases.extend(_result_case(tenant, host, result) for result in results)
    return _totals(cases, len(tenants))


def junit(report):
    """JUnit XML (UTF-8, with its declaration): one test case per tenant and object type; drift is a failure, an
    unreachable tenant an error."""
    suite = ET.Element("testsuite", name="exchange-baseline-drift", tests=str(len(report["cases"])),
                       failures=str(report["drifted"]), errors=str(report["errors"]))
    for case in report["cases"]:
        name = "%s %s" % (case["object"], case["rule"]) if case.get("rule") else case["object"]
        element = ET.SubElement(suite, "testcase", classname=xml_text(case["tenant"]), name=xml_text(name))
        if case["status"] == "drift":
            lines = ["%s: %s is %s, baseline wants %s" % (d["identity"], d["property"], _value(d["current"]),
                                                          _value(d["desired"])) for d in case["drift"]]
            failure = ET.SubElement(element, "failure", message="%d drifted setting(s)" % len(lines), type="drift")
            failure.text = xml_text("\n".join(lines))
        elif case["status"] == "error":
            message = xml_text(case.get("message") or "error")
            error = ET.SubElement(element, "error", message=message[:500], type="error")
            error.text = message
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode")


def summary(report):
    if not report["drifted"] and not report["errors"]:
        return "No drift: %d tenant(s), %d check(s) match the baseline." % (report["tenants"], len(report["cases"]))
    problems = ["%s %s: %s" % (c["tenant"], c["object"], c.get("message") if c["status"] == "error"
                               else "%d drifted setting(s)" % len(c["drift"]))
                for c in report["cases"] if c["status"] != "ok"]
    return "%d check(s) drifted and %d failed across %d tenant(s): %s%s" % (
        report["drifted"], report["errors"], report["tenants"], "; ".join(problems[:5]),
        "; ..." if len(problems) > 5 else "")


def html_cases(report):
    """The cases as the HTML page shows them: one column per object type and rule, the drift or error as lines."""
    return [dict(tenant=tenant_label(c.get("host"), c["tenant"]),
                 column="%s %s" % (c["object"], c["rule"]) if c.get("rule") else c["object"],
                 status=c["status"], lines=["%s: %s is %s, baseline wants %s" % (
                     d["identity"], d["property"], _value(d["current"]), _value(d["desired"])) for d in c["drift"]]
                 + ([c["message"]] if c.get("message") else [])) for c in report["cases"]]


def _totals(cases, tenants):
    return dict(tenants=tenants, cases=cases, drifted=sum(1 for c in cases if c["status"] == "drift"),
                errors=sum(1 for c in cases if c["status"] == "error"))


def merge(reports, hosts=None):
    """One report from the reports of job slices (``[(name, parsed JSON)]``), equal to the report of one run over
    all hosts: cases in the order of ``hosts`` (the unsliced inventory order) where given, else in slice order. A
    listed host that no slice reported is an error case (a slice that never ran is not a silent pass); a host in two
    slices, or a report that is not a drift report, raises ValueError."""
    by_host, order, origin = {}, [], {}
    for name, report in reports:
        if not isinstance(report, dict) or not isinstance(report.get("cases"), list):
            raise ValueError("%s is not a drift report (no list of cases)" % name)
        for case in report["cases"]:
            if not isinstance(case, dict) or not case.get("host"):
                raise ValueError("%s holds a case without a host: %s" % (name, _value(case)[:200]))
            host = case["host"]
            if host in origin and origin[host] != name:
                raise ValueError("host %s is in both %s and %s: the slices overlap" % (host, origin[host], name))
            if host not in by_host:
                by_host[host] = []
                order.append(host)
                origin[host] = name
            by_host[host].append(case)
    listed = list(hosts or [])
    cases = []
    for host in listed:
        cases.extend(by_host.get(host) or [_error_case(host, host, "no slice reported this host (its slice "
                                                                   "did not run or did not write its report)")])
    for host in order:
        if host not in listed:
            cases.extend(by_host[host])
    return _totals(cases, len(listed) + sum(1 for h in order if h not in listed))
