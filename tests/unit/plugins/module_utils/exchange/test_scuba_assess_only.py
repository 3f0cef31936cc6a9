"""scuba_exchange's assess_only: the controls a partner accepted are checked but never fixed, the others are."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.exchange import scuba


def test_assess_only_controls_are_checked_without_writing(monkeypatch):
    writing = {}
    for key in ("ms.exo.5.1v1", "ms.exo.13.1v1"):
        control = scuba.BY_ID[key]
        monkeypatch.setattr(control, "evaluate", lambda context, i=control.id: writing.setdefault(i, context.writing)
                            and ("fixed", []) or ("fail", ["not fixed"]))
    context = scuba.Context(None, remediate=True, check_mode=False)
    results = scuba.assess(context, [scuba.BY_ID["ms.exo.5.1v1"], scuba.BY_ID["ms.exo.13.1v1"]],
                           assess_only=["ms.exo.5.1V1"])
    assert writing == {"MS.EXO.5.1v1": False, "MS.EXO.13.1v1": True}
    assert [r["status"] for r in results] == ["fail", "fixed"]
    assert context.remediate is True                   # the tenant's own context is left as it was


def test_an_unknown_assess_only_id_is_refused():
    with pytest.raises(InvalidInputError, match="Unknown control"):
        scuba.assess(scuba.Context(None, True, False), [], assess_only=["MS.EXO.99.1v1"])
