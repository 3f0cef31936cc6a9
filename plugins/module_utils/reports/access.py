# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access report: one verdict per tenant (tenant_access_info's result), a tenant that is not ready a failure
listing each problem with its fix, a host that produced no verdict an error."""

from . import pipeline

VERDICT_KEYS = ("ready", "tenant_id", "initial_domain", "consented", "scopes", "gdap", "exchange_reachable", "problems",
                "partner_token")


class AccessReport(pipeline.ReportKind):
    title = "Partner access to customer tenants"
    suite_name = "tenant-access"
    column_label = "check"
    results_key = "verdicts"
    cases_key = "tenants"
    no_results_message = pipeline.NO_RESULT

    def error_case(self, tenant, host, message):
        return dict(tenant=tenant, host=host, status="error", ready=False, error=message,
                    problems=[dict(check="host", message=message, fix="see the message")])

    def result_case(self, tenant, host, result):
        """``result``: tenant_access_info's verdict. Only ``ready: true`` is a pass; a problem that is not a
        ``{check, message, fix}`` mapping is kept as its text."""
        if not isinstance(result, dict) or not isinstance(result.get("problems") or [], list):
            return self.error_case(tenant, host, "the verdict is not a {ready, problems, ...} mapping: %s"
                                   % pipeline.value_text(result)[:200])
        case = dict((k, result.get(k)) for k in VERDICT_KEYS)
        problems = [p if isinstance(p, dict) else dict(check="access", message=str(p), fix="see the message")
                    for p in result.get("problems") or []]
        case.update(tenant=tenant, host=host, status="pass" if result.get("ready") is True else "fail",
                    ready=result.get("ready") is True, problems=problems)
        return case

    def totals(self, cases, tenants):
        return dict(tenants=cases, ready=sum(1 for c in cases if c["status"] == "pass"),
                    not_ready=sum(1 for c in cases if c["status"] != "pass"),
                    errors=sum(1 for c in cases if c["status"] == "error"),
                    unreachable_hosts=[c["host"] for c in cases if c["status"] == "error"])

    def suite_counts(self, report):
        return dict(failures=report["not_ready"] - report["errors"], errors=report["errors"])

    def junit_outcome(self, case):
        if case["status"] == "pass":
            return None
        text = "\n".join("%s: %s Fix: %s" % (p.get("check"), p.get("message"), p.get("fix")) for p in case["problems"])
        if case["status"] == "error":
            return "error", case["error"], "error", text
        return "failure", " ".join(str(p.get("message")) for p in case["problems"]), "not ready", text

    def test_name(self, case):
        return "access"

    def lines(self, case):
        return ["%s: %s Fix: %s" % (p.get("check"), p.get("message"), p.get("fix")) for p in case["problems"]]

    def summary(self, report):
        if not report["not_ready"]:
            return "All %d tenant(s) are ready." % len(report["tenants"])
        return "%d of %d tenant(s) not ready: %s" % (report["not_ready"], len(report["tenants"]), ", ".join(
            str(c["tenant"]) for c in report["tenants"] if c["status"] != "pass"))


KIND = AccessReport()
