"""XCRI-CAP 1.2 namespaces, reading elements whatever their prefixes, and warnings about them."""

from xml.etree.ElementTree import Element

XCRI = "http://xcri.org/profiles/1.2/catalog"
MLO = "http://purl.org/net/mlo"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CREDIT = "http://purl.org/net/cm"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
COSTS_EXTENSION = "http://xcri.co.uk/CostsExtension"


def tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def dc(name: str) -> tuple[str, str]:
    """Feeds use dc: and dcterms: for the same properties; accept both."""
    return tag(DC, name), tag(DCTERMS, name)


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: Element | None, *tags: str) -> list[Element]:
    return [] if element is None else [child for child in element if child.tag in tags]


def first(element: Element | None, *tags: str) -> Element | None:
    return next(iter(children(element, *tags)), None)


def xsi_type(element: Element) -> str:
    """The local part of xsi:type: prefixes differ between feeds (and are sometimes empty)."""
    return element.get(tag(XSI, "type"), "").rsplit(":", 1)[-1].lower()


def raw_text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


# --- warnings -----------------------------------------------------------------------------------


class Notes:
    """Warnings prefixed with the record they are about."""

    def __init__(self, where: str, sink: list[str]) -> None:
        self.where = where
        self.sink = sink

    def add(self, message: str) -> None:
        self.sink.append(f"{self.where}: {message}")

    def within(self, where: str) -> "Notes":
        return Notes(f"{self.where}, {where}", self.sink)
