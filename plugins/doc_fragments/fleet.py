# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The fleet view of a run, for the report modules whose cases have columns across tenants (drift_report,
    control_report); both write it through plugins/module_utils/reports/fleet.py."""

    DOCUMENTATION = r"""
options:
  fleet_json_path:
    description:
      - Where to write the fleet view of the run as JSON (directories are created). It holds every tenant by every
        column (a baseline rule, a SCuBA policy ID) with one status per cell, counts per status per column, per
        tenant and overall, and the lines of every case that did not pass. Optional.
      - Built from the same cases as O(json_path) and O(junit_path), after any merge of job slices. Statuses are
        V(error), V(fail), V(accepted) and V(pass) (the drift report's V(ok) is V(pass), its V(drift) V(fail)),
        and a report's own statuses such as V(manual) and V(fixed); a cell with several cases shows the worst, a
        tenant that could not be checked is an V(error) in every column.
      - Strict JSON (no V(NaN)), UTF-8, on one line.
    type: path
  fleet_html_path:
    description:
      - Where to write the fleet view as one self-contained HTML page (no external resources, no script). It shows
        the tenants by columns matrix with its header and tenant column kept in view, counts per status, a filter
        keeping the tenants with a failure or an error, and each tenant's details behind its name. Optional.
    type: path
"""
