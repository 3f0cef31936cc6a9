"""Malformed entries become error cases, never a crash or a silent pass (pipeline.py)."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.reports import pipeline
from ansible_collections.csp.exchange.plugins.module_utils.reports.access import KIND as ACCESS
from ansible_collections.csp.exchange.plugins.module_utils.reports.controls import KIND as CONTROLS


def written(kind, tenants, tmp_path):
    report = pipeline.build(kind, tenants, [t["host"] for t in tenants], "r")
    pipeline.write_all(kind, report, str(tmp_path / "a.json"), str(tmp_path / "a.xml"), str(tmp_path / "a.html"))
    return report


def test_access_verdict_with_problems_as_strings_does_not_crash_the_report(tmp_path):
    written(ACCESS, [{"host": "h", "tenant": "t", "verdicts": [{"ready": False, "problems": ["consent missing"]}]}],
            tmp_path)


def test_access_verdict_ready_string_false_is_not_a_pass(tmp_path):
    report = written(ACCESS, [{"host": "h", "tenant": "t", "verdicts": [{"ready": "false", "problems": []}]}], tmp_path)
    assert report["ready"] == 0


@pytest.mark.parametrize("control", [{"status": "fail"}, "not a mapping", {"id": "X.1", "status": "unknown"},
                                     {"id": "X.2", "status": "fail", "details": [{"a": 1}]}])
def test_a_malformed_scuba_control_is_an_error_case(tmp_path, control):
    report = written(CONTROLS, [{"host": "h", "tenant": "t", "controls": [control]}], tmp_path)
    assert report["counts"]["error"] + report["counts"]["fail"] == 1, report
