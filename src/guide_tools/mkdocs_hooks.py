"""MkDocs hooks: the thin seam between the site and the notebook pipeline.

* Before each build, execute the notebooks (cached by content; see notebooks.py)
  and fail the build, naming notebook and cell, if one fails.
* Offer the executed copies to mkdocs-jupyter as pages under notebooks/, so the
  site shows outputs without mkdocs-jupyter executing anything.
* Ship mermaid from npm with the site: no page loads scripts from a CDN.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from guide_tools import notebooks

MERMAID = notebooks.REPO / "snippets" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
MERMAID_DEST = "assets/javascripts/mermaid.min.js"


def on_pre_build(config) -> None:
    if os.environ.get("GUIDE_SKIP_NOTEBOOKS") == "1":
        return
    try:
        notebooks.execute_all(log=lambda line: print(f"INFO    -  {line}"))
    except notebooks.NotebookError as error:
        raise PluginError(f"notebook execution failed: {error}") from None


def on_files(files: Files, config) -> Files:
    from mkdocs_jupyter.plugin import NotebookFile

    for source in notebooks.find_notebooks():
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


def on_post_build(config) -> None:
    if not MERMAID.is_file():
        raise PluginError(f"{MERMAID} is missing: run `make install` (npm ci in snippets/)")
    target = Path(config["site_dir"]) / MERMAID_DEST
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MERMAID, target)
