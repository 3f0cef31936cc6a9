"""Throughput benchmark: ``python -m tests.sandbox.bench [--seconds 5] [--threads 4] [--cmdlet Get-Mailbox]``.

Starts the sandbox as its own process (so server and clients do not share one interpreter lock), then
client threads call Exchange InvokeCommand over keep-alive connections and the script prints requests/s.
``--target graph`` measures Graph ``/v1.0/domains`` instead."""
import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time

from .client import https_session
from .cli import REPO_ROOT

CONTOSO = "22222222-2222-2222-2222-222222222222"
ANCHOR = f"APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{CONTOSO}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.sandbox.bench")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--target", choices=("exchange", "graph"), default="exchange")
    parser.add_argument("--cmdlet", default="Get-OrganizationConfig", help="Get-OrganizationConfig or Get-Mailbox")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="csp-sandbox-bench-") as state_dir:
        subprocess.run([sys.executable, "-m", "tests.sandbox", "serve", "--port", "0", "--state-dir", state_dir,
                        "--daemon"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
        try:
            with open(f"{state_dir}/env.json", encoding="utf-8") as handle:
                env = json.load(handle)
            rate, errors = run(env, args)
        finally:
            subprocess.run([sys.executable, "-m", "tests.sandbox", "stop", "--state-dir", state_dir], cwd=REPO_ROOT,
                           check=False)
    what = f"{args.target} {args.cmdlet if args.target == 'exchange' else 'GET /v1.0/domains'}"
    print(f"{what}: {rate:.0f} requests/s with {args.threads} keep-alive client threads over {args.seconds:g} s"
          f" ({errors} non-200 answers)")
    return 0 if errors == 0 else 1


def run(env: dict, args) -> tuple:
    url = json.loads(env["CSP_ENDPOINTS"])["login"]
    resource = "https://outlook.office365.com" if args.target == "exchange" else "https://graph.microsoft.com"
    token = https_session(env["CSP_CA_PATH"]).post(f"{url}/{CONTOSO}/oauth2/v2.0/token", data={
        "client_id": env["CSP_CLIENT_ID"], "client_secret": env["CSP_CLIENT_SECRET"], "grant_type": "refresh_token",
        "refresh_token": env["CSP_REFRESH_TOKEN"], "scope": f"{resource}/.default offline_access openid profile"},
        timeout=30).json()["access_token"]
    parameters = {"Identity": "admin@contoso.com"} if args.cmdlet.lower() == "get-mailbox" else {}
    body = json.dumps({"CmdletInput": {"CmdletName": args.cmdlet, "Parameters": parameters}})
    counts, errors = [0] * args.threads, [0] * args.threads
    deadline = time.monotonic() + args.seconds

    def client(index: int) -> None:
        session = https_session(env["CSP_CA_PATH"])
        session.headers.update({"Authorization": f"Bearer {token}", "X-AnchorMailbox": ANCHOR,
                                "Content-Type": "application/json"})
        while time.monotonic() < deadline:
            if args.target == "exchange":
                response = session.post(f"{url}/adminapi/beta/{CONTOSO}/InvokeCommand", data=body, timeout=30)
            else:
                response = session.get(f"{url}/v1.0/domains", timeout=30)
            counts[index] += 1
            errors[index] += response.status_code != 200

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.threads)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began), sum(errors)


if __name__ == "__main__":
    sys.exit(main())
