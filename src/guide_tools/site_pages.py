"""How the built site presents its pages: plain functions the MkDocs hooks call.

* Notebook order: the nav lists notebooks in the numeric order of their file
  names (01-, 02-, ... 10-, 11-), whatever order mkdocs.yml writes them in.
* Section index pages (`<section>/index.md`) end with a list of the section's
  pages, each with the one-line `description` from its front matter (for a
  notebook, the first paragraph under its title) and, for a notebook, its run time.
* Diagrams: every mermaid block must declare `accTitle` and `accDescr`; it is
  wrapped in a <figure> whose caption is the title and description (its source
  is kept out of the search index), with an "Enlarge" button.
* Notebook pages: JupyterLab's inline CSS and scripts removed (the site ships one
  cached stylesheet instead), code shown as Material code blocks (with its copy
  button), prompts/inputs/outputs kept out of the search index, plots recoloured
  to follow the colour scheme, and a banner with a download link for the notebook
  and a link to the page on running the notebooks.

Everything here works on strings and plain data, so tests can call it directly.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from bs4 import BeautifulSoup

from .plots import INK

RUN_YOURSELF = "notebooks/run-yourself.md"
# Pages about one topic each: search ranks them above passing mentions elsewhere.
TOPIC_SECTIONS = ("principles/", "patterns/", "architecture/")


class SiteError(ValueError):
    """A page breaks one of the site's rules; the message names the page."""


# ---- Notebook order ---------------------------------------------------------------

def notebook_number(path: str) -> int | None:
    """The number a notebook's file name starts with (`notebooks/10-x.ipynb` -> 10)."""
    match = re.match(r"(\d+)", PurePosixPath(path).name)
    return int(match.group(1)) if match and path.endswith(".ipynb") else None


def _target(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        value = next(iter(entry.values()))
        return value if isinstance(value, str) else None
    return None


def order_notebooks(nav: list) -> list:
    """The nav with the notebooks of each section in numeric order, other entries where they were."""
    ordered = []
    for entry in nav:
        if isinstance(entry, dict) and len(entry) == 1 and isinstance(next(iter(entry.values())), list):
            title, children = next(iter(entry.items()))
            entry = {title: order_notebooks(children)}
        ordered.append(entry)
    slots = [i for i, entry in enumerate(ordered) if notebook_number(_target(entry) or "") is not None]
    by_number = sorted((ordered[i] for i in slots), key=lambda e: notebook_number(_target(e)))
    for slot, entry in zip(slots, by_number):
        ordered[slot] = entry
    return ordered


# ---- Section index lists ----------------------------------------------------------

@dataclass(frozen=True)
class Listed:
    title: str
    path: str          # relative to docs/ (or notebooks/ for a notebook)
    summary: str
    run_seconds: float | None = None


def section_children(nav: list, index_path: str) -> list[tuple[str, str]] | None:
    """(title, path) of the pages in the nav section whose index page is `index_path`."""
    for entry in nav:
        if isinstance(entry, dict) and len(entry) == 1 and isinstance(next(iter(entry.values())), list):
            children = next(iter(entry.values()))
            targets = [_target(child) for child in children]
            if index_path in targets:
                return [(next(iter(child.keys())) if isinstance(child, dict) else None, target)
                        for child, target in zip(children, targets) if target and target != index_path]
            found = section_children(children, index_path)
            if found is not None:
                return found
    return None


def front_matter(markdown: str) -> dict[str, Any]:
    import yaml

    match = re.match(r"---\n(.*?)\n---\n", markdown, re.S)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def notebook_summary(notebook: dict) -> tuple[str | None, str]:
    """(title, first paragraph) of a notebook: its H1 (without the number) and the text under it."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        blocks = [b.strip() for b in source.split("\n\n") if b.strip()]
        title = None
        if blocks and blocks[0].startswith("# "):
            title = re.sub(r"^#\s+(\d+\.\s*)?", "", blocks.pop(0).splitlines()[0])
        paragraph = next((b for b in blocks if not b.startswith(("#", "-", "*", "|", "!", "`"))), "")
        return title, " ".join(paragraph.split())
    return None, ""


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def section_list_markdown(items: list[Listed], index_path: str) -> str:
    """Markdown for the list of a section's pages, linked relative to the index page."""
    base = PurePosixPath(index_path).parent
    lines = ["", "## Pages in this section", ""]
    for item in items:
        link = _relative(PurePosixPath(item.path), base)
        extra = f" *Runs in about {_duration(item.run_seconds)}.*" if item.run_seconds else ""
        lines.append(f"- [{item.title}]({link}): {item.summary}{extra}")
    return "\n".join(lines) + "\n"


def _relative(path: PurePosixPath, base: PurePosixPath) -> str:
    parts = path.parts
    common = 0
    while common < len(base.parts) and common < len(parts) - 1 and base.parts[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(base.parts) - common) + list(parts[common:]))


def _duration(seconds: float) -> str:
    return f"{round(seconds)} s" if seconds < 90 else f"{round(seconds / 60)} min"


def listed_pages(children: list[tuple[str | None, str]], docs_dir: Path, executed_dir: Path) -> list[Listed]:
    """Each child page's title, summary and (for notebooks) run time, read from its source."""
    items = []
    for title, path in children:
        if path.endswith(".ipynb"):
            executed = executed_dir / PurePosixPath(path).name
            notebook = json.loads(executed.read_text(encoding="utf-8"))
            nb_title, paragraph = notebook_summary(notebook)
            seconds = notebook.get("metadata", {}).get("guide", {}).get("seconds")
            items.append(Listed(title or nb_title or path, path, first_sentence(paragraph), seconds))
            continue
        source = (docs_dir / path).read_text(encoding="utf-8")
        meta = front_matter(source)
        description = meta.get("description")
        if not description:
            raise SiteError(f"{path}: a page listed on its section's index needs a `description:` "
                            "in its front matter (one line saying what the page gives the reader)")
        heading = re.search(r"^# (.+)$", source, re.M)
        items.append(Listed(title or meta.get("title") or (heading.group(1) if heading else path), path,
                            " ".join(str(description).split())))
    return items


