#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: control_report
short_description: Write the SCuBA Exchange report across tenants as JSON, JUnit XML and one HTML page
version_added: 0.1.0
description:
  - Turns the per-tenant results of M(csp.exchange.scuba_exchange) into a JSON document (cases and counts per control
    ID), a JUnit XML file (one test case per tenant and control; V(fail) is a failure, V(error) an error, V(manual) a
    skipped case naming what to check) and, with O(html_path), one self-contained HTML page (tenants by controls
    matrix, counts, per-tenant detail).
  - V(accepted) (a failing control under a live exception, set by the C(csp.exchange.scuba_exchange) role; see
    C(docs/exceptions.md)) is a pass whose test case names the exception in properties and C(system-out).
  - With O(fleet_json_path) or O(fleet_html_path), the fleet view of the same cases, made for hundreds of
    tenants. It holds a status per tenant and policy ID, counts per status per control, per tenant and overall, and
    each tenant's details.
  - Used by C(playbooks/scuba.yml); runs on the controller.
options:
  tenants:
    description:
      - One entry per host, C({host, tenant, error, controls}). V(null) entries are reported as errors.
    type: list
    elements: raw
    required: true
  hosts:
    description: Host names in the same order as O(tenants).
    type: list
    elements: str
  run_id:
    description:
      - The identity of the run the results come from, written into the report (JSON, and a JUnit property). The
        playbooks set one per playbook run (C(csp_run_id), else C(CSP_RUN_ID), else the AWX job), so that job
        slices of one run can be merged and a stale slice cannot.
    type: str
extends_documentation_fragment:
  - csp.exchange.report
  - csp.exchange.fleet
  - csp.exchange.attributes
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
# Once, on the controller, in the play that checked the tenants: every host of the run (--limit respected), a
# host that recorded nothing (unreachable) as null.
- name: Write the SCuBA reports
  csp.exchange.control_report:
    tenants: >-
      {% set found = [] %}{% for h in ansible_play_hosts_all %}{% set _ = found.append(hostvars[h].scuba_tenant
      | default(none)) %}{% endfor %}{{ found }}
    hosts: "{{ ansible_play_hosts_all }}"
    run_id: "{{ csp_playbook_run_id }}"
    json_path: reports/scuba.json
    junit_path: reports/scuba.xml
    html_path: reports/scuba.html
    fleet_json_path: reports/scuba-fleet.json
    fleet_html_path: reports/scuba-fleet.html
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
counts:
  description: Number of cases per status (V(pass), V(accepted), V(fixed), V(fail), V(manual), V(error)).
  returned: success
  type: dict
summary:
  description: One sentence describing the outcome.
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
      description: Number of columns (SCuBA policy IDs).
      type: int
    cells:
      description:
        - Number of tenant by control cells per status (V(error), V(fail), V(accepted), V(pass), and V(manual),
          V(fixed) where present).
      type: dict
    tenant_status:
      description: Number of tenants per worst status.
      type: dict
    summary:
      description: One sentence describing the fleet.
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.csp.exchange.plugins.module_utils.reports import fleet, pipeline
from ansible_collections.csp.exchange.plugins.module_utils.reports.controls import KIND, build


def main():
    module = AnsibleModule(argument_spec=dict(
        tenants=dict(type="list", elements="raw", required=True),
        hosts=dict(type="list", elements="str"),
        run_id=dict(type="str"),
        json_path=dict(type="path", required=True),
        junit_path=dict(type="path", required=True),
        html_path=dict(type="path"),
        fleet_json_path=dict(type="path"),
        fleet_html_path=dict(type="path"),
    ))
    p = module.params
    report = build(p["tenants"], p["hosts"], p["run_id"])
    try:
        pipeline.write_all(KIND, report, p["json_path"], p["junit_path"], p["html_path"])
        view = fleet.write_files(KIND, report, p["fleet_json_path"], p["fleet_html_path"])
    except (IOError, OSError) as exc:
        module.fail_json(msg="Could not write the SCuBA report: %s." % exc)
    module.exit_json(changed=True, counts=report["counts"], summary=KIND.summary(report),
                     **({"fleet": fleet.result(view)} if view else {}))


if __name__ == "__main__":
    main()
