"""Make ``ansible_collections.csp.exchange`` importable when the checkout is not already laid out that way."""
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
parts = ROOT.split(os.sep)
if parts[-3:-1] == ["ansible_collections", "csp"] and parts[-1] == "exchange":
    sys.path.insert(0, os.sep.join(parts[:-3]))
else:
    base = os.path.join(ROOT, ".cache", "collections")
    link = os.path.join(base, "ansible_collections", "csp", "exchange")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    sys.path.insert(0, base)
