"""Building the site for tests: once per session, into a temporary folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def run_mkdocs(config: Path, site_dir: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )


def small_site(tmp: Path, pages: dict[str, str]) -> Path:
    """Our own mkdocs.yml (theme, plugins, hooks, Markdown extensions, validation) over a test's own few pages.

    The nav lists just these pages and no notebook is mounted, so a strict build takes
    seconds instead of the whole guide's minutes; what MkDocs, the snippets extension and
    our hooks do with a page is what they do on the real site. Returns the config file."""
    docs = tmp / "docs"
    for path, text in pages.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
    no_notebooks = tmp / "no-notebooks"
    no_notebooks.mkdir()
    text = (REPO / "mkdocs.yml").read_text()
    text = text.replace("docs_dir: docs", f"docs_dir: {docs}")
    text = re.sub(r"\nnav:\n(?:[ #].*\n|\n)*", "\nnav:\n" + "".join(f"  - {path}\n" for path in pages) + "\n", text)
    text = text.replace("  - src/guide_tools/mkdocs_hooks.py", f"  - {REPO / 'src/guide_tools/mkdocs_hooks.py'}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    # `watch` paths are relative to the config file; only `mkdocs serve` needs them.
    text = re.sub(r"\nwatch:\n(  - .*\n)+", "\n", text)
    text += f"\nextra:\n  guide_notebooks: {no_notebooks}\n"
    config = tmp / "mkdocs.yml"
    config.write_text(text)
    return config
