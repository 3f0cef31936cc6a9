"""exo_object renames: a lost answer of the renaming Set- is read back, not resent; state absent removes only the
object named by identity; a rename onto a name in use fails without a write."""
import json

from tests.integration.conftest import CONTOSO, dump
from tests.integration.test_exo_object import exchange_writes, named_rule


def lose_first_write(sb):
    """The first write's answer is lost (the handler ran, the client sees 504 or a dropped connection); later ones
    are answered."""
    faults = sb.sandbox.faults
    original = faults.roll
    state = {"lost": False}

    def roll(name, service=None, tenant=None):
        if name == "lost_write_rate" and service == "exchange" and not state["lost"]:
            state["lost"] = True
            return True
        return original(name, service, tenant)
    faults.roll = roll
    return lambda: setattr(faults, "roll", original)


def test_a_lost_answer_of_the_renaming_set_is_read_back_not_resent(sb):
    created = sb.play(named_rule("Old name"))
    assert created.rc == 0, dump(created)
    sb.sandbox.log.clear()
    restore = lose_first_write(sb)
    try:
        renamed = sb.play(named_rule("Old name", settings_name="New name"))
    finally:
        restore()
    names = [r["Name"] for r in sb.exchange(CONTOSO, "TransportRule")]
    writes = exchange_writes(sb)
    assert names == ["New name"], names
    assert renamed.rc == 0, "rename applied (%s), but the task says: %s\nwrites: %s\n%s" % (
        names, renamed.task("rule").get("msg"), writes, dump(renamed))
    assert writes == ["Set-TransportRule"], writes          # read back after the lost answer, never sent twice


def absent_rule(identity, settings_name):
    return """
- name: rule
  csp.exchange.exo_object:
      tenant: contoso.com
      object: TransportRule
      identity: %s
      state: absent
      allow_destructive: true
      settings: %s
""" % (json.dumps(identity), json.dumps(dict(RULE_SETTINGS, Name=settings_name)))


RULE_SETTINGS = {"State": "Enabled", "Mode": "Enforce"}


def test_state_absent_never_removes_the_object_named_only_in_settings(sb):
    # "Keep me" is an unrelated rule; the task asks to remove "Retired" (already gone).
    assert sb.play(named_rule("Keep me")).rc == 0
    sb.sandbox.log.clear()
    run = sb.play(absent_rule("Retired", "Keep me"))
    names = [r["Name"] for r in sb.exchange(CONTOSO, "TransportRule")]
    assert names == ["Keep me"], "removed %s: %s" % (exchange_writes(sb), dump(run))


def test_rename_onto_a_name_that_already_exists(sb):
    assert sb.play(named_rule("A rule")).rc == 0
    assert sb.play(named_rule("B rule")).rc == 0
    sb.sandbox.log.clear()
    run = sb.play(named_rule("A rule", settings_name="B rule"))
    names = sorted(r["Name"] for r in sb.exchange(CONTOSO, "TransportRule"))
    assert names == ["A rule", "B rule"] and run.rc != 0, "%s %s %s" % (names, exchange_writes(sb), dump(run))
