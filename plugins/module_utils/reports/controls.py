# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SCuBA report across tenants, per control ID: one case per tenant and control (a failing control is a failure,
one that could not be checked an error, a manual one skipped with what to check), counts per control.

A failing control under a live exception (the ``exceptions`` variable) is ``accepted``: a pass in JUnit, whose
testcase names the exception (properties, and system-out with the details). Under an expired one it is ``fail``,
its details naming the expired exception."""

from . import pipeline


STATUSES = ("pass", "accepted", "fixed", "fail", "manual", "error")
EXCEPTION_KEYS = ("ref", "owner", "reason", "expires", "expired")


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
        """``result``: one control of scuba_exchange's result. A control without an ID or with a status outside
        STATUSES is an error case, never a silent pass."""
        if not isinstance(result, dict) or not result.get("id") or result.get("status") not in STATUSES:
            return self.error_case(tenant, host, "a control result is not a {id, status, details} mapping with a "
                                                 "known status: %s" % pipeline.value_text(result)[:200])
        details = result.get("details") or []
        exception = result.get("exception")
        return dict(tenant=tenant, host=host, id=str(result["id"]), status=result["status"],
                    criticality=result.get("criticality"), statement=result.get("statement"),
                    details=[d if isinstance(d, str) else pipeline.value_text(d)
                             for d in (details if isinstance(details, list) else [details])],
                    exception=dict((k, exception.get(k)) for k in EXCEPTION_KEYS) if isinstance(exception, dict)
                    else None)

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

    def junit_properties(self, case):
        exception = case.get("exception")
        if not exception:
            return []
        state = "expired" if exception.get("expired") else ("accepted" if case["status"] == "accepted" else
                                                            "not needed" if case["status"] == "pass" else "live")
        return pipeline.exception_properties([exception], state)

    def junit_output(self, case):
        return "\n".join(case["details"]) if case["status"] == "accepted" else None

    def lines(self, case):
        return ([case["statement"]] if case.get("statement") else []) + case["details"]

    def summary(self, report):
        counts = report["counts"]
        return "%d tenant(s): %s." % (report["tenants"], ", ".join("%d %s" % (counts[s], s) for s in STATUSES))


KIND = ControlReport()


def build(tenants, hosts=None, run_id=None):
    """``tenants``: [{host, tenant, error, controls: [...scuba_exchange results]}], None for a host that produced
    nothing. A tenant without results is an error case, never a silent pass."""
    return pipeline.build(KIND, tenants, hosts, run_id)


def junit(report):
    return pipeline.junit(KIND, report)


def html_cases(report):
    return pipeline.html_cases(KIND, report)


def summary(report):
    return KIND.summary(report)
