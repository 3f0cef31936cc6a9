"""The shape of plugins/module_utils (docs/architecture.md): subsystem packages whose imports point only downward,
Ansible reached from module.py alone, and library code that takes clients, a tenant and a warn callable, never a
module."""
import ast
import os
import re

import pytest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "plugins", "module_utils")
BASE = {"endpoints", "errors", "redact"}
# What each part may import (besides itself); reports stands apart.
ALLOWED = {
    "__init__": set(), "endpoints": set(), "errors": set(), "redact": set(),
    "http": BASE,
    "identity": BASE | {"http"},
    "partner": BASE | {"http", "identity"},
    "exchange": BASE | {"http", "identity"},
    "reports": set(),
    "clients": BASE | {"http", "identity", "partner", "exchange"},
    "module": BASE | {"http", "identity", "partner", "exchange", "clients"},
}
MODULE_USE = re.compile(r"\bmodule\.(params|warn)\b|\bfail_json\b|\bexit_json\b")


def library_files():
    for directory, dummy, files in os.walk(ROOT):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                yield os.path.relpath(path, ROOT).replace(os.sep, "/"), path


def part(relative):
    return relative.split("/")[0][:-3] if "/" not in relative else relative.split("/")[0]


def internal_imports(relative, path):
    """The top-level parts of module_utils a file imports (relative imports resolved)."""
    package = relative.split("/")[:-1]
    found = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            target = base + (node.module.split(".") if node.module else [])
            if target:
                found.add(target[0])
            else:       # "from . import x" at the top of module_utils
                found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("relative, path", list(library_files()))
def test_imports_point_only_downward(relative, path):
    own = part(relative)
    assert own in ALLOWED, "%s belongs to no layer of docs/architecture.md" % relative
    wrong = internal_imports(relative, path) - ALLOWED[own] - {own}
    assert not wrong, "%s (%s) imports %s" % (relative, own, sorted(wrong))


@pytest.mark.parametrize("relative, path", [f for f in library_files() if f[0] != "module.py"])
def test_only_module_py_touches_ansible_or_a_module(relative, path):
    text = open(path).read()
    tree = ast.parse(text)
    ansible = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level
               and (node.module or "").split(".")[0] == "ansible"]
    ansible += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
                if alias.name.split(".")[0] == "ansible"]
    assert not ansible, "%s imports %s" % (relative, ansible)
    assert not MODULE_USE.search(text), "%s uses the module object: %s" % (relative, MODULE_USE.search(text).group())


def test_at_most_ten_files_at_the_top():
    top = [name for name in os.listdir(ROOT) if os.path.isfile(os.path.join(ROOT, name))]
    packages = [name for name in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, name)) and name != "__pycache__"]
    assert len(top) <= 10, sorted(top)
    assert sorted(packages) == ["exchange", "http", "identity", "partner", "reports"]
