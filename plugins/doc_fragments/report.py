# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """Where a report across tenants is written, for the report modules (drift_report, control_report,
    access_report); all three write through plugins/module_utils/reports/pipeline.py."""

    DOCUMENTATION = r"""
options:
  json_path:
    description: Where to write the JSON report (directories are created).
    type: path
    required: true
  junit_path:
    description:
      - Where to write the JUnit XML report. It is UTF-8 whatever the locale, and characters XML cannot carry
        are shown escaped, so the file always parses.
    type: path
    required: true
  html_path:
    description:
      - Where to write the report as one self-contained HTML page (tenants by checks matrix, counts, per-tenant
        detail; no external assets). Optional.
    type: path
attributes:
  check_mode:
    support: none
    details: "The report is the product of a check; run this task with C(check_mode: false)."
  diff_mode:
    support: none
  platform:
    platforms: all
"""
