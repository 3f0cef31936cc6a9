import pytest

from ansible_collections.csp.exchange.plugins.module_utils.identity import aadsts
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.identity.tenant import validate_tenant
from ansible_collections.csp.exchange.plugins.module_utils.partner.domains import Domains


@pytest.mark.parametrize("code,fragment", [
    (700082, "refresh token has expired"),
    (65001, "not consented in this customer tenant"),
    (7000215, "client secret is wrong"),
    (90002, "tenant does not exist"),
    (7000222, "secret has expired"),
    (53003, "Conditional Access"),
])
def test_aadsts_sentences_say_what_to_do(code, fragment):
    error = {"error": "invalid_grant", "error_codes": [code],
             "error_description": "AADSTS%d: Something.\r\nTrace ID: abc" % code}
    text = aadsts.describe(error, "contoso.onmicrosoft.com", "an Exchange Online token")
    assert text.startswith("Could not get an Exchange Online token for tenant contoso.onmicrosoft.com: AADSTS%d" % code)
    assert fragment in text and text.endswith(".") and "\n" not in text and "Trace ID" not in text


def test_unknown_code_uses_the_first_line_of_the_description():
    text = aadsts.describe({"error_description": "AADSTS12345: Odd thing.\r\nTrace ID: x"}, "t", "a token")
    assert "AADSTS12345: AADSTS12345: Odd thing." in text and "Trace" not in text


@pytest.mark.parametrize("value", ["22222222-2222-2222-2222-222222222222", "Contoso.OnMicrosoft.com", "contoso.com",
                                   "a-b.co.uk"])
def test_valid_tenants(value):
    assert validate_tenant(value) == value.lower()


@pytest.mark.parametrize("value", ["", None, "contoso", "not a domain.com", "http://contoso.com", "2222-22",
                                   "-bad.com", "x" * 300 + ".com"])
def test_invalid_tenants(value):
    with pytest.raises(InvalidInputError, match="tenant"):
        validate_tenant(value)


def test_initial_domain_is_the_flag_not_the_suffix():
    domains = Domains([
        {"id": "fabrikam.mail.onmicrosoft.com", "isInitial": False, "isDefault": False},
        {"id": "fabrikam.com", "isInitial": False, "isDefault": True},
        {"id": "fabrikam.onmicrosoft.com", "isInitial": True, "isDefault": False},
    ])
    assert domains.initial == "fabrikam.onmicrosoft.com"
    assert domains.default == "fabrikam.com"
    assert domains.names[0] == "fabrikam.mail.onmicrosoft.com"
