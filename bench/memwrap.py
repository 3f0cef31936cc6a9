"""Interpreter wrapper for module processes: ``ansible_python_interpreter`` points at a copy of this script
(made executable, with the real interpreter in its shebang and in REAL). It runs the real interpreter as a
child, waits with ``os.wait4`` and appends the child's peak resident set (``ru_maxrss``, the kernel's
high-water mark of that one process) and wall time to ``$CSP_BENCH_MEMLOG`` as one JSON line.

AnsiballZ runs the module inside the interpreter it was started with, so the child's peak is the module's
peak. The wrapper itself is started with ``-I -S`` and costs a few milliseconds per task."""
import json
import os
import sys
import time

REAL = sys.executable   # replaced when the wrapper is written


def main():
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.execv(REAL, [REAL] + sys.argv[1:])
    dummy_pid, status, usage = os.wait4(pid, 0)
    log = os.environ.get("CSP_BENCH_MEMLOG")
    if log:
        script = next((a for a in sys.argv[1:] if not a.startswith("-")), "")
        name = os.path.basename(script)
        name = name[len("AnsiballZ_"):] if name.startswith("AnsiballZ_") else name
        line = json.dumps({"module": name.rsplit(".py", 1)[0] or "stdin", "maxrss_kb": usage.ru_maxrss,
                           "cpu_s": round(usage.ru_utime + usage.ru_stime, 3), "wall_s": round(time.monotonic() - started, 3)})
        with open(log, "a") as handle:      # one short line per write: O_APPEND keeps lines whole
            handle.write(line + "\n")
    sys.stdout.flush()
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF if os.WIFEXITED(status) else 1)


if __name__ == "__main__":
    main()
