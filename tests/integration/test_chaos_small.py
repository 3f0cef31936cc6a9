"""The chaos run (tests/chaos.py) at CI size: 10 tenants x 50 mailboxes, 10 forks, 30% transient failures and
throttling, default retry settings. The full 50 x 200 run is `python -m tests.chaos`."""
from tests import chaos


def test_chaos_small_converges_in_one_run(capsys):
    code = chaos.main(["--tenants", "10", "--mailboxes", "50", "--forks", "10"])
    out = capsys.readouterr().out
    print(out)
    assert code == 0, out
    assert "FAIL" not in out and out.count("PASS") == 5
