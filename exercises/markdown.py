"""Server-side Markdown for prompts and lessons, with math left for KaTeX."""

import html
import re
import secrets

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# Code first, so that `$` inside code spans and fenced blocks is never taken for math;
# then display math before inline math.
_MATH_OR_CODE = re.compile(
    r"""
    (?P<fence>^(?P<fence_mark>```|~~~)[^\n]*\n.*?^(?P=fence_mark)[ \t]*$)
    | (?P<code>(?P<ticks>`+).+?(?P=ticks))
    | (?P<display>\$\$.+?\$\$)
    | (?P<inline>(?<![\\$\w])\$(?![\s$])[^$\n]+?(?<![\s\\])\$(?![\w$]))
    """,
    re.DOTALL | re.MULTILINE | re.VERBOSE,
)

_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"pre", "code", "span", "div", "table", "thead", "tbody"}
_ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    # Pygments marks tokens with classes; headings keep ids for in-page links.
    "span": {"class"},
    "div": {"class"},
    "pre": {"class"},
    "code": {"class"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}

_MARKDOWN_EXTENSIONS = ["fenced_code", "codehilite", "tables", "sane_lists"]
_MARKDOWN_CONFIG = {
    "codehilite": {"css_class": "highlight", "guess_lang": False, "use_pygments": True}
}


def render_markdown(text: str) -> SafeString:
    """Render trusted-author Markdown to sanitised HTML, keeping `$...$` math intact.

    Math is swapped for placeholders before Markdown runs (so `_` and `*` inside it are
    not read as emphasis) and put back, HTML-escaped, after sanitising; KaTeX's
    auto-render typesets it in the browser.
    """
    nonce = secrets.token_hex(6)
    stash: list[str] = []

    def protect(match: re.Match[str]) -> str:
        if match.group("fence") or match.group("code"):
            return match.group(0)
        stash.append(match.group(0))
        return f"tlmath{nonce}x{len(stash) - 1}x"

    protected = _MATH_OR_CODE.sub(protect, text)
    rendered = markdown.markdown(
        protected,
        extensions=_MARKDOWN_EXTENSIONS,
        extension_configs=_MARKDOWN_CONFIG,
        output_format="html",
    )
    cleaned = nh3.clean(rendered, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES)
    restored = re.sub(
        rf"tlmath{nonce}x(\d+)x",
        lambda m: html.escape(stash[int(m.group(1))]),
        cleaned,
    )
    # Safe: the HTML was sanitised by nh3 and the restored math is escaped text.
    return mark_safe(restored)


_LEADING_H1 = re.compile(r"\A\s*#[ \t]+(?P<text>[^\n]*?)[ \t#]*(?:\n|\Z)")


def strip_leading_title(text: str, *, title: str) -> str:
    """Drop a first `# Heading` that repeats `title`, which the page already shows as its h1."""
    match = _LEADING_H1.match(text)
    if match and match.group("text").strip().casefold() == title.strip().casefold():
        return text[match.end() :]
    return text
