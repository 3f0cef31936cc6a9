"""OPATH ``-Filter`` strings compiled once per request into a predicate over objects.

Grammar: ``expr := and ('-or' and)*``; ``and := unary ('-and' unary)*``; ``unary := ('-not'|'!') unary | '('
expr ')' | Property op value`` with ``op`` in -eq -ne -like -notlike and values quoted, bare or ``$null``. An
unquoted ``$true``/``$false`` is a PowerShell variable no shell expanded: refused (clients send ``'True'``,
contract §5.2). Comparisons are case-insensitive and typed by the property's ``Kind`` (sizes by
bytes, bools as True/False); a multi-valued property matches when any element does.
"""
import re

from . import errors

_TOKEN = re.compile(r"""\s*(?:(?P<open>\()|(?P<close>\))|(?P<op>-[A-Za-z]+)|(?P<bang>!)"""
                    r"""|'(?P<single>(?:[^']|'')*)'|"(?P<double>(?:[^"]|"")*)"|(?P<word>[^\s()'"]+))""")
_OPERATORS = ("-eq", "-ne", "-like", "-notlike")
SYNTAX = "Invalid filter syntax. For a description of the filter parameter syntax see the command help."


def _tokens(text):
    position, tokens = 0, []
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if not match:
            raise errors.bad_filter(text, SYNTAX, position + 1)
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "single":
            value = value.replace("''", "'")
        elif kind == "double":
            value = value.replace('""', '"')
        tokens.append((kind, value, position + 1))
        position = match.end()
    return text, tokens


def compile_filter(text, schema):
    """A predicate ``obj -> bool``; raises the 400 Exchange answers for bad syntax or unknown properties."""
    source, tokens = _tokens(text)
    parser = _Parser(source, tokens, schema)
    predicate = parser.expression()
    if parser.index != len(tokens):
        parser.fail(tokens[parser.index][2])
    return predicate


class _Parser:
    def __init__(self, source, tokens, schema):
        self.source, self.tokens, self.schema, self.index = source, tokens, schema, 0

    def fail(self, position):
        raise errors.bad_filter(self.source, SYNTAX, position)

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None, len(self.source) + 1)

    def take(self):
        token = self.peek()
        if token[0] is None:
            self.fail(token[2])
        self.index += 1
        return token

    def _is_op(self, word):
        kind, value, dummy = self.peek()
        return kind == "op" and value.lower() == word

    def expression(self):
        terms = [self.conjunction()]
        while self._is_op("-or"):
            self.index += 1
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else (lambda obj: any(t(obj) for t in terms))

    def conjunction(self):
        terms = [self.unary()]
        while self._is_op("-and"):
            self.index += 1
            terms.append(self.unary())
        return terms[0] if len(terms) == 1 else (lambda obj: all(t(obj) for t in terms))

    def unary(self):
        kind, value, position = self.peek()
        if kind == "bang" or (kind == "op" and value.lower() == "-not"):
            self.index += 1
            inner = self.unary()
            return lambda obj: not inner(obj)
        if kind == "open":
            self.index += 1
            inner = self.expression()
            if self.take()[0] != "close":
                self.fail(position)
            return inner
        return self.comparison()

    def comparison(self):
        kind, name, position = self.take()
        prop = self.schema.by_lower.get(name.lower()) if kind == "word" else None
        if prop is None:
            raise errors.bad_filter(self.source, f"'{name}' is not a recognized filterable property. For a "
                                                 "description of the filterable properties see the command help.",
                                    position)
        op_kind, op, op_position = self.take()
        if op_kind != "op" or op.lower() not in _OPERATORS:
            self.fail(op_position)
        value_kind, literal, value_position = self.take()
        if value_kind not in ("single", "double", "word"):
            self.fail(op_position)
        if value_kind == "word" and literal.lower() in ("$true", "$false"):
            raise errors.bad_filter(self.source, f"The value \"{literal}\" could not be converted to type "
                                                 "System.Boolean: variables are not expanded here.", value_position)
        return _comparison(prop, op.lower(), literal)


def _comparison(prop, op, literal):
    kind, attr = prop.kind, prop.attr
    if literal.lower() == "$null":
        matches = _null_test(attr, kind)
    elif op in ("-like", "-notlike"):
        pattern = re.compile("^" + ".*".join(map(re.escape, kind.filter_literal(literal.lstrip("$")).split("*")))
                             + "$", re.S)
        matches = _element_test(attr, kind, lambda v: isinstance(v, str) and pattern.match(v) is not None)
    else:
        wanted = kind.filter_literal(literal.lstrip("$"))
        matches = _element_test(attr, kind, lambda v: v == wanted)
    if op in ("-ne", "-notlike"):
        return lambda obj: not matches(obj)
    return matches


def _null_test(attr, kind):
    if kind.is_list:
        return lambda obj: not getattr(obj, attr)
    return lambda obj: getattr(obj, attr) in (None, "")


def _element_test(attr, kind, test):
    if kind.is_list:
        return lambda obj: any(test(v) for v in kind.filter_value(getattr(obj, attr)))
    return lambda obj: test(kind.filter_value(getattr(obj, attr)))
