#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: drift_report
short_description: Write the Exchange baseline drift report as JSON and JUnit XML
version_added: 0.1.0
description:
  - Turns the per-tenant results of the C(csp.exchange.exchange_baseline) role run in check mode into a JSON
    document and a JUnit XML file with one test case per tenant and object type. A drifted setting is a test
    failure listing each property with its current and desired value; a tenant that could not be checked, that
    produced no result or whose entry is malformed is an error, never a silent pass.
  - A test case whose only differences are under a live exception (C(exceptions), see C(docs/exceptions.md)) has
    status V(accepted), a pass whose test case names the exception (properties and C(system-out)); a difference under
    an expired exception is a failure naming it.
  - The JUnit file is UTF-8 whatever the locale, and characters XML cannot carry (control characters in an
    identity or message) are shown escaped, so the file always parses.
  - With O(reports), merges the JSON reports of several runs over parts of the inventory (job slices) into one
    report, JSON and JUnit, equal to the report of one run over all hosts. Every report must carry the same
    C(run_id) (reports of different runs, or without one, are refused); a report given twice counts once; a host
    found in two slices is an error case.
  - With O(fleet_json_path) or O(fleet_html_path), the fleet view of the same cases (of the merged report with
    O(reports)), made for hundreds of tenants. It holds a status per tenant and baseline rule, counts per status
    per rule, per tenant and overall, and each tenant's details.
  - Used by C(playbooks/drift.yml) and C(playbooks/drift_merge.yml); runs on the controller.
options:
  tenants:
    description:
      - One entry per host, C({host, tenant, error, results}), as C(playbooks/drift.yml) collects them.
        V(null) entries (hosts that produced nothing) are reported as errors.
      - Exactly one of O(tenants) and O(reports) is required.
    type: list
    elements: raw
  reports:
    description:
      - Paths of JSON drift reports written by runs over parts of the inventory (job slices), to merge.
      - A host found in two different reports is an error case (the slices overlap); reports of different runs, and
        a file that is not a drift report, fail the task.
    type: list
    elements: path
  hosts:
    description:
      - With O(tenants), host names in the same order, to name hosts that produced nothing.
      - With O(reports), every host of the unsliced inventory in its order; the merged cases follow it, and a host
        that no report holds is an error case.
    type: list
    elements: str
  run_id:
    description:
      - With O(tenants), the identity of the run the results come from, written into the report (JSON, and a JUnit
        property). The playbooks set one per playbook run (C(csp_run_id), else C(CSP_RUN_ID), else the AWX job),
        so that job slices of one run can be merged and a stale slice cannot.
      - With O(reports), the run every report must belong to; reports of another run fail the task.
    type: str
extends_documentation_fragment:
  - csp.exchange.report
  - csp.exchange.fleet
  - csp.exchange.attributes
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Write JSON and JUnit reports
  csp.exchange.drift_report:
    tenants: >-
      {% set found = [] %}{% for h in ansible_play_hosts_all %}{% set _ = found.append(hostvars[h].drift_tenant
      | default(none)) %}{% endfor %}{{ found }}
    hosts: "{{ ansible_play_hosts_all }}"
    run_id: "{{ csp_playbook_run_id }}"
    json_path: reports/drift.json
    junit_path: reports/drift.xml
  check_mode: false
  delegate_to: localhost
  run_once: true

- name: Merge the reports of three job slices into one
  csp.exchange.drift_report:
    reports: [slices/1/drift.json, slices/2/drift.json, slices/3/drift.json]
    hosts: "{{ groups.customers }}"
    json_path: reports/drift.json
    junit_path: reports/drift.xml
    fleet_json_path: reports/drift-fleet.json
    fleet_html_path: reports/drift-fleet.html
  check_mode: false
"""

RETURN = r"""
drifted:
  description: Number of test cases (tenant and object type) with drift.
  returned: success
  type: int
errors:
  description: Number of test cases that could not be checked.
  returned: success
  type: int
accepted:
  description:
    - Number of test cases whose only differences are under a live exception (C(exceptions), see
      C(docs/exceptions.md)); they pass. A difference under an expired exception counts as drift.
  returned: success
  type: int
summary:
  description: One sentence describing the outcome.
  returned: success
  type: str
run_id:
  description: The run the report belongs to.
  returned: success
  type: str
fleet:
  description:
    - The fleet view's counts, when O(fleet_json_path) or O(fleet_html_path) is set.
  returned: when O(fleet_json_path) or O(fleet_html_path) is set
  type: dict
  contains:
    tenants:
      description: Number of tenants (rows), every host of the run included.
      type: int
    columns:
      description: Number of columns (baseline rules).
      type: int
    cells:
      description: Number of tenant by rule cells per status (V(error), V(fail), V(accepted), V(pass)).
      type: dict
    tenant_status:
      description: Number of tenants per worst status.
      type: dict
    summary:
      description: One sentence describing the fleet.
      type: str
"""

import io
import json

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.csp.exchange.plugins.module_utils.reports import fleet, pipeline
from ansible_collections.csp.exchange.plugins.module_utils.reports.drift import KIND, build, merge


def read_reports(module):
    reports = []
    for path in module.params["reports"]:
        try:
            with io.open(path, encoding="utf-8") as handle:
                reports.append((path, json.load(handle)))
        except (IOError, OSError, ValueError) as exc:
            module.fail_json(msg="Could not read the drift report %s: %s." % (path, exc))
    try:
        return merge(reports, module.params["hosts"], module.params["run_id"])
    except ValueError as exc:
        module.fail_json(msg="Could not merge the drift reports: %s." % exc)


def main():
    module = AnsibleModule(argument_spec=dict(
        tenants=dict(type="list", elements="raw"),
        reports=dict(type="list", elements="path"),
        hosts=dict(type="list", elements="str"),
        run_id=dict(type="str"),
        json_path=dict(type="path", required=True),
        junit_path=dict(type="path", required=True),
        html_path=dict(type="path"),
        fleet_json_path=dict(type="path"),
        fleet_html_path=dict(type="path"),
    ), mutually_exclusive=[["tenants", "reports"]], required_one_of=[["tenants", "reports"]])
    p = module.params
    report = read_reports(module) if p["reports"] is not None else build(p["tenants"], p["hosts"], p["run_id"])
    try:
        pipeline.write_all(KIND, report, p["json_path"], p["junit_path"], p["html_path"])
        # The fleet of a merged run is built from the merged report: slices merge once, for every view.
        view = fleet.write_files(KIND, report, p["fleet_json_path"], p["fleet_html_path"])
    except (IOError, OSError) as exc:
        module.fail_json(msg="Could not write the drift report: %s." % exc)
    module.exit_json(changed=True, drifted=report["drifted"], errors=report["errors"],
                     accepted=report.get("accepted", 0), summary=KIND.summary(report),
                     json_path=p["json_path"], junit_path=p["junit_path"], run_id=report["run_id"],
                     **({"fleet": fleet.result(view)} if view else {}))


if __name__ == "__main__":
    main()
