# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report: the baseline's per-tenant results in check mode, one case per tenant and object type (a
drifted setting is a failure, a tenant that could not be checked an error), and the merge of job slices' reports
into one.

Accepted deviations (the ``exceptions`` variable): a rule whose only differences are under a live exception is
``accepted`` (a pass that names the exception, its owner, reason and expiry); a difference under an expired
exception is drift, and the case names the expired exception."""

import json

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
        accepted, expired, not_needed = (_deviations(result.get(key)) for key in ("accepted", "expired", "not_needed"))
        status = "error" if failed else ("drift" if drift or expired else ("accepted" if accepted else "ok"))
        return dict(tenant=tenant, host=host, object=result.get("object"), rule=result.get("rule"), status=status,
                    matched=result.get("matched", 0), drift=drift, failed_identities=failed, accepted=accepted,
                    expired=expired, not_needed=not_needed,
                    message="; ".join(str(f.get("reason", "")) for f in failed) or None)

    def totals(self, cases, tenants):
        return _totals(cases, tenants)

    def suite_counts(self, report):
        return dict(failures=report["drifted"], errors=report["errors"])

    def junit_outcome(self, case):
        if case["status"] == "drift":
            lines = _expired_lines(case) + _drift_lines(case)
            expired = len(case.get("expired") or [])
            message = "%d drifted setting(s)" % (len(case["drift"]) + expired)
            if expired:
                message += ", %d under an expired exception" % expired
            return "failure", message, "drift", "\n".join(lines)
        if case["status"] == "error":
            message = case.get("message") or "error"
            return "error", message, "error", message
        return None

    def test_name(self, case):
        return "%s %s" % (case["object"], case["rule"]) if case.get("rule") else case["object"]

    def junit_properties(self, case):
        return (pipeline.exception_properties(case.get("expired") or [], "expired")
                + pipeline.exception_properties(case.get("accepted") or [], "accepted")
                + pipeline.exception_properties(case.get("not_needed") or [], "not needed"))

    def junit_output(self, case):
        return "\n".join(_accepted_lines(case) + _not_needed_lines(case)) or None

    def fleet_column(self, case):
        """The rule a partner wrote in the baseline, else the object type (a case about the whole tenant)."""
        return case.get("rule") or case.get("object")

    def lines(self, case):
        return (_expired_lines(case) + _drift_lines(case) + _accepted_lines(case) + _not_needed_lines(case)
                + ([case["message"]] if case.get("message") else []))

    def summary(self, report):
        accepted = report.get("accepted", 0)
        if not report["drifted"] and not report["errors"]:
            return "No drift: %d tenant(s), %d check(s) match the baseline%s." % (
                report["tenants"], len(report["cases"]),
                ", %d of them through accepted exceptions" % accepted if accepted else "")
        problems = ["%s %s: %s" % (c["tenant"], c["object"], c.get("message") if c["status"] == "error"
                                   else "%d drifted setting(s)%s" % (len(c["drift"]) + len(c.get("expired") or []), "".join(
                                       ", expired exception %s (owner %s, expired %s)" % (e["ref"], e["owner"], e["expires"])
                                       for e in _distinct(c.get("expired")))))
                    for c in report["cases"] if c["status"] in ("drift", "error")]
        return "%d check(s) drifted and %d failed across %d tenant(s)%s: %s%s" % (
            report["drifted"], report["errors"], report["tenants"],
            " (%d accepted through exceptions)" % accepted if accepted else "", "; ".join(problems[:5]),
            "; ..." if len(problems) > 5 else "")


KIND = DriftReport()


def _error_case(tenant, host, message):
    return dict(tenant=tenant, host=host, object="(tenant)", rule=None, status="error", message=message, drift=[])


def _drift_lines(case):
    return ["%s: %s is %s, baseline wants %s" % (d["identity"], d["property"], _value(d["current"]), _value(d["desired"]))
            for d in case["drift"]]


DEVIATION_KEYS = ("ref", "owner", "reason", "expires", "expired", "identity", "property", "current", "desired")


def _deviations(items):
    """Exception entries of a result as the case keeps them; anything that is not a mapping is shown, not dropped."""
    return [dict((k, item.get(k)) for k in DEVIATION_KEYS if k in item) if isinstance(item, dict)
            else {"ref": _value(item)[:200]} for item in items or [] if item is not None]


def _distinct(items):
    seen = {}
    for item in items or []:
        seen.setdefault(item.get("ref"), item)
    return list(seen.values())


def _expired_lines(case):
    return ["EXPIRED exception %s (owner %s, expired %s): %s: %s is %s, baseline wants %s; not written until the "
            "exception is renewed or removed" % (d.get("ref"), d.get("owner"), d.get("expires"), d.get("identity"),
                                                 d.get("property"), _value(d.get("current")), _value(d.get("desired")))
            for d in case.get("expired") or []]


def _accepted_lines(case):
    return ["accepted: %s: %s is %s, baseline wants %s (exception %s, owner %s, expires %s: %s)" % (
        d.get("identity"), d.get("property"), _value(d.get("current")), _value(d.get("desired")), d.get("ref"),
        d.get("owner"), d.get("expires"), d.get("reason")) for d in case.get("accepted") or []]


def _not_needed_lines(case):
    return ["exception %s (owner %s, %s %s) is no longer needed: the setting matches the baseline" % (
        d.get("ref"), d.get("owner"), "expired" if d.get("expired") else "expires", d.get("expires"))
        for d in case.get("not_needed") or []]


def _totals(cases, tenants):
    return dict(tenants=tenants, cases=cases, drifted=sum(1 for c in cases if c["status"] == "drift"),
                errors=sum(1 for c in cases if c["status"] == "error"),
                accepted=sum(1 for c in cases if c["status"] == "accepted"))


def build(tenants, hosts=None, run_id=None):
    """``tenants``: [{host, tenant, error, results: [{rule, object, matched, changes, failed_identities}]}], None for
    a host that produced nothing. Returns the JSON-ready report, with at least one case per tenant."""
    return pipeline.build(KIND, tenants, hosts, run_id)


def junit(report):
    return pipeline.junit(KIND, report)


def summary(report):
    return KIND.summary(report)


def html_cases(report):
    return pipeline.html_cases(KIND, report)


def merge(reports, hosts=None, run_id=None):
    """One report from the reports of job slices (``[(name, parsed JSON)]``), equal to the report of one run over
    all hosts: cases in the order of ``hosts`` (the unsliced inventory order) where given, else in slice order.

    - Every report must carry the same ``run_id``: a slice of another run (or one written before reports carried
      a run) raises ValueError, so a stale slice never merges as current.
    - A report given twice (the same content) counts once.
    - A host reported by two different slices is an error case naming them; a listed host that no slice reported
      is an error case too (a slice that never ran is not a silent pass).
    - With ``run_id``, the reports must be of that run (yesterday's slices never pass for today's).
    - A file that is not a drift report raises ValueError."""
    run_ids, seen, by_host, sources = {}, set(), {}, {}
    for name, report in reports:
        if not isinstance(report, dict) or not isinstance(report.get("cases"), list):
            raise ValueError("%s is not a drift report (no list of cases)" % name)
        content = json.dumps(report, sort_keys=True, default=str)
        if content in seen:
            continue
        seen.add(content)
        run_ids.setdefault(report.get("run_id"), name)
        for case in report["cases"]:
            if not isinstance(case, dict) or not case.get("host"):
                raise ValueError("%s holds a case without a host: %s" % (name, _value(case)[:200]))
            names = sources.setdefault(case["host"], [])
            if name not in names:
                names.append(name)
            if names == [name]:
                by_host.setdefault(case["host"], []).append(case)
    for host, names in sources.items():
        if len(names) > 1:
            by_host[host] = [_error_case(host, host, "the host is in %d slices (%s): they overlap, so no result of it "
                                                     "is taken" % (len(names), ", ".join(names)))]
    order = list(sources)
    if None in run_ids:
        raise ValueError("%s carries no run_id (it was written before drift reports named their run): run its slice "
                         "again" % run_ids[None])
    if len(run_ids) > 1:
        raise ValueError("the reports come from different runs (%s): merge only the slices of one run"
                         % ", ".join("%s in %s" % (run_id, name) for run_id, name in sorted(run_ids.items())))
    if run_id is not None and run_ids and run_id not in run_ids:
        raise ValueError("the reports are of run %s, not of run %s: they are stale or of another run"
                         % (next(iter(run_ids)), run_id))
    listed = list(hosts or [])
    cases = []
    for host in listed:
        cases.extend(by_host.get(host) or [_error_case(host, host, "no slice reported this host (its slice "
                                                                   "did not run or did not write its report)")])
    for host in order:
        if host not in listed:
            cases.extend(by_host[host])
    return dict(_totals(cases, len(listed) + sum(1 for h in order if h not in listed)),
                run_id=next(iter(run_ids), None))