# ---- Diagrams ---------------------------------------------------------------------

MERMAID_BLOCK = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.S)


def diagram_labels(source: str) -> tuple[str | None, str | None]:
    """accTitle and accDescr of a mermaid diagram (single-line or `accDescr { ... }`)."""
    title = re.search(r"^\s*accTitle\s*:\s*(.+?)\s*$", source, re.M)
    single = re.search(r"^\s*accDescr\s*:\s*(.+?)\s*$", source, re.M)
    block = re.search(r"^\s*accDescr\s*\{(.*?)\}", source, re.M | re.S)
    description = single.group(1) if single else (" ".join(block.group(1).split()) if block else None)
    return (title.group(1) if title else None), description


def wrap_diagrams(content: str, page_path: str) -> str:
    """Each mermaid block inside a captioned, zoomable figure; a diagram without labels fails the build."""
    count = 0

    def wrap(match: re.Match) -> str:
        nonlocal count
        count += 1
        title, description = diagram_labels(html.unescape(match.group(1)))
        if not title or not description:
            raise SiteError(f"{page_path}: diagram {count} needs `accTitle:` and `accDescr:` lines "
                            "(its accessible name and description)")
        return (f'<figure class="guide-diagram">'
                # The caption says what the diagram shows; its mermaid source is noise to search.
                f'<div class="guide-diagram__frame" data-search-exclude>{match.group(0)}</div>'
                f'<figcaption><strong>{html.escape(title)}.</strong> {html.escape(description)}</figcaption>'
                f'<button type="button" class="guide-diagram__zoom" aria-expanded="false">Enlarge diagram</button>'
                f'</figure>')

    return MERMAID_BLOCK.sub(wrap, content)


# ---- Notebook pages ---------------------------------------------------------------

def notebook_banner(notebook_name: str, run_yourself_href: str) -> str:
    return (f'<div class="admonition tip guide-notebook-banner">'
            f'<p class="admonition-title">Run this notebook yourself</p>'
            f'<p><a href="{html.escape(notebook_name)}" download>Download {html.escape(notebook_name)}</a> '
            f'(with the outputs shown here), then follow '
            f'<a href="{html.escape(run_yourself_href)}">Run the notebooks yourself</a>: '
            f'<code>git clone</code>, <code>make lab</code>, and optionally <code>CONVEX_URL</code> '
            f'for a real deployment.</p></div>')


def clean_notebook_html(content: str, notebook_name: str, run_yourself_href: str) -> str:
    """A notebook page's HTML as the site wants it (see the module docstring)."""
    soup = BeautifulSoup(content, "html.parser")
    for tag in soup.find_all(["style", "script"]):
        tag.decompose()
    # The copy button's hidden source text: Material's own copy button replaces both.
    for tag in soup.select(".zeroclipboard-container, .clipboard-copy-txt, .jp-Collapser"):
        tag.decompose()
    for tag in soup.select("[tabindex]"):
        del tag["tabindex"]
    for block in soup.select("div.highlight-ipynb"):
        block["class"] = ["highlight"] + [c for c in block["class"] if c != "highlight-ipynb"]
        pre = block.find("pre")
        if pre is not None and pre.find("code", recursive=False) is None:
            code = soup.new_tag("code")
            for child in list(pre.children):
                code.append(child.extract())
            pre.append(code)
    # Prompts and code are page furniture for search: readers search for the
    # prose, and the page about a topic should outrank a cell that imports it.
    for tag in soup.select(".jp-InputPrompt, .jp-OutputPrompt"):
        tag["aria-hidden"] = "true"
        tag["data-search-exclude"] = ""
    for tag in soup.select(".jp-CodeCell .jp-InputArea, .jp-OutputArea"):
        tag["data-search-exclude"] = ""
    for anchor in soup.select("a.anchor-link"):
        anchor["class"] = ["headerlink"]
        anchor["data-search-exclude"] = ""
        anchor["aria-label"] = "Link to this section"
    # nbconvert embeds SVG outputs as <img src="data:...">, which CSS cannot recolour
    # and which loses the SVG's own label: put our (trusted, generated) SVG inline.
    for image in soup.select('img[src^="data:image/svg+xml;base64,"]'):
        svg = base64.b64decode(image["src"].split(",", 1)[1]).decode("utf-8")
        if 'role="img"' in svg:
            image.replace_with(BeautifulSoup(svg, "html.parser"))
    if soup.select_one('img[alt="No description has been provided for this image"]') is not None:
        raise SiteError(f"{notebook_name}: an output image has no description; plots go through "
                        "guide_tools.plots (SVG with alt text), other images need alt text")
    banner = BeautifulSoup(notebook_banner(notebook_name, run_yourself_href), "html.parser")
    title = soup.find("h1")
    if title is not None:
        title.insert_after(banner)  # under the title, where a reader looks first
    else:
        soup.insert(0, banner)
    return str(soup).replace(INK, "currentColor")


def notebook_description(content: str) -> str:
    """The first paragraph of a notebook page as plain text, for its meta description."""
    soup = BeautifulSoup(content, "html.parser")
    paragraph = soup.select_one(".jp-MarkdownCell p")
    return " ".join(paragraph.get_text().split()) if paragraph else ""
