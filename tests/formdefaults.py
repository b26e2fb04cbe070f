"""What a browser would send for a form as rendered: every named field with its default
(a select's selected option, else its first; ticked checkboxes only). Lets a test post a
page exactly as an officer who changed only some fields would."""
from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = [[]]
        self.fields = self.forms[0]
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.fields = []
            self.forms.append(self.fields)
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "") or ""))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._option_value, self._option_selected, self._option_text = (
                a.get("value"), "selected" in a, "")

    def handle_data(self, data):
        if self._option_value is None and self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text.strip()
            self._options.append((value, self._option_selected))
            self._option_value = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _s in self._options[:1]]
            if chosen:
                self.fields.append((self._select, chosen[0]))
            self._select = None


def form_defaults(html: str, having: str = "title") -> dict[str, list[str]]:
    """The defaults of the first form on the page with a field named ``having``."""
    parser = _Form()
    parser.feed(html)
    for fields in parser.forms:
        out: dict[str, list[str]] = {}
        for name, value in fields:
            out.setdefault(name, []).append(value)
        if having in out:
            return out
    raise AssertionError(f"no form with a field {having!r} on the page")
