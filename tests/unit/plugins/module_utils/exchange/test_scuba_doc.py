"""The SCuBA controls page is generated from the control table and must not go stale; the table's own rules."""
import os
import subprocess
import sys

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.exchange import scuba
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))))


def test_docs_page_matches_the_control_table():
    check = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "scuba-controls-doc"), "--check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr


def test_every_control_of_the_current_baseline_and_dns_ones_are_manual():
    ids = [c.id for c in scuba.CONTROLS]
    assert len(ids) == 12 and len(set(ids)) == 12
    manual = set(c["id"] for c in (control.describe() for control in scuba.CONTROLS) if c["manual"])
    assert manual == {"MS.EXO.2.2v3", "MS.EXO.4.1v1", "MS.EXO.4.2v1", "MS.EXO.4.3v1", "MS.EXO.4.4v1"}
    assert [c.id for c in scuba.select(["ms.exo.5.1v1"])] == ["MS.EXO.5.1v1"]
    with pytest.raises(InvalidInputError, match="Unknown control"):
        scuba.select(["MS.EXO.99.1v1"])


def test_star_cannot_be_an_allowed_forwarding_domain():
    context = scuba.Context(client=None, remediate=False, check_mode=True, allowed_forwarding_domains=["*"])
    [result] = scuba.assess(context, scuba.select(["MS.EXO.1.1v2"]))
    assert result["status"] == "error" and "'*'" in result["details"][0]
