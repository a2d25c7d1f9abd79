"""Markdown written by a facilitator (a conclusion, a note) as Word paragraphs and runs: bold,
italics, code, links, bulleted and numbered lists, quotes and line breaks. The Markdown is rendered
and sanitised first (assessment.markup), so only the tags it allows are walked; any other tag
passes its text through as plain text, and no text ever becomes a field code or markup in Word."""
from __future__ import annotations

from functools import cache
from html.parser import HTMLParser

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor

from assessment.markup import render_markdown

LINK_COLOUR = RGBColor(0x0B, 0x5C, 0xAD)
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr"}


@cache
def _style_ids() -> dict[str, str]:
    """The built-in styles' ids by name, read once from python-docx's default template (a lookup
    by name costs a scan of every style, which made a long report twice as slow)."""
    return {style.name: style.style_id for style in Document().styles}


def add_paragraph(container, text: str = "", style: str | None = None):
    """A paragraph in a built-in style (by its name, as Word shows it) at the end of `container`."""
    paragraph = container.add_paragraph(text)
    if style is not None:
        paragraph._p.style = _style_ids()[style]
    return paragraph


def add_markdown(container, text: str) -> None:
    """Append `text` (Markdown) to a document or table cell as paragraphs in built-in styles."""
    if not (text or "").strip():
        return
    writer = _WordWriter(container)
    writer.feed(str(render_markdown(text)))
    writer.close()


class _WordWriter(HTMLParser):
    """Walks sanitised HTML and writes Word paragraphs: one per block, a run per stretch of text."""

    def __init__(self, container):
        super().__init__(convert_charrefs=True)
        self.container = container
        self.part = getattr(container, "part", None)
        self.paragraph = None
        self.bold = self.italic = self.code = 0
        self.lists: list[str] = []
        self.quote = 0
        self.link = None          # the w:hyperlink element runs go into, inside an <a>

    def _style(self, tag: str) -> str | None:
        if tag == "li" and self.lists:
            kind = "List Number" if self.lists[-1] == "ol" else "List Bullet"
            depth = min(len(self.lists), 3)
            return kind if depth == 1 else f"{kind} {depth}"
        return "Quote" if self.quote else None

    def _new_paragraph(self, tag: str):
        style = self._style(tag)
        self.paragraph = add_paragraph(self.container, style=style)
        if tag.startswith("h") and len(tag) == 2:
            self.bold += 1   # a heading inside a conclusion is bold text, never one of the report's headings

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.lists.append(tag)
            self.paragraph = None
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "p" and self.lists and self.paragraph is not None and not self.paragraph.text:
            pass   # a loose list item's paragraph: the item's own
        elif tag in _BLOCKS:
            self._new_paragraph(tag)
            if tag == "pre":
                self.code += 1
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and self.part is not None:
                self._ensure_paragraph()
                self.link = OxmlElement("w:hyperlink")
                self.link.set(qn("r:id"), self.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
                self.paragraph._p.append(self.link)
        elif tag == "td" or tag == "th":
            if self.paragraph is not None and self.paragraph.text:
                self.paragraph.add_run("\t")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.paragraph = None
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag in _BLOCKS:
            if tag.startswith("h") and len(tag) == 2:
                self.bold = max(self.bold - 1, 0)
            if tag == "pre":
                self.code = max(self.code - 1, 0)
            self.paragraph = None
        elif tag in ("strong", "b"):
            self.bold = max(self.bold - 1, 0)
        elif tag in ("em", "i"):
            self.italic = max(self.italic - 1, 0)
        elif tag == "code":
            self.code = max(self.code - 1, 0)
        elif tag == "a":
            self.link = None

    def _ensure_paragraph(self):
        if self.paragraph is None:
            self._new_paragraph("p")

    def handle_data(self, data):
        if not self.code:
            data = " ".join(data.split("\n"))
        if self.paragraph is None:
            if not data.strip():
                return
            self._new_paragraph("li" if self.lists else "p")   # loose text in a list item
            data = data.lstrip()
        run = self.paragraph.add_run(data)
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        if self.code:
            run.font.name = "Courier New"
        if self.link is not None:
            run.font.underline = True
            run.font.color.rgb = LINK_COLOUR
            self.link.append(run._r)   # moved from the paragraph into the link
