# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Append a task's journal entries (``module_utils/exchange/journal.py``) to the journal file, on the controller.

The action plugin does this rather than the module because only the play knows who ran the job: AWX and Ansible
Automation Platform give a job's launcher and id as the extra variables ``awx_user_name`` and ``awx_job_id`` (older
releases ``tower_user_name``/``tower_job_id``), which a module never sees.

Lines of concurrent forks never interleave: the task's lines go out in one ``write`` on a descriptor opened with
``O_APPEND`` while holding an exclusive ``flock`` on the file (appends of more than ``PIPE_BUF`` bytes are not
atomic by themselves), and the data is flushed to disk before the lock is released.
"""

import fcntl
import getpass
import json
import os

from ansible_collections.csp.exchange.plugins.module_utils.exchange.journal import RESULT_KEY


JOB_USER_VARS = ("awx_user_name", "tower_user_name")
JOB_ID_VARS = ("awx_job_id", "tower_job_id")


def who(task_vars):
    """``{controller, job_user, job_id}``: the account running ansible-playbook, and the AWX/AAP job when known."""
    try:
        controller = getpass.getuser()
    except (KeyError, OSError):         # a container user without a name
        controller = "uid %d" % os.getuid()
    user = dict(controller=controller)
    for key, names in (("job_user", JOB_USER_VARS), ("job_id", JOB_ID_VARS)):
        value = next((task_vars.get(n) for n in names if task_vars.get(n) not in (None, "")), None)
        if value is not None:
            user[key] = str(value)
    return user


def lines_of(entries, user):
    return "".join(json.dumps(dict(entry, user=user), sort_keys=True, separators=(",", ":"), default=str) + "\n"
                   for entry in entries).encode("utf-8")


def append(path, data):
    """Append ``data`` to ``path`` in one locked write (creating the file 0600 and its directories 0700)."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)        # closing releases the lock


def record(result, task_vars):
    """Take the journal entries out of a module's ``result`` and append them; a journal that cannot be written
    fails the task with its lines in the result, so the record of what was written is never lost silently."""
    journal = result.pop(RESULT_KEY, None)
    if not journal:
        return result
    data = lines_of(journal["entries"], who(task_vars))
    try:
        append(journal["path"], data)
    except OSError as exc:
        result["failed"] = True
        result["journal_lines"] = data.decode("utf-8").splitlines()
        result["msg"] = ("The task wrote to Exchange but its journal %s could not be written (%s); its %d line(s) are "
                         "in journal_lines. %s" % (journal["path"], exc.strerror or exc, len(journal["entries"]),
                                                   result.get("msg") or ""))
    return result
