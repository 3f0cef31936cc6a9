# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SCuBA report across tenants, per control ID: one case per tenant and control (a failing control is a failure,
one that could not be checked an error, a manual one skipped with what to check), counts per control."""

from . import pipeline


STATUSES = ("pass", "fixed", "fail", "manual", "error")


class ControlReport(pipeline.ReportKind):
    title = "CISA SCuBA Exchange Online baseline"
    suite_name = "scuba-exchange"
    column_label = "control"
    results_key = "controls"
    no_results_message = pipeline.NO_RESULT

    def error_case(self, tenant, host, message):
        return dict(tenant=tenant, host=host, id="(tenant)", status="error", criticality=None, statement=None,
                    details=[message])

    def result_case(self, tenant, host, result):
        return dict(tenant=tenant, host=host, id=result["id"], status=result["status"],
                    criticality=result.get("criticality"), statement=result.get("statement"),
                    details=list(result.get("details") or []))

    def totals(self, cases, tenants):
        by_control = {}
        for case in cases:
            counts = by_control.setdefault(case["id"], dict((s, 0) for s in STATUSES))
            counts[case["status"]] = counts.get(case["status"], 0) + 1
        return dict(tenants=tenants, cases=cases, controls=by_control,
                    counts=dict((s, sum(1 for c in cases if c["status"] == s)) for s in STATUSES))

    def suite_counts(self, report):
        counts = report["counts"]
        return dict(failures=counts["fail"], errors=counts["error"], skipped=counts["manual"])

    def junit_outcome(self, case):
        tag = {"fail": "failure", "error": "error", "manual": "skipped"}.get(case["status"])
        if not tag:
            return None
        return tag, case.get("statement") or case["status"], case["status"], "\n".join(case["details"])

    def test_name(self, case):
        return case["id"]

    def lines(self, case):
        return ([case["statement"]] if case.get("statement") else []) + case["details"]

    def summary(self, report):
        counts = report["counts"]
        return "%d tenant(s): %s." % (report["tenants"], ", ".join("%d %s" % (counts[s], s) for s in STATUSES))


KIND = ControlReport()


def build(tenants, hosts=None):
    """``tenants``: [{host, tenant, error, controls: [...scuba_exchange results]}], None for a host that produced
    nothing. A tenant without results is an error case, never a silent pass."""
    return pipeline.build(KIND, tenants, hosts)


def junit(report):
    return pipeline.junit(KIND, report)


def html_cases(report):
    return pipeline.html_cases(KIND, report)


def summary(report):
    return KIND.summary(report)
