# Test-only callback: appends every task result as one JSON line to $CSP_TEST_RESULTS.
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: json_results
type: aggregate
short_description: write task results as JSON lines (tests only)
description: Appends host, task name, status and result of each task to the file named by CSP_TEST_RESULTS.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "json_results"
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, result, status):
        path = os.environ.get("CSP_TEST_RESULTS")
        if not path:
            return
        # ansible-core 2.19 added public host/task/result; older cores only have the private names.
        host = getattr(result, "host", None) or result._host
        task = getattr(result, "task", None) or result._task
        data = getattr(result, "result", None) or result._result
        entry = {"host": host.get_name(), "task": task.get_name(), "status": status, "result": self._clean(data)}
        with open(path, "a") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    @staticmethod
    def _clean(data):
        return {k: v for k, v in data.items() if not k.startswith("_ansible")}

    def v2_runner_on_ok(self, result):
        self._write(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._write(result, "skipped")
