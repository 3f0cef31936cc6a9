#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: access_report
short_description: Write the partner access report across tenants as JSON, JUnit XML and one HTML page
version_added: 0.1.0
description:
  - Turns the per-tenant verdicts of M(csp.exchange.tenant_access_info) into a JSON document (each tenant's verdict
    with its problems and fixes, counts), a JUnit XML file (one test case per tenant; a tenant that is not ready is a
    failure listing each problem with its fix, a host that produced no verdict an error) and, with O(html_path), one
    self-contained HTML page.
  - Used by C(playbooks/access_check.yml); runs on the controller.
options:
  tenants:
    description:
      - One entry per host, C({host, tenant, error, verdicts}) where C(verdicts) holds the host's
        M(csp.exchange.tenant_access_info) result. V(null) entries (hosts that produced nothing) are reported as errors.
    type: list
    elements: raw
    required: true
  hosts:
    description: Host names in the same order as O(tenants).
    type: list
    elements: str
  run_id:
    description:
      - The identity of the run the verdicts come from, written into the report (JSON, and a JUnit property).
    type: str
  partner_token:
    description:
      - What is known of the stored partner refresh token (C(issued_at), C(age_days), C(expires_in_days), C(mfa)),
        written into the JSON report as it is.
    type: dict
extends_documentation_fragment:
  - csp.exchange.report
  - csp.exchange.attributes
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
# Once, on the controller, in the play that checked the tenants: every host of the run (--limit respected), a
# host that recorded nothing (unreachable) as null.
- name: Write the access reports
  csp.exchange.access_report:
    tenants: >-
      {% set found = [] %}{% for h in ansible_play_hosts_all %}{% set _ = found.append(hostvars[h].access_check_tenant
      | default(none)) %}{% endfor %}{{ found }}
    hosts: "{{ ansible_play_hosts_all }}"
    run_id: "{{ csp_playbook_run_id }}"
    json_path: reports/access.json
    junit_path: reports/access.xml
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
ready:
  description: Number of tenants that can be managed now.
  returned: success
  type: int
not_ready:
  description: Number of tenants that cannot (hosts without a verdict included).
  returned: success
  type: int
errors:
  description: Number of hosts that produced no verdict (unreachable, or the check itself failed).
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
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.csp.exchange.plugins.module_utils.reports import pipeline
from ansible_collections.csp.exchange.plugins.module_utils.reports.access import KIND


def main():
    module = AnsibleModule(argument_spec=dict(
        tenants=dict(type="list", elements="raw", required=True),
        hosts=dict(type="list", elements="str"),
        run_id=dict(type="str"),
        partner_token=dict(type="dict", no_log=False),     # what is known of the token (its age), not the token
        json_path=dict(type="path", required=True),
        junit_path=dict(type="path", required=True),
        html_path=dict(type="path"),
    ))
    p = module.params
    report = pipeline.build(KIND, p["tenants"], p["hosts"], p["run_id"])
    report["partner_token"] = p["partner_token"]
    try:
        pipeline.write_all(KIND, report, p["json_path"], p["junit_path"], p["html_path"])
    except (IOError, OSError) as exc:
        module.fail_json(msg="Could not write the access report: %s." % exc)
    module.exit_json(changed=True, ready=report["ready"], not_ready=report["not_ready"], errors=report["errors"],
                     summary=KIND.summary(report), run_id=report["run_id"])


if __name__ == "__main__":
    main()
