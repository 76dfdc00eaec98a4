"""What every HTML page of the service must hold, read with the standard library's parser:
unique ids, and a label for every form control (a ``<label for>``, an enclosing ``<label>``, or
``aria-label`` / ``aria-labelledby``)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

#: inputs that need no label: they are not typed into, or carry their own text.
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.controls: list[tuple[str, dict]] = []  # (tag, attributes) of controls needing a label

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "label":
            self.open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and attributes.get("type", "text") in UNLABELLED_TYPES:
                return
            if self.open_labels or attributes.get("aria-label") or attributes.get("aria-labelledby"):
                return
            self.controls.append((tag, attributes))

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def markup_faults(html: str) -> list[str]:
    """Duplicate ids and form controls without a label, in French-neutral words for a test message."""
    page = _Page()
    page.feed(html)
    faults = [f"id {name!r} appears {count} times" for name, count in Counter(page.ids).items() if count > 1]
    for tag, attributes in page.controls:
        if attributes.get("id") not in page.label_for:
            faults.append(f"<{tag} name={attributes.get('name')!r} id={attributes.get('id')!r}> has no label")
    return faults
