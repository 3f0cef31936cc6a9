"""Which customers become hosts (include/exclude) and how they are named (unique, order-independent)."""
import pytest

from ansible_collections.csp.exchange.plugins.plugin_utils.customer_hosts import host_names, sanitise, select

CONTOSO = {"tenant_id": "22222222-2222-2222-2222-222222222222", "name": "Contoso Ltd.", "default_domain": "contoso.com",
           "relationship": "reseller"}
FABRIKAM = {"tenant_id": "22222222-2222-2222-2222-222222222223", "name": "Fabrikam", "default_domain": "fabrikam.com",
            "relationship": "reseller"}
GDAP = {"tenant_id": "33333333-3333-3333-3333-333333333333", "name": "Tailspin Toys", "default_domain": None,
        "relationship": "gdap"}
ALL = [CONTOSO, FABRIKAM, GDAP]


def tids(customers):
    return [c["tenant_id"] for c in customers]


@pytest.mark.parametrize("include, exclude, expected", [
    (None, None, ALL),
    ([], [], ALL),
    (["contoso.com"], None, [CONTOSO]),
    (["*.COM"], None, [CONTOSO, FABRIKAM]),                 # case-insensitive glob on the domain
    (["tailspin*"], None, [GDAP]),                          # the name
    (["22222222-2222-2222-2222-222222222223"], None, [FABRIKAM]),  # the tenant id
    (["*.com", "tailspin toys"], ["fabrikam*"], [CONTOSO, GDAP]),
    (None, ["2222*"], [GDAP]),
    (["nothing*"], None, []),
])
def test_include_then_exclude(include, exclude, expected):
    assert tids(select(ALL, include, exclude)) == tids(expected)


def test_default_domain_names_hosts_and_falls_back_to_the_sanitised_name():
    assert host_names(ALL) == {CONTOSO["tenant_id"]: "contoso.com", FABRIKAM["tenant_id"]: "fabrikam.com",
                               GDAP["tenant_id"]: "tailspin-toys"}


def test_name_and_tenant_id_sources():
    assert host_names(ALL, "name")[CONTOSO["tenant_id"]] == "contoso-ltd"
    assert host_names(ALL, "tenant_id") == dict((t, t) for t in tids(ALL))


def test_a_customer_lacking_any_usable_name_is_named_by_tenant_id():
    blank = {"tenant_id": "44444444-4444-4444-4444-444444444444", "name": "株式会社", "default_domain": None}
    assert host_names([blank], "name") == {blank["tenant_id"]: blank["tenant_id"]}


def test_shared_names_get_the_tenant_id_on_both_whatever_the_order():
    twin = dict(FABRIKAM, tenant_id="55555555-5555-5555-5555-555555555555", name="FABRIKAM!", default_domain=None)
    forward = host_names([FABRIKAM, twin], "name")
    assert forward == {FABRIKAM["tenant_id"]: "fabrikam_" + FABRIKAM["tenant_id"],
                       twin["tenant_id"]: "fabrikam_" + twin["tenant_id"]}
    assert host_names([twin, FABRIKAM], "name") == forward
    assert len(set(host_names([FABRIKAM, twin, CONTOSO, GDAP], "name").values())) == 4


@pytest.mark.parametrize("name, expected", [("Tailspin Toys", "tailspin-toys"), ("  A&B -- Co. ", "a-b-co"),
                                            ("Café Ünïcode", "cafe-unicode"), (None, "")])
def test_sanitise(name, expected):
    assert sanitise(name) == expected
