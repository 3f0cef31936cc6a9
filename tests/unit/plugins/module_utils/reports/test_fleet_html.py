"""The fleet page (fleet_html.py): strictly parseable, everything from customers escaped, no external resource, a
drill-down per tenant, and small enough for 500 tenants by 40 controls."""
import random

from ansible_collections.csp.exchange.plugins.module_utils.reports import controls, fleet
from ansible_collections.csp.exchange.plugins.module_utils.reports.fleet_html import MAX_LINE, render
from tests.strict_html import parse

NOW = "2026-12-02T05:30:00Z"
HOSTILE = u'<script>alert("x")</script> & \'quoted\' \x00\x1b\x85\ufffe'


def case(host, control, status, details=(), **extra):
    return dict(extra, tenant=host + "-id", host=host, id=control, status=status, criticality="SHALL",
                statement="The statement of %s." % control, details=list(details))


def page_of(cases):
    return render(fleet.build(controls.KIND, {"run_id": "run-1", "cases": cases}, NOW))


def test_the_page_parses_strictly_and_escapes_what_customers_write():
    long_value = "v" * (MAX_LINE * 5)
    page = page_of([
        case(HOSTILE, "MS.EXO.5.1v1", "fail", [HOSTILE, long_value]),
        case("b.example", HOSTILE, "accepted", accepted=[{"ref": "MS.EXO.5.1v1", "owner": HOSTILE,
                                                         "reason": "scanner", "expires": "2027-03-31"}]),
        case("b.example", "MS.EXO.5.1v1", "pass"),
        dict(tenant="c", host="c", id="(tenant)", status="error", details=["AADSTS65001 " + HOSTILE])])
    root, tags = parse(page)
    assert "<script" not in page and "\x00" not in page and "\x1b" not in page and "\x85" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27; \\x00\\x1b\\x85\\ufffe" in page
    assert {t for t, a in tags} <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "div", "span",
                                    "input", "label", "table", "thead", "tbody", "tr", "th", "td", "a", "b", "details",
                                    "summary", "ul", "li"}
    assert not [a for t, a in tags if set(a) - {"lang", "charset", "name", "content", "class", "title", "href", "id",
                                                "type", "for"}]
    assert not [a["href"] for t, a in tags if "href" in a and not a["href"].startswith("#t")]   # nothing to fetch
    assert "url(" not in page and "@import" not in page and "http" not in page
    cut = u"v" * MAX_LINE + u"\u2026 (%d more characters in the JSON report)" % (MAX_LINE * 4)
    assert [li.text for li in root.iter("li") if li.text.startswith("vvv")] == [cut]
    assert "accepted MS.EXO.5.1v1: scanner (owner &lt;script&gt;" in page and "expires 2027-03-31" in page


def test_matrix_rows_cells_and_the_drill_down_of_every_tenant():
    root, dummy = parse(page_of([
        case("a", "X.1", "pass"), case("a", "X.2", "fail", ["X.2 is off"]), case("b", "X.1", "pass"),
        case("b", "X.2", "accepted"), dict(tenant="c", host="c", id="(tenant)", status="error", details=["down"])]))
    matrix = root.find(".//table[@class='m']")
    assert [th.get("title") for th in matrix.findall("thead/tr/th[@class='c']")] == ["X.1", "X.2"]
    rows = matrix.findall("tbody/tr")
    assert rows[0].get("class") == "n" and [td.text for td in rows[0].findall("td")] == ["2", None, "1", "2"]
    assert [(r.find("th/a").text, r.get("class"), [td.text for td in r.findall("td")]) for r in rows[1:]] == [
        ("a (a-id)", None, ["fail", "1", u"\u2713", u"\u2717"]),
        ("b (b-id)", "g", ["accepted", "0", u"\u2713", "A"]),          # hidden by the filter: nothing fails
        ("c", None, ["error", "2", "!", "!"])]                          # not checked: an error in every column
    details = root.findall(".//details")
    assert [d.find("summary/b").text for d in details] == ["a (a-id)", "b (b-id)", "c"]
    for row, detail in zip(rows[1:], details):
        assert detail.find("div").get("id") == row.find("th/a").get("href")[1:]   # the link opens its details
    assert [li.text for li in details[0].iter("li")] == ["The statement of X.2.", "X.2 is off"]
    assert details[0].find("div/p").text == "1 other control(s) passed."
    assert [li.text for li in details[2].iter("li")] == ["down"]


def fleet_of(tenants, columns, seed=1):
    """A fleet like a partner's: mostly passing, some failures, accepted deviations, manual checks and errors,
    and 2 % of tenants that could not be checked at all."""
    rnd = random.Random(seed)
    cases = []
    for t in range(tenants):
        host = "customer%04d.onmicrosoft.com" % t
        if rnd.random() < 0.02:
            cases.append(dict(tenant=host, host=host, id="(tenant)", status="error",
                              details=["AADSTS65001: the admin has not consented to the application"]))
            continue
        for c in range(columns):
            r = rnd.random()
            status = "pass" if r < .85 else "fail" if r < .93 else "accepted" if r < .96 else "manual" if r < .99 \
                else "error"
            cases.append(case(host, "MS.EXO.%d.%dv1" % (c // 3 + 1, c % 3 + 1), status,
                              [] if status == "pass" else ["the current value differs from the policy's"]))
    return fleet.build(controls.KIND, {"run_id": "nightly", "cases": cases}, NOW)


def test_500_tenants_by_40_controls_stay_small():
    page = render(fleet_of(500, 40))
    root, dummy = parse(page)
    assert len(root.findall(".//table[@class='m']/tbody/tr")) == 501
    assert len(page.encode("utf-8")) < 1200 * 1000, len(page.encode("utf-8"))    # measured: about 1.06 MB
