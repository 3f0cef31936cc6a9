"""A report page read strictly: through expat (no stray '<' or '&', no character XML forbids: the pages are
well-formed XML on purpose) and through html.parser with every element closed in order."""
import xml.etree.ElementTree as ET
import xml.parsers.expat
from html.parser import HTMLParser

VOID = {"meta", "input", "br", "img", "link"}


class _Balanced(HTMLParser):

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, "</%s> closes %s" % (tag, self.open)


def parse(page):
    """(root element, [(tag, attributes)] in document order) of ``page``; AssertionError or an expat error when it
    is not strictly well-formed."""
    assert page.startswith("<!DOCTYPE html>\n"), page[:80]
    xml.parsers.expat.ParserCreate().Parse(page.encode("utf-8"), True)
    balanced = _Balanced()
    balanced.feed(page)
    balanced.close()
    assert balanced.open == [], balanced.open
    return ET.fromstring(page.split("\n", 1)[1]), balanced.tags
