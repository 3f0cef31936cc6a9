# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one pipeline every report across tenants goes through: per-host entries become cases (a host that produced
nothing, or a malformed entry, is an error case, never a silent pass), then a JSON document, a JUnit XML file and one
HTML page are written from those cases. A ``ReportKind`` says what differs: how one result becomes a case, how a
case reads in JUnit and on the page, and the totals.

JUnit XML as CI systems read it: https://github.com/testmoapp/junitxml (testsuite, testcase, failure, error,
skipped; properties and system-out on a test case, which is how an accepted deviation, a pass, names its exception).
"""

import json
import re
import xml.etree.ElementTree as ET

from .files import write
from .html import render, tenant_label


NO_RESULT = "the tenant produced no result (unreachable or skipped)"
# Characters XML 1.0 cannot carry at all, even escaped: a single one makes the whole file unparseable.
_NOT_XML = re.compile(u"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def value_text(value):
    return json.dumps(value, sort_keys=True, default=str)


def xml_text(value):
    """``value`` as text an XML parser accepts: forbidden control characters shown as ``\\xNN``."""
    return _NOT_XML.sub(lambda m: "\\x%02x" % ord(m.group()) if ord(m.group()) < 0x100 else "\\u%04x"
                        % ord(m.group()), u"%s" % value)


def exception_properties(exceptions, state):
    """JUnit properties naming each distinct exception of ``exceptions`` (dicts with ref, owner, expires, reason):
    ``exception`` (the ref), then its ``exception.state`` (``accepted``, ``expired``, ``not needed``), owner, expiry
    and reason."""
    found, seen = [], set()
    for item in exceptions:
        if not isinstance(item, dict) or item.get("ref") in seen:
            continue
        seen.add(item.get("ref"))
        found += [("exception", item.get("ref")), ("exception.state", state), ("exception.owner", item.get("owner")),
                  ("exception.expires", item.get("expires")), ("exception.reason", item.get("reason"))]
    return found


class ReportKind:
    """What one kind of report says; subclasses fill in each method."""

    title = suite_name = column_label = results_key = no_results_message = None
    cases_key = "cases"         # where the report keeps its cases

    def error_case(self, tenant, host, message):
        raise NotImplementedError

    def result_case(self, tenant, host, result):
        raise NotImplementedError

    def totals(self, cases, tenants):
        raise NotImplementedError

    def suite_counts(self, report):
        """The testsuite element's attributes besides its name and test count."""
        raise NotImplementedError

    def junit_outcome(self, case):
        """(tag, message, type, text) of the child element a case gets in JUnit, or None for a pass."""
        raise NotImplementedError

    def test_name(self, case):
        raise NotImplementedError

    def junit_properties(self, case):
        """(name, value) pairs the case's testcase element carries as properties (an accepted deviation's owner and
        expiry), in the order given; names may repeat."""
        return []

    def junit_output(self, case):
        """Text for the testcase's system-out, or None: what a passing case still has to say."""
        return None

    def column(self, case):
        return self.test_name(case)

    def fleet_column(self, case):
        """The column of the fleet view (fleet.py) a case falls in: what the same check is called in every tenant."""
        return self.column(case)

    def lines(self, case):
        raise NotImplementedError

    def summary(self, report):
        raise NotImplementedError


def build(kind, tenants, hosts=None, run_id=None):
    """``tenants``: one entry per host, ``{host, tenant, error, <kind.results_key>: [...]}`` or None for a host that
    produced nothing; ``hosts`` names them in the same order. Every host gets at least one case. ``run_id`` names the
    run, so that reports of job slices merge only with their own run's."""
    hosts = list(hosts or [])
    cases = []
    for index, entry in enumerate(tenants):
        host = hosts[index] if index < len(hosts) else "host %d" % index
        if not entry:
            cases.append(kind.error_case(host, host, NO_RESULT))
            continue
        if not isinstance(entry, dict):
            cases.append(kind.error_case(host, host, "the report entry is not a {host, tenant, error, %s} "
                                                     "mapping: %s" % (kind.results_key, value_text(entry)[:200])))
            continue
        host = entry.get("host") or host
        tenant = entry.get("tenant") or host
        results = entry.get(kind.results_key)
        if entry.get("error"):
            cases.append(kind.error_case(tenant, host, str(entry["error"])))
        elif not isinstance(results, list) or not results:
            cases.append(kind.error_case(tenant, host, kind.no_results_message if not results else
                                         "the tenant's results are not a list: %s" % value_text(results)[:200]))
        else:
            cases.extend(kind.result_case(tenant, host, result) for result in results)
    return dict(kind.totals(cases, len(tenants)), run_id=run_id)


def junit(kind, report):
    """JUnit XML (UTF-8, with its declaration): one test case per case of the report."""
    cases = report[kind.cases_key]
    suite = ET.Element("testsuite", name=kind.suite_name, tests=str(len(cases)),
                       **dict((k, str(v)) for k, v in kind.suite_counts(report).items()))
    if report.get("run_id"):
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="run_id", value=xml_text(report["run_id"]))
    for case in cases:
        element = ET.SubElement(suite, "testcase", classname=xml_text(case["tenant"]), name=xml_text(kind.test_name(case)))
        properties = kind.junit_properties(case)
        if properties:
            holder = ET.SubElement(element, "properties")
            for name, value in properties:
                ET.SubElement(holder, "property", name=xml_text(name), value=xml_text(value))
        outcome = kind.junit_outcome(case)
        if outcome:
            tag, message, kind_name, text = outcome
            child = ET.SubElement(element, tag, message=xml_text(message)[:500], type=kind_name)
            child.text = xml_text(text)
        output = kind.junit_output(case)
        if output:
            ET.SubElement(element, "system-out").text = xml_text(output)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode")


def html_cases(kind, report):
    """The cases as the HTML page shows them: a column per check, the case's lines as its detail."""
    return [dict(tenant=tenant_label(c.get("host"), c["tenant"]), column=kind.column(c), status=c["status"],
                 lines=kind.lines(c)) for c in report[kind.cases_key]]


def write_all(kind, report, json_path, junit_path, html_path=None):
    """Write the JSON document, the JUnit file and, with ``html_path``, the HTML page (UTF-8, directories created).
    Raises IOError/OSError."""
    write(json_path, json.dumps(report, indent=2, sort_keys=True, default=str, ensure_ascii=False))
    write(junit_path, junit(kind, report))
    if html_path:
        write(html_path, render(kind.title, kind.summary(report), html_cases(kind, report),
                                column_label=kind.column_label))
