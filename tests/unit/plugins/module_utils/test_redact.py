from ansible_collections.csp.exchange.plugins.module_utils.redact import MASK, Redactor

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiIyMjIyIn0.c2lnbmF0dXJlLXZhbHVl"


def test_known_values_and_shapes_are_masked():
    r = Redactor(["s3cr3t-value-123", None, ""])
    text = r.text("secret s3cr3t-value-123 and Bearer abcdefghijklmnop and %s and refresh_token=0.AAA-xyz&x=1" % JWT)
    assert "s3cr3t-value-123" not in text and "abcdefghijklmnop" not in text
    assert JWT not in text and "0.AAA-xyz" not in text
    assert text.count(MASK) == 4
    assert "x=1" in text


def test_nested_data_is_redacted_and_non_strings_kept():
    r = Redactor(["topsecretvalue"])
    data = {"a": ["topsecretvalue", 3, {"b": "x topsecretvalue y"}], "n": None, "t": True}
    assert r.data(data) == {"a": [MASK, 3, {"b": "x %s y" % MASK}], "n": None, "t": True}


def test_short_values_are_not_treated_as_secrets():
    r = Redactor(["abc"])
    assert r.text("abc def") == "abc def"


def test_json_field_shapes():
    r = Redactor()
    assert r.text('{"client_secret": "abcd1234efgh"}') == '{"client_secret": "%s"}' % MASK
