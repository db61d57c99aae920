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


def variant_config(tmp: Path, docs_dir: Path) -> Path:
    """Our own mkdocs.yml, pointed at another docs folder (for tests that break a page)."""
    text = (REPO / "mkdocs.yml").read_text()
    text = text.replace("docs_dir: docs", f"docs_dir: {docs_dir}")
    text = text.replace("  - src/guide_tools/mkdocs_hooks.py", f"  - {REPO / 'src/guide_tools/mkdocs_hooks.py'}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    # `watch` paths are relative to the config file; only `mkdocs serve` needs them.
    text = re.sub(r"\nwatch:\n(  - .*\n)+", "\n", text)
    config = tmp / "mkdocs.yml"
    config.write_text(text)
    return config
