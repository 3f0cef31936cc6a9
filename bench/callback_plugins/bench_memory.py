"""Bench only: at the end of a run, ansible-playbook writes the peak resident set of its largest child process
(a forked worker, or a module process a worker started) to ``$CSP_BENCH_WORKER_MEMLOG``.

``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the kernel's exact high-water mark of the largest single descendant
that has been waited for: no sampling, so short-lived workers are counted too. When csp.exchange modules run in
the worker process (plugins/plugin_utils/in_process.py) this is the memory one module run needed."""
import json
import os
import resource

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_memory"
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("CSP_BENCH_WORKER_MEMLOG")
        if path:
            with open(path, "w") as handle:
                json.dump({"largest_child_maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, handle)
