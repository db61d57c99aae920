"""Pages for AI assistants: a Markdown copy of every page, and /llms.txt listing them.

Following the llms.txt proposal (https://llmstxt.org/): llms.txt is Markdown
with the site's name, a one-line summary, and one section per part of the guide
listing each page's Markdown copy with its description. llms-full.txt holds
every page's Markdown in nav order, for tools that want everything at once.

The copies are made from each page's rendered HTML (so snippets are expanded
and notebooks carry their outputs) with markdownify; links stay as the site
renders them, relative to the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter


@dataclass(frozen=True)
class PageCopy:
    src_uri: str
    title: str
    url: str            # the page's URL, relative to the site root ("" for the home page)
    description: str
    markdown: str

    @property
    def copy_url(self) -> str:
        return f"{self.url}index.md"


def page_markdown(title: str, content_html: str) -> str:
    """A page's content HTML as Markdown, without the site's furniture (anchors, buttons, prompts)."""
    soup = BeautifulSoup(content_html, "html.parser")
    for tag in soup.select("a.headerlink, button, .jp-InputPrompt, .jp-OutputPrompt, .guide-notebook-banner, script, style"):
        tag.decompose()
    # Converting the tree itself: markdownify() would print it and parse the text again.
    body = MarkdownConverter(heading_style="ATX", bullets="-", code_language="").convert_soup(soup).strip()
    lines = [line.rstrip() for line in body.splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if not text.lstrip().startswith("# "):
        text = f"# {title}\n\n{text}"
    return text + "\n"


def sections(nav: list) -> list[tuple[str, list[str]]]:
    """(section title, page sources in order) for the top level of mkdocs.yml's nav."""
    grouped: list[tuple[str, list[str]]] = []
    loose: list[str] = []

    def targets(entries: list) -> list[str]:
        found = []
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            if isinstance(value, list):
                found.extend(targets(value))
            elif isinstance(value, str) and not value.startswith(("http://", "https://")):
                found.append(value)
        return found

    for entry in nav:
        if isinstance(entry, dict) and isinstance(next(iter(entry.values())), list):
            title, children = next(iter(entry.items()))
            grouped.append((title, targets(children)))
        else:
            loose.extend(targets([entry]))
    return ([("Overview", loose)] if loose else []) + grouped


def llms_txt(site_name: str, summary: str, site_url: str, nav: list, pages: dict[str, PageCopy]) -> str:
    lines = [f"# {site_name}", "", f"> {summary}", "",
             "Each link is a Markdown copy of a page of the site; "
             f"llms-full.txt has all of them in one file.", ""]
    for title, sources in sections(nav):
        listed = [pages[source] for source in sources if source in pages]
        if not listed:
            continue
        lines += [f"## {title}", ""]
        lines += [f"- [{page.title}]({urljoin(site_url, page.copy_url)}): {page.description}" for page in listed]
        lines.append("")
    return "\n".join(lines)


def llms_full_txt(site_name: str, summary: str, nav: list, pages: dict[str, PageCopy]) -> str:
    parts = [f"# {site_name}\n\n> {summary}\n"]
    for _, sources in sections(nav):
        parts += [pages[source].markdown for source in sources if source in pages]
    return "\n\n".join(parts)
