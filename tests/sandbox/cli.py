"""``python -m tests.sandbox serve|stop|env``: run the sandbox in the foreground or detached, stop it, and print
the ``export`` lines a shell (or CI step) evaluates."""
import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from typing import Dict, List, Optional

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAEMON_START_TIMEOUT_S = 10
STOP_TIMEOUT_S = 10


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.sandbox", description="M365 partner sandbox (HTTPS emulator)")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the sandbox")
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--state-dir", required=True, help="ca.pem, client.pem, env.json, pid file and log go here")
    serve.add_argument("--seed", help="YAML seed (default: tests/sandbox/default_seed.yml)")
    serve.add_argument("--latency-ms", type=float)
    serve.add_argument("--failure-rate", type=float)
    serve.add_argument("--throttle-rate", type=float)
    serve.add_argument("--lost-response-rate", type=float)
    serve.add_argument("--random-seed", type=int, help="replay the same faults and object ids")
    serve.add_argument("--daemon", action="store_true", help="detach; print the exports once it is ready")
    serve.set_defaults(run=_serve)
    for name, run, text in (("stop", _stop, "stop a sandbox started with this state dir"),
                            ("env", _env, "print the export lines again")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--state-dir", required=True)
        sub.set_defaults(run=run)
    return parser


def exports(env: Dict[str, str]) -> str:
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())


def _paths(state_dir: str) -> Dict[str, str]:
    state_dir = os.path.abspath(state_dir)
    return {name: os.path.join(state_dir, file) for name, file in
            (("env", "env.json"), ("pid", "sandbox.pid"), ("log", "sandbox.log"))}


def _serve(args) -> int:
    paths = _paths(args.state_dir)
    os.makedirs(args.state_dir, exist_ok=True)
    if os.path.exists(paths["env"]):
        os.remove(paths["env"])     # env.json reappearing is the ready signal
    if args.daemon:
        return _serve_detached(args, paths)
    from .launch import launch     # heavy imports only where a server really starts
    faults = {"latency_ms": args.latency_ms, "failure_rate": args.failure_rate, "throttle_rate": args.throttle_rate,
              "lost_response_rate": args.lost_response_rate}
    running = launch(args.state_dir, seed_path=args.seed, port=args.port, random_seed=args.random_seed,
                     faults={k: v for k, v in faults.items() if v is not None})
    with open(paths["pid"], "w", encoding="utf-8") as handle:
        handle.write(str(os.getpid()))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    sys.stdout.write(exports(running.env))
    sys.stdout.flush()
    try:
        while not stop.wait(1):
            pass
    finally:
        running.stop()
        for name in ("pid", "env"):      # a stopped sandbox leaves no exports to reprint
            if os.path.exists(paths[name]):
                os.remove(paths[name])
    return 0


def _serve_detached(args, paths: Dict[str, str]) -> int:
    argv = [sys.executable, "-m", "tests.sandbox", "serve", "--state-dir", os.path.abspath(args.state_dir),
            "--port", str(args.port)]
    for flag in ("seed", "latency_ms", "failure_rate", "throttle_rate", "lost_response_rate", "random_seed"):
        value = getattr(args, flag)
        if value is not None:
            argv += [f"--{flag.replace('_', '-')}", os.path.abspath(value) if flag == "seed" else str(value)]
    with open(paths["log"], "wb") as log:
        child = subprocess.Popen(argv, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                 start_new_session=True)
    deadline = time.monotonic() + DAEMON_START_TIMEOUT_S
    while not os.path.exists(paths["env"]):
        if child.poll() is not None or time.monotonic() > deadline:
            sys.stderr.write(f"sandbox did not start; see {paths['log']}\n")
            if child.poll() is None:
                child.terminate()
            return 1
        time.sleep(0.02)
    return _env(args)


def _env(args) -> int:
    path = _paths(args.state_dir)["env"]
    try:
        with open(path, encoding="utf-8") as handle:
            env = json.load(handle)
    except FileNotFoundError:
        sys.stderr.write(f"no sandbox environment at {path}\n")
        return 1
    sys.stdout.write(exports(env))
    return 0


def _stop(args) -> int:
    paths = _paths(args.state_dir)
    try:
        with open(paths["pid"], encoding="utf-8") as handle:
            pid = int(handle.read().strip())
    except (FileNotFoundError, ValueError):
        sys.stderr.write(f"no sandbox pid file at {paths['pid']}\n")
        return 1
    if not _is_sandbox(pid):
        sys.stderr.write(f"process {pid} is not a running sandbox; removing the stale pid file\n")
        os.remove(paths["pid"])
        return 1
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _is_sandbox(pid):
        if time.monotonic() > deadline:
            sys.stderr.write(f"sandbox {pid} did not stop within {STOP_TIMEOUT_S} s\n")
            return 1
        time.sleep(0.05)
    for name in ("pid", "env"):
        if os.path.exists(paths[name]):
            os.remove(paths[name])
    return 0


def _is_sandbox(pid: int) -> bool:
    """The pid is alive and runs this sandbox (pid files can outlive their process and pids get reused)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmdline = handle.read()
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return b"tests.sandbox" in cmdline and state != b"Z"
