"""Links in notebooks that work in JupyterLab and on the site.

A reader works through the notebooks in JupyterLab (`make lab`, rooted at
notebooks/), and the site shows the same cells as pages. One scheme serves
both:

* a guide page is linked by its **published address**, `site_url` from
  mkdocs.yml plus the page's path (`…/principles/data-model-first/`): it opens
  the rendered page from JupyterLab, and the site build turns it into a link
  relative to the notebook's page;
* another notebook is linked by its **file name** (`02-indexes.ipynb`):
  JupyterLab opens it, the site build turns it into that notebook's page;
* any other repository file (a solution) is linked by its **path relative to
  the notebook** (`solutions/01-data-model.py`): JupyterLab opens it, the site
  build turns it into the file's page in the repository.

`resolve` says what a link points to, offline, for the test that checks every
notebook link; `rewrite_for_site` is what the MkDocs hook applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat
from markdown.extensions.toc import slugify

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
NOTEBOOKS = REPO / "notebooks"

# mkdocs.yml reads both from the environment with a default: `!ENV [NAME, "default"]`.
_CONFIG_VALUE = r'^{key}:\s*(?:!ENV\s*\[\s*\w+\s*,\s*)?"?([^"\]\s]+)"?'
_MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
_ANCHOR_HREF = re.compile(r'(?P<start><a\s[^>]*?href=")(?P<target>[^"]+)"')
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*(?:\{#(?P<id>[\w-]+)[^}]*\})?\s*$", re.M)
_NOTEBOOK_NAME = re.compile(r"^\d\d-[\w-]+\.ipynb$")


class LinkError(ValueError):
    """A notebook link that points nowhere; the message names the link and why."""


def _config_value(key: str) -> str:
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(_CONFIG_VALUE.format(key=key), text, re.M)
    if match is None:
        raise LinkError(f"mkdocs.yml has no {key}")
    return match.group(1)


SITE_URL = _config_value("site_url").rstrip("/") + "/"
REPO_URL = _config_value("repo_url").rstrip("/")


def page_url(page: str, anchor: str = "") -> str:
    """The published address of a guide page, e.g. page_url("principles/security")."""
    return SITE_URL + page.strip("/") + "/" + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class Target:
    """Where a link lands: a file of the repository and, optionally, a heading in it."""

    path: Path
    anchor: str = ""


def links_in(markdown: str) -> list[str]:
    return [match.group("target") for match in _MARKDOWN_LINK.finditer(markdown)]


def _markdown_anchors(text: str) -> set[str]:
    anchors = set()
    for match in _HEADING.finditer(text):
        anchors.add(match.group("id") or slugify(re.sub(r"[`*]", "", match.group("title")), "-"))
    return anchors


def _notebook_anchors(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    # mkdocs-jupyter keeps the heading text with spaces as hyphens; the toc slug is accepted too.
    anchors = _markdown_anchors(text)
    anchors |= {match.group("title").replace(" ", "-") for match in _HEADING.finditer(text)}
    return anchors


def _anchors_of(path: Path) -> set[str]:
    if path.suffix == ".ipynb":
        return _notebook_anchors(path)
    if path.suffix == ".md":
        return _markdown_anchors(path.read_text(encoding="utf-8"))
    return set()


def _site_page(path: str) -> Path | None:
    """The source of the published page at `path` (relative to site_url)."""
    path = path.strip("/")
    if path.startswith("notebooks/") and path.count("/") == 1:
        notebook = NOTEBOOKS / (path.split("/", 1)[1] + ".ipynb")
        if notebook.is_file():
            return notebook
    for candidate in (DOCS / f"{path}.md", DOCS / path / "index.md") if path else (DOCS / "index.md",):
        if candidate.is_file():
            return candidate
    return None


def resolve(target: str, notebook: Path) -> Target | None:
    """What `target`, written in `notebook`, points to; None for another website (not checked offline).

    Raises LinkError for a link that points nowhere or is written in a form that
    only works in one of JupyterLab and the site.
    """
    address, _, anchor = target.partition("#")
    if address.startswith(SITE_URL):
        source = _site_page(address[len(SITE_URL):])
        if source is None:
            raise LinkError(f"{target}: no page of the guide is published there")
    elif re.match(r"^[a-z]+:", address):
        return None
    elif address.startswith("/") or (address.endswith("/") and address.startswith("..")):
        raise LinkError(f"{target}: a site-relative link is dead in JupyterLab; link the page by its "
                        f"published address ({SITE_URL}…)")
    elif not address:
        source = notebook
    else:
        source = (notebook.parent / address).resolve()
        if not source.is_file():
            raise LinkError(f"{target}: no such file next to {notebook.name}")
        if source.suffix == ".md" and DOCS in source.parents:
            raise LinkError(f"{target}: JupyterLab would show the page's Markdown source; link it by its "
                            f"published address ({SITE_URL}…)")
        if REPO not in source.parents:
            raise LinkError(f"{target}: points outside the repository")
    if anchor and anchor not in _anchors_of(source):
        raise LinkError(f"{target}: {source.relative_to(REPO)} has no heading #{anchor}")
    return Target(source, anchor)


def site_href(target: str, notebook_name: str) -> str:
    """The address `target` (as written in the notebook `notebook_name`) gets on the site.

    The notebook's page is published at notebooks/<name>/ , two levels under the site root.
    """
    address, hash_, anchor = target.partition("#")
    if address.startswith(SITE_URL):
        return "../../" + address[len(SITE_URL):] + hash_ + anchor
    if re.match(r"^[a-z]+:", address) or not address or address.startswith("/"):
        return target
    if _NOTEBOOK_NAME.match(address):
        return "../" + address.removesuffix(".ipynb") + "/" + hash_ + anchor
    repo_path = PurePosixPath("notebooks", address)
    parts: list[str] = []
    for part in repo_path.parts:
        if part == "..":
            parts.pop()
        else:
            parts.append(part)
    return f"{REPO_URL}/blob/main/{'/'.join(parts)}" + hash_ + anchor


def rewrite_for_site(html: str, notebook_name: str) -> str:
    """A notebook page's HTML with every link rewritten by `site_href`."""
    return _ANCHOR_HREF.sub(lambda match: f'{match.group("start")}{site_href(match.group("target"), notebook_name)}"',
                            html)


def notebook_sequence() -> list[Path]:
    return sorted(path for path in NOTEBOOKS.glob("*.ipynb") if _NOTEBOOK_NAME.match(path.name))


def title_of(notebook: Path) -> str:
    nb = nbformat.read(notebook, as_version=4)
    first = nb.cells[0].source.splitlines()[0] if nb.cells else notebook.stem
    return first.lstrip("# ").strip()


def previous_next_markdown(notebook: Path) -> str:
    """The "Previous / Next" line of a notebook, linking its neighbours by file name."""
    sequence = notebook_sequence()
    index = [path.name for path in sequence].index(notebook.name)
    parts = []
    if index > 0:
        parts.append(f"← Previous: [{title_of(sequence[index - 1])}]({sequence[index - 1].name})")
    parts.append(f"[All notebooks]({page_url('notebooks')})")
    if index + 1 < len(sequence):
        parts.append(f"Next: [{title_of(sequence[index + 1])}]({sequence[index + 1].name}) →")
    return " · ".join(parts)
