# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The journal of writes, for the modules that change Exchange objects (exo_settings, exo_object)."""

    DOCUMENTATION = r"""
options:
  journal:
    description:
      - >-
        A file on the controller to which every write the task attempts is appended, one JSON object per line
        (JSON Lines), after the task's writes - C(run_id), C(time) (UTC, ISO 8601), C(user), C(tenant) (GUID),
        C(module), C(object) (the noun), C(identity), C(rule) (with C(rules)), C(action) (C(updated),
        C(created), C(removed)), C(before) (the properties as read, in C(settings) form; for C(removed) the whole
        object as read), C(after) (as written), C(outcome) (C(applied), C(failed), C(unknown) when the answer
        was lost), and C(reason) for a write that did not apply.
      - >-
        C(user) is C({controller, job_user, job_id}) - the account that ran ansible-playbook, and the AWX/AAP job's
        user and id when the job provides them (C(awx_user_name), C(awx_job_id)).
      - The lines of one task are appended in one locked write, so tasks of concurrent forks never interleave
        their lines. The file is created with mode 0600 (directories 0700).
      - Reads and check mode write no line. C(playbooks/undo.yml) reverses a run from its journal.
      - When the journal cannot be written the task fails, with the lines in its result (C(journal_lines)), so
        nothing the run did goes unrecorded silently.
    type: path
  run_id:
    description:
      - The run this task belongs to, recorded in each journal line; the playbooks set one per playbook run.
      - Without one, a task that journals is a run of its own, named after the module and a random suffix.
    type: str
"""
