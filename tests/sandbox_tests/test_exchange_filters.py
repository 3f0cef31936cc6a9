"""OPATH -Filter: operators, precedence, typed comparisons, and the errors for bad filters."""
import pytest

from .exchange_org import exception_of, fails, org, rows  # noqa: F401 (org is a fixture)  pylint: disable=unused-import


def aliases(org, opath, cmdlet="Get-Mailbox"):
    return sorted(r["Alias"] for r in rows(org, cmdlet, Filter=opath) if r["Alias"] in ("jdoe", "asmith", "sales"))


@pytest.mark.parametrize("opath, expected", [
    ("Alias -eq 'JDOE'", ["jdoe"]),
    ("Alias -ne 'jdoe'", ["asmith", "sales"]),
    ("Alias -like 'a*'", ["asmith"]),
    ("Alias -notlike '*s*'", ["jdoe"]),
    ("DisplayName -like '*smith'", ["asmith"]),
    ("RecipientTypeDetails -eq 'SharedMailbox' -or Alias -eq 'jdoe'", ["jdoe", "sales"]),
    ("(Alias -eq 'jdoe' -or Alias -eq 'asmith') -and ArchiveStatus -eq 'Active'", ["jdoe"]),
    ("Alias -eq 'jdoe' -or Alias -eq 'asmith' -and ArchiveStatus -eq 'Active'", ["jdoe"]),
    ("-not (Alias -like '*s*')", ["jdoe"]),
    ("HiddenFromAddressListsEnabled -eq 'True'", ["sales"]),
    ("HiddenFromAddressListsEnabled -eq 'True' -and Alias -like 's*'", ["sales"]),
    ("EmailAddresses -eq 'smtp:JDOE@contoso.onmicrosoft.com'", ["jdoe"]),
    ("EmailAddresses -like '*@contoso.com' -and Alias -eq 'asmith'", ["asmith"]),
    ("ProhibitSendQuota -eq '49.5GB'", ["jdoe"]),
    ("GrantSendOnBehalfTo -ne $null", ["sales"]),
    ('Alias -eq "asmith"', ["asmith"]),
    ("{Alias -eq 'sales'}", ["sales"]),
])
def test_filters(org, opath, expected):
    assert aliases(org, opath) == expected


def test_filter_on_cas_view_uses_its_property_names(org):
    found = rows(org, "Get-CASMailbox", Filter="SmtpClientAuthenticationDisabled -eq 'True' -and Name -eq 'asmith'")
    assert [r["Name"] for r in found] == ["asmith"]


def test_quotes_escape_by_doubling(org):
    assert rows(org, "Get-Mailbox", Filter="DisplayName -eq 'O''Brien'") == []


@pytest.mark.parametrize("opath, text", [
    ("Colour -eq 'red'", "'Colour' is not a recognized filterable property"),
    ("Alias -eq", "Invalid filter syntax"),
    ("Alias -gt 'a'", "Invalid filter syntax"),
    ("(Alias -eq 'a'", "Invalid filter syntax"),
    ("Alias -eq 'a' -and", "Invalid filter syntax"),
    ("Alias -eq 'a' Alias", "Invalid filter syntax"),
    ("Alias -eq 'unterminated", "Invalid filter syntax"),
    ("HiddenFromAddressListsEnabled -eq $true", "variables are not expanded"),      # contract §5.2: send 'True'
])
def test_bad_filters_are_400_parameter_binding_errors(org, opath, text):
    error = fails(org, "Get-Mailbox", Filter=opath)
    assert error.status == 400 and exception_of(error) == "System.Management.Automation.ParameterBindingException"
    assert text in error.text and error.detail.startswith("|")
