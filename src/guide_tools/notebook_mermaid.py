"""Mermaid diagrams in notebook pages, in the form the site's pages use.

A notebook draws a diagram as a ```mermaid fence in a Markdown cell, which
JupyterLab 4 renders itself. On the site, nbconvert (under mkdocs-jupyter)
turns the fence into `<div class="jp-Mermaid"><pre class="mermaid">` (escaped
by some nbconvert versions and not by others), while Markdown pages get
pymdownx.superfences' `<pre class="mermaid"><code>` with the source escaped once. Rewriting the first
into the second lets one code path label, wrap and load every diagram
(site_pages.wrap_diagrams, overrides/main.html), and keeps a `<` in a label
from being read as a tag.
"""

from __future__ import annotations

import html
import re

_NBCONVERT_MERMAID = re.compile(r'<div class="jp-Mermaid"><pre class="mermaid">\n?(?P<source>.*?)\n?</pre></div>', re.S)


def as_page_diagrams(content: str) -> str:
    """A notebook page's HTML with nbconvert's mermaid blocks in superfences' form."""
    return _NBCONVERT_MERMAID.sub(
        lambda match: f'<pre class="mermaid"><code>{html.escape(html.unescape(match.group("source")), quote=False)}</code></pre>',
        content)
