"""A random but reproducible MkDocs site, for comparing the link checker with
a real build.

Pages in folders and at the top, headings made of awkward words (accents,
punctuation, code, emphasis, duplicates), explicit ids in both attribute-list
forms, fenced code with ids, content tabs, raw HTML anchors and footnotes; and
on every page links labelled ``Lnnn`` to random pages and random fragments
(most of which do not exist), written as ``page.md``, ``page.md/``, directory
URLs and inside admonitions. Whether each one works is only known by
building the site, which is the point.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

MKDOCS_YML = """site_name: Random site
theme: {name: material}
markdown_extensions:
  - attr_list
  - md_in_html
  - footnotes
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed: {alternate_style: true}
  - toc: {permalink: true}
"""

WORDS = ["alpha", "Beta", "gamma", "Déjà", "vu", "über", "ctx.db", "API", "the", "setup", "run", "x_y", "a-b",
         "C++", "v1.2", "100%", "&", "Zoë"]
FRAGMENTS = ["alpha", "beta", "setup", "setup_1", "deja-vu", "uber", "ctxdb", "api", "the-code", "code3", "kv2",
             "raw4", "__tabbed_1_2", "zoe", "100", "v12", "x_y", "a-b", "c", "fn:1", "nope"]


def _heading(rng: random.Random) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    roll = rng.random()
    if roll < 0.15:
        return text.replace(" ", " `code` ", 1)
    if roll < 0.3:
        return f"*{text}*"
    return text


def _body(rng: random.Random, page: str) -> list[str]:
    lines = ["# " + _heading(rng), ""]
    for k in range(rng.randint(3, 8)):
        roll = rng.random()
        if roll < 0.2:
            lines += [f"## {_heading(rng)} {{ #{page.replace('/', '-')[:-3]}-id{k} }}", ""]
        elif roll < 0.3:
            lines += [f'## {_heading(rng)} {{ id="kv{k}" }}', ""]
        elif roll < 0.4:
            lines += [f"```py {{ .py #code{k} }}", "x = 1", "```", ""]
        elif roll < 0.5:
            lines += ['=== "One"', "", "    a", "", '=== "Two"', "", "    b", ""]
        elif roll < 0.55:
            lines += [f'<a id="raw{k}"></a>', ""]
        else:
            lines += ["## " + _heading(rng), ""]
    return lines


def write_random_site(root: Path, seed: int) -> int:
    """Write the site under ``root``; returns how many labelled links it has."""

    rng = random.Random(seed)
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    pages = [f"p{i}.md" if i % 3 else f"d{i}/index.md" for i in range(12)] + ["d1/sub.md", "index.md"]
    bodies = {page: _body(rng, page) for page in pages}
    label = 0
    for page, lines in bodies.items():
        for _ in range(rng.randint(8, 15)):
            label += 1
            target = os.path.relpath(rng.choice(pages), os.path.dirname(page) or ".")
            fragment = "#" + rng.choice(FRAGMENTS) if rng.random() < 0.6 else ""
            form = rng.random()
            name = f"L{label:03d}"
            if form < 0.1:  # the page's URL instead of its file
                url = target[: -len("index.md")] or "./" if target.endswith("index.md") else target[:-3] + "/"
                lines.append(f"- [{name}]({url}{fragment})")
            elif form < 0.15:  # page.md/ -- MkDocs normalises it away
                lines.append(f"- [{name}]({target}/{fragment})")
            elif form < 0.2:
                lines += ["", '!!! note "n"', "", f"    [{name}]({target}{fragment})", ""]
            else:
                lines.append(f"- [{name}]({target}{fragment})")
        lines += ["", "Note[^1].", "", "[^1]: A footnote.", ""]
        path = root / "docs" / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return label
