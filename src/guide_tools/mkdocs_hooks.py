"""MkDocs hooks: the thin seam between the site and the notebook pipeline.

* Before each build, execute the notebooks (cached by content; see notebooks.py)
  and fail the build, naming notebook and cell, if one fails.
* Offer the executed copies to mkdocs-jupyter as pages under notebooks/, so the
  site shows outputs without mkdocs-jupyter executing anything.
* Ship mermaid from npm with the site: no page loads scripts from a CDN.
* Present pages as site_pages.py says: notebooks in numeric order, section
  indexes listing their pages, labelled diagrams, lean notebook pages.
* Write a Markdown copy of each page and /llms.txt for AI assistants (llms.py).
"""

from __future__ import annotations

import os
import shutil
from html import escape
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from guide_tools import facts, llms, notebook_links, notebook_mermaid, notebooks, site_pages

MERMAID = notebooks.REPO / "snippets" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
MERMAID_DEST = "assets/javascripts/mermaid.min.js"

# Markdown copies of this build's pages, by source path, for llms.txt.
page_copies: dict[str, llms.PageCopy] = {}


def on_config(config):
    config["nav"] = site_pages.order_notebooks(config["nav"])
    return config


def on_pre_build(config) -> None:
    page_copies.clear()
    if os.environ.get("GUIDE_SKIP_NOTEBOOKS") == "1":
        return
    try:
        notebooks.execute_all(log=lambda line: print(f"INFO    -  {line}"))
    except notebooks.NotebookError as error:
        raise PluginError(f"notebook execution failed: {error}") from None


def on_files(files: Files, config) -> Files:
    from mkdocs_jupyter.plugin import NotebookFile

    # `extra.guide_notebooks` in mkdocs.yml: another notebooks folder (the tests' small sites name an empty one).
    folder = config["extra"].get("guide_notebooks")
    for source in notebooks.find_notebooks(Path(folder) if folder else notebooks.NOTEBOOKS):
        executed = notebooks.OUTPUT / source.name
        if not executed.is_file():
            raise PluginError(f"{source.name} has not been executed: run `make notebooks` "
                              "(or build without GUIDE_SKIP_NOTEBOOKS=1)")
        page = File(f"notebooks/{source.name}", src_dir=str(notebooks.OUTPUT.parent),
                    dest_dir=config["site_dir"], use_directory_urls=config["use_directory_urls"])
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(NotebookFile(page, **config))
    return files


def _is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def on_page_markdown(markdown: str, page, config, files) -> str:
    path = page.file.src_uri
    if PurePosixPath(path).name != "index.md" or "/" not in path:
        return markdown
    children = site_pages.section_children(config["nav"], path)
    if not children:
        return markdown
    try:
        items = site_pages.listed_pages(children, Path(config["docs_dir"]), notebooks.OUTPUT)
    except site_pages.SiteError as error:
        raise PluginError(str(error)) from None
    return markdown + site_pages.section_list_markdown(items, path)


def on_page_content(html: str, page, config, files) -> str:
    try:
        if _is_notebook(page):
            html = notebook_mermaid.as_page_diagrams(html)
        html = site_pages.wrap_diagrams(html, page.file.src_uri)
        if not _is_notebook(page):
            if page.file.src_uri.startswith(site_pages.TOPIC_SECTIONS):
                page.meta.setdefault("search", {}).setdefault("boost", 2)
            return html
        name = PurePosixPath(page.file.src_uri).name
        page.meta["description"] = site_pages.notebook_description(html) or config["site_description"]
        # Notebook prose is indexed, but the page about a topic should rank above a notebook mentioning it.
        page.meta["search"] = {"boost": 0.5}
        if page.edit_url:  # it points into docs/; the notebook's source lives in notebooks/
            page.edit_url = page.edit_url.rsplit("/docs/", 1)[0] + f"/notebooks/{name}"
        run_yourself = files.get_file_from_path(site_pages.RUN_YOURSELF)
        href = run_yourself.url_relative_to(page.file) if run_yourself else "../"
        # Markdown pages get this line from the macros plugin, which never sees a notebook.
        checked = (f'<hr><p><small class="guide-checked">Convex facts on this page were checked against '
                   f'{escape(facts.checked_against())} (the guide\'s facts registry, <code>facts/convex.yml</code>).'
                   f'</small></p>')
        # Before the banner goes in: its download link names the .ipynb file on purpose.
        html = notebook_links.rewrite_for_site(html, name)
        return site_pages.clean_notebook_html(html, name, href) + checked
    except site_pages.SiteError as error:
        raise PluginError(str(error)) from None


def on_post_page(output: str, page, config) -> str:
    description = page.meta.get("description") or config["site_description"]
    title = page.meta.get("title") or page.title or config["site_name"]
    copy = llms.PageCopy(page.file.src_uri, title, page.url, " ".join(str(description).split()),
                         llms.page_markdown(title, page.content))
    page_copies[copy.src_uri] = copy
    target = Path(config["site_dir"]) / copy.copy_url
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(copy.markdown, encoding="utf-8")
    return output


def on_post_build(config) -> None:
    if not MERMAID.is_file():
        raise PluginError(f"{MERMAID} is missing: run `make install` (npm ci in snippets/)")
    target = Path(config["site_dir"]) / MERMAID_DEST
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MERMAID, target)
    # Source maps are for debugging Material itself; readers never need the megabyte.
    for source_map in Path(config["site_dir"]).rglob("*.map"):
        source_map.unlink()
    site = Path(config["site_dir"])
    name, summary, url = config["site_name"], config["site_description"], config["site_url"] or "/"
    (site / "llms.txt").write_text(llms.llms_txt(name, summary, url, config["nav"], page_copies), encoding="utf-8")
    (site / "llms-full.txt").write_text(llms.llms_full_txt(name, summary, config["nav"], page_copies),
                                        encoding="utf-8")
