"""Plain text from XHTML elements or escaped HTML (CDATA, entities), as paragraphs."""

from collections.abc import Iterable
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

from service.courses.xcri.elements import local

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


class _Paragraphs:
    """Text gathered in document order, split into paragraphs of single-spaced words."""

    def __init__(self) -> None:
        self._paragraphs: list[str] = []
        self._pending: list[str] = []

    def add_text(self, text: str) -> None:
        self._pending.append(text)

    def add_markup(self, text: str) -> None:
        """Text may itself be escaped HTML (CDATA `<p>...</p>`, `&amp;nbsp;`)."""
        if "<" in text or "&" in text:
            reader = _HtmlText(self)
            reader.feed(text)
            reader.close()
        else:
            self.add_text(text)

    def end_paragraph(self) -> None:
        paragraph = " ".join("".join(self._pending).split())
        self._pending.clear()
        if paragraph:
            self._paragraphs.append(paragraph)

    def result(self) -> list[str]:
        self.end_paragraph()
        return self._paragraphs


class _HtmlText(HTMLParser):
    def __init__(self, sink: _Paragraphs) -> None:
        super().__init__(convert_charrefs=True)
        self._sink = sink
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._on_tag(tag, opening=True)

    def handle_endtag(self, tag: str) -> None:
        self._on_tag(tag, opening=False)

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self._sink.add_text(data)

    def _on_tag(self, tag: str, opening: bool) -> None:
        name = tag.rsplit(":", 1)[-1]
        if name in _HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth + (1 if opening else -1))
        elif name in _BLOCK_TAGS:
            self._sink.end_paragraph()


def _paragraphs(element: Element | None) -> list[str]:
    """Walk the element without recursion, so deeply nested markup cannot exhaust the stack."""
    sink = _Paragraphs()
    if element is None:
        return []
    pending: list[tuple[Element, bool]] = [(element, True)]
    while pending:
        node, opening = pending.pop()
        name = local(node.tag).lower()
        if opening:
            if name in _HIDDEN_TAGS:
                pending.append((node, False))
                continue
            if node is not element and name in _BLOCK_TAGS:
                sink.end_paragraph()
            sink.add_markup(node.text or "")
            pending.append((node, False))
            pending.extend((child, True) for child in reversed(node))
        elif node is not element:
            if name in _BLOCK_TAGS:
                sink.end_paragraph()
            sink.add_markup(node.tail or "")
    return sink.result()


def plain_text(element: Element | None) -> str:
    return " ".join(_paragraphs(element))


def rich_text(elements: Iterable[Element]) -> str:
    distinct = dict.fromkeys(p for element in elements for p in _paragraphs(element))
    return "\n\n".join(distinct)
