"""Markdown from banks and users, rendered to HTML that can never carry script."""
from functools import lru_cache
from html import unescape as html_unescape

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}


def render_markdown(text: str | None) -> Markup:
    """Markdown to sanitised HTML: raw HTML and scripts are stripped, links get rel=noopener."""
    if not text:
        return Markup("")
    return _render(str(text))


def markdown_to_text(text: str | None) -> str:
    """What a Markdown text says, without its markers: for a spreadsheet cell (**enige** -> enige)."""
    if not text:
        return ""
    html = markdown.markdown(str(text), extensions=["sane_lists"])
    html = html.replace("</p>", "</p>\n").replace("</li>", "</li>\n").replace("<br />", "\n")
    return html_unescape(nh3.clean(html, tags=set())).strip()


@lru_cache(maxsize=2048)
def _render(text: str) -> Markup:
    """Cached: a bank's help texts are rendered on every form step (the same text, same result)."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer"))
