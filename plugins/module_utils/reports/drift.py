# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report: the baseline's per-tenant results in check mode, one case per tenant and object type (a
drifted setting is a failure, a tenant that could not be checked an error), and the merge of job slices' reports
into one."""

from . import pipeline
from .pipeline import value_text as _value


class DriftReport(pipeline.ReportKind):
    title = "Exchange baseline drift"
    suite_name = "exchange-baseline-drift"
    column_label = "rule"
    results_key = "results"
    no_results_message = "the baseline returned no result for the tenant (nothing was checked)"

    def error_case(self, tenant, host, message):
        return _error_case(tenant, host, message)

    def result_case(self, tenant, host, result):
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

    def totals(self, cases, tenants):
        return _totals(cases, tenants)

    def suite_counts(self, report):
        return dict(failures=report["drifted"], errors=report["errors"])

    def junit_outcome(self, case):
        if case["status"] == "drift":
            lines = _drift_lines(case)
            return "failure", "%d drifted setting(s)" % len(lines), "drift", "\n".join(lines)
        if case["status"] == "error":
            message = case.get("message") or "error"
            return "error", message, "error", message
        return None

    def test_name(self, case):
        return "%s %s" % (case["object"], case["rule"]) if case.get("rule") else case["object"]

    def lines(self, case):
        return _drift_lines(case) + ([case["message"]] if case.get("message") else [])

    def summary(self, report):
        if not report["drifted"] and not report["errors"]:
            return "No drift: %d tenant(s), %d check(s) match the baseline." % (report["tenants"], len(report["cases"]))
        problems = ["%s %s: %s" % (c["tenant"], c["object"], c.get("message") if c["status"] == "error"
                                   else "%d drifted setting(s)" % len(c["drift"]))
                    for c in report["cases"] if c["status"] != "ok"]
        return "%d check(s) drifted and %d failed across %d tenant(s): %s%s" % (
            report["drifted"], report["errors"], report["tenants"], "; ".join(problems[:5]),
            "; ..." if len(problems) > 5 else "")


KIND = DriftReport()


def _error_case(tenant, host, message):
    return dict(tenant=tenant, host=host, object="(tenant)", rule=None, status="error", message=message, drift=[])


def _drift_lines(case):
    return ["%s: %s is %s, baseline wants %s" % (d["identity"], d["property"], _value(d["current"]), _value(d["desired"]))
            for d in case["drift"]]


def _totals(cases, tenants):
    return dict(tenants=tenants, cases=cases, drifted=sum(1 for c in cases if c["status"] == "drift"),
                errors=sum(1 for c in cases if c["status"] == "error"))


def build(tenants, hosts=None):
    """``tenants``: [{host, tenant, error, results: [{rule, object, matched, changes, failed_identities}]}], None for
    a host that produced nothing. Returns the JSON-ready report, with at least one case per tenant."""
    return pipeline.build(KIND, tenants, hosts)


def junit(report):
    return pipeline.junit(KIND, report)


def summary(report):
    return KIND.summary(report)


def html_cases(report):
    return pipeline.html_cases(KIND, report)


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
