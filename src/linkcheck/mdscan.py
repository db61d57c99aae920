"""Markdown: the links a page contains and the headings it defines.

markdown-it-py does the parsing, so code spans, fenced and indented code,
reference definitions and HTML are told apart exactly as a CommonMark renderer
would. Two MkDocs/Python-Markdown habits are bridged first, keeping every line
where it was so line numbers stay true:

* admonitions (``!!! note``), collapsibles (``??? tip``) and content tabs
  (``=== "Tab"``) indent their body by four spaces; CommonMark would call that
  an indented code block and hide its links, so the bodies are dedented;
* Python-Markdown accepts ``#Heading`` without a space; CommonMark does not;
* Python-Markdown keeps a block-level HTML element raw up to its closing tag,
  blank lines included (CommonMark ends it at the first blank line and reads
  the rest as Markdown), unless md_in_html and a ``markdown`` attribute say
  otherwise: blank lines inside such an element are held (filled with an HTML
  comment) so the element stays one HTML block, and ``[x](y)`` text in it is
  not taken for a link the built page will not have.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .comments import find_urls
from .htmlscan import scan_html
from .model import Kind

_BLOCK_MARKER = re.compile(r"^(?P<indent>[ ]*)(?:!!!|\?\?\?\+?|===(?:\+|\+!|!\+|!)?)(?:[ \t]|$)")
_FENCE_OPEN = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})")
_ATX_NO_SPACE = re.compile(r"^(?P<indent>[ ]{0,3})(?P<hashes>#{1,6})(?=[^#\s])")
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^}\n]*?)[ \t]*\}")
_ATTR_LIST_AT_END = re.compile(r"[ \t]*\{:?[ \t]*([^}\n]*?)[ \t]*\}[ \t]*$")
# attr_list ids: `#id`, or the key/value form `id="x"`, `id='x'`, `id=x`
_ATTR_ID = re.compile(r"""(?:^|[ \t])(?:#([^\s}#.]+)|id=(?:"([^"]*)"|'([^']*)'|([^\s"'}=]+)))""")
# a fence's info string: `sh { .sh #example }`, `{ .sh #example }`, `{.sh #example}`
_FENCE_ATTRS = re.compile(r"\{([^}\n]*)\}")
# pymdownx.tabbed: `=== "Title"`; `!` starts a new set of tabs, `+` selects the tab
_TAB = re.compile(r'^(?P<indent>[ ]*)===(?P<flags>\+|\+!|!\+|!)?[ ]+"(?P<title>.*?)"[ ]*$')
_FOOTNOTE_DEF = re.compile(r"^[ ]{0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
_SNIPPET_INLINE = re.compile(r"""^[ \t]*(?P<esc>;?)-{1,}8<-{1,}[ \t]+(?P<q>["'])(?P<path>[^"']+)(?P=q)""")
_SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")


@dataclass
class FoundLink:
    target: str
    line: int  # 0-based line in the scanned text
    kind: Kind


@dataclass
class MarkdownScan:
    links: list[FoundLink] = field(default_factory=list)
    # (level, plain text, explicit {#id} or None, 0-based line)
    headings: list[tuple[int, str, str | None, int]] = field(default_factory=list)
    attr_ids: set[str] = field(default_factory=set)  # {#id} on anything but headings
    html_ids: set[str] = field(default_factory=set)  # id= / <a name=> in raw HTML
    footnote_ids: set[str] = field(default_factory=set)
    includes: list[FoundLink] = field(default_factory=list)  # --8<-- targets
    #: ids on fenced code blocks: real ids, but stashed away from toc's view,
    #: so they do not make heading slugs unique the way other ids do
    code_ids: set[str] = field(default_factory=set)
    #: pymdownx.tabbed tabs: (0-based line, tab set number from 1, title)
    tabs: list[tuple[int, int, str]] = field(default_factory=list)


def attr_list_ids(attrs: str) -> list[str]:
    """The ids an attribute list (the text between its braces) sets, in order."""

    return [next(group for group in match if group) for match in _ATTR_ID.findall(attrs) if any(match)]


def tab_titles(lines: list[str]) -> list[tuple[int, int, str]]:
    """pymdownx.tabbed tabs with the number of the set each belongs to:
    consecutive ``===`` blocks at one indent form a set, unless ``!`` starts a
    new one or other content at that indent ends it."""

    tabs: list[tuple[int, int, str]] = []
    open_sets: dict[int, int] = {}  # indent -> set number
    sets = 0
    fence: Fence | None = None
    for idx, line in enumerate(lines):
        fence_before = fence
        fence, _ = in_fence(line.lstrip(" "), fence)  # fences in tab bodies are indented
        if fence_before is not None or not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        for level in [lvl for lvl in open_sets if lvl >= indent]:
            if not (level == indent and _TAB.match(line)):
                del open_sets[level]  # content at this indent: the set is over
        tab = _TAB.match(line)
        if tab:
            if indent not in open_sets or "!" in (tab.group("flags") or ""):
                sets += 1
                open_sets[indent] = sets
            tabs.append((idx, open_sets[indent], tab.group("title")))
    return tabs


Fence = tuple[str, int]  # the fence character and how many of it opened the block


def in_fence(line: str, fence: Fence | None) -> tuple[Fence | None, bool]:
    """One step through fenced code: the fence open after ``line``, and
    whether ``line`` itself belongs to a fence (opens, continues or closes it)."""

    if fence is not None:
        stripped = line.strip()
        closes = stripped.startswith(fence[0] * fence[1]) and set(stripped) == {fence[0]}
        return (None if closes else fence), True
    opened = _FENCE_OPEN.match(line)
    if opened:
        return (opened.group("fence")[0], len(opened.group("fence"))), True
    return None, False


def unwrap_indented_blocks(lines: list[str]) -> list[str]:
    """Dedent the bodies of admonitions / tabs / details by four spaces and
    blank their marker lines. Line count is unchanged. Nested blocks work
    because a dedented body is scanned again as the loop moves on."""

    out = list(lines)
    i = 0
    fence: tuple[str, int] | None = None
    while i < len(out):
        line = out[i]
        fence, fenced = in_fence(line, fence)
        if fenced:
            i += 1
            continue
        marker = _BLOCK_MARKER.match(line)
        if marker:
            indent = len(marker.group("indent"))
            body_prefix = " " * (indent + 4)
            out[i] = ""
            j = i + 1
            while j < len(out) and (out[j].strip() == "" or out[j].startswith(body_prefix)):
                if out[j].startswith(body_prefix):
                    out[j] = out[j][:indent] + out[j][indent + 4:]
                j += 1
        i += 1
    return out


# Python-Markdown's block-level elements (markdown.util.BLOCK_LEVEL_ELEMENTS)
# that have a closing tag (hr is void: it cannot hold anything)
_RAW_BLOCK_TAGS = (
    "address|article|aside|blockquote|details|div|dl|fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|"
    "main|menu|nav|ol|p|pre|section|table|ul|canvas|colgroup|dd|body|dt|group|html|iframe|li|legend|math|map|"
    "noscript|output|object|option|progress|script|style|summary|tbody|td|textarea|tfoot|th|thead|tr|video|center"
)
_RAW_BLOCK_START = re.compile(r"^[ ]{0,3}<(?P<tag>%s)(?=[\s/>])(?P<attrs>[^>]*)>" % _RAW_BLOCK_TAGS, re.IGNORECASE)
_MARKDOWN_ATTR = re.compile(r"(?:^|\s)markdown(?:\s*=|\s|$)", re.IGNORECASE)
_HELD_BLANK = "<!-- -->"


def _element_ends(lines: list[str], tag: str) -> dict[int, int]:
    """For each line where a ``tag`` element opens, the line where it closes
    again (nesting counted), for all of them in one pass: a page of ten
    thousand unclosed ``<p>`` must not be scanned to its end ten thousand times.

    With ``depth[m]`` the number of open ``tag`` elements after the m-th line
    that changes it, an element opened there closes at the first later line
    whose depth is back at or below the depth before it: the "next smaller or
    equal element", found for every line at once with a stack."""

    opens = re.compile(r"<%s(?=[\s/>])[^>]*?(/?)>" % tag, re.IGNORECASE)
    closes = re.compile(r"</%s\s*>" % tag, re.IGNORECASE)
    ends: dict[int, int] = {}
    changing: list[int] = []  # lines that open or close more than they close or open
    depth = [0]  # depth[k]: depth before changing[k]; depth[k + 1]: after it
    for number, line in enumerate(lines):
        if "<" not in line:
            continue
        opened = sum(1 for m in opens.finditer(line) if not m.group(1))
        delta = opened - len(closes.findall(line))
        if delta:
            changing.append(number)
            depth.append(depth[-1] + delta)
        elif opened:
            ends[number] = number  # opens and closes on the same line
    stack: list[int] = []
    for k in range(len(depth) - 1, -1, -1):
        while stack and depth[stack[-1]] > depth[k]:
            stack.pop()
        if stack and k < len(changing):
            ends[changing[k]] = changing[stack[-1] - 1]
        stack.append(k)
    return ends


def hold_raw_html_blocks(lines: list[str], md_in_html: bool) -> list[str]:
    """Fill the blank lines inside raw block-level HTML elements (see the
    module docstring). Line count is unchanged."""

    out = list(lines)
    ends_by_tag: dict[str, dict[int, int]] = {}
    i = 0
    fence: tuple[str, int] | None = None
    while i < len(out):
        line = out[i]
        fence, fenced = in_fence(line, fence)
        if fenced:
            i += 1
            continue
        start = _RAW_BLOCK_START.match(line)
        if not start or (md_in_html and _MARKDOWN_ATTR.search(start.group("attrs"))):
            i += 1
            continue
        tag = start.group("tag").lower()
        if tag not in ends_by_tag:
            ends_by_tag[tag] = _element_ends(out, tag)
        end = ends_by_tag[tag].get(i)
        if end is None:  # never closed: leave it to the CommonMark rules
            i += 1
            continue
        for j in range(i + 1, end):
            if not out[j].strip():
                out[j] = _HELD_BLANK
        i = end + 1
    return out


def fix_atx_headings(lines: list[str]) -> list[str]:
    """``#Title`` is a heading to Python-Markdown; give CommonMark its space."""

    out: list[str] = []
    fence: str | None = None
    for line in lines:
        opened = _FENCE_OPEN.match(line)
        if fence is None and opened:
            fence = opened.group("fence")[0] * 3
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None and not line.startswith("    "):
            line = _ATX_NO_SPACE.sub(lambda m: f"{m.group('indent')}{m.group('hashes')} ", line)
        out.append(line)
    return out


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin)
    # Keep footnote definitions where they are written (the tail rule moves
    # referenced ones to the end and drops the rest): their links are links too.
    md.core.ruler.disable("footnote_tail")
    # Keep destinations exactly as written: no percent-encoding, and nothing is
    # rejected (javascript: etc. are reported as skipped, not silently lost).
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.normalizeLinkText = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


class MarkdownScanner:
    """Reusable (the parser is built once); not thread-safe."""

    def __init__(self, emoji: bool = False, snippets: bool = False, md_in_html: bool = True,
                 raw_html_blocks: bool = False, attr_list: bool = True) -> None:
        """``raw_html_blocks``: Python-Markdown's rule for block-level HTML
        (MkDocs pages); off, CommonMark's (GitHub). ``md_in_html``: a
        ``markdown`` attribute makes the element's content Markdown again.
        ``attr_list``: ``{ #id }`` sets ids; without the extension it is text
        (and part of a heading's slug)."""

        self._md = _parser()
        self._emoji = emoji
        self._snippets = snippets
        self._md_in_html = md_in_html
        self._attr_list = attr_list
        self._raw_html_blocks = raw_html_blocks

    def scan(self, text: str) -> MarkdownScan:
        raw_lines = text.split("\n")
        lines = unwrap_indented_blocks(raw_lines)
        if self._raw_html_blocks:
            lines = hold_raw_html_blocks(lines, self._md_in_html)
        lines = fix_atx_headings(lines)
        env: dict = {}
        tokens = self._md.parse("\n".join(lines), env)
        result = MarkdownScan()
        ref_hrefs: set[str] = set()
        for ref in (env.get("references") or {}).values():
            href = ref.get("href", "")
            ref_hrefs.add(href)
            line = (ref.get("map") or [0])[0]
            # the definition may span lines ("[x]:\n  url"): use the line with the url
            line = self._line_with(raw_lines, href, line, (ref.get("map") or [line, line + 1])[1]) or line
            result.links.append(FoundLink(href, line, Kind.REFERENCE))
        self._walk(tokens, raw_lines, result, ref_hrefs)
        for match in _FOOTNOTE_DEF.finditer(text):
            result.footnote_ids.add(f"fn:{match.group(1)}")
        refs_seen: dict[str, int] = {}
        for match in _FOOTNOTE_REF.finditer(text):
            label = match.group(1)
            refs_seen[label] = refs_seen.get(label, 0) + 1
            n = refs_seen[label]
            result.footnote_ids.add(f"fnref:{label}" if n == 1 else f"fnref{n}:{label}")
        if self._snippets:
            result.includes.extend(_snippet_includes(raw_lines))
        result.tabs = tab_titles(raw_lines)
        return result

    @staticmethod
    def _line_with(lines: list[str], needle: str, start: int, end: int) -> int | None:
        for idx in range(max(start, 0), min(max(end, start + 1), len(lines))):
            if needle in lines[idx]:
                return idx
        return None

    def _walk(self, tokens: list[Token], lines: list[str], result: MarkdownScan, ref_hrefs: set[str]) -> None:
        heading_level: int | None = None
        for tok in tokens:
            if tok.type == "heading_open":
                heading_level = int(tok.tag[1])
                continue
            if tok.type == "heading_close":
                heading_level = None
                continue
            if tok.type == "html_block" and tok.map:
                self._html(tok.content, tok.map[0], result)
                continue
            if tok.type == "fence":
                for attrs in _FENCE_ATTRS.findall(tok.info):
                    result.code_ids.update(attr_list_ids(attrs))
                continue
            if tok.type != "inline" or not tok.map:
                continue
            start, end = tok.map
            if heading_level is not None:
                self._heading(tok, heading_level, start, result)
            else:
                for match in _ATTR_LIST.finditer(tok.content) if self._attr_list else ():
                    result.attr_ids.update(attr_list_ids(match.group(1)))
            self._inline(tok.children or [], start, end, lines, result, ref_hrefs)

    def _heading(self, tok: Token, level: int, line: int, result: MarkdownScan) -> None:
        parts: list[str] = []
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        text = "".join(parts)
        explicit: str | None = None
        attrs = _ATTR_LIST_AT_END.search(text) if self._attr_list else None
        if attrs:
            ids = attr_list_ids(attrs.group(1))
            explicit = ids[-1] if ids else None
            text = text[: attrs.start()]
        if self._emoji:
            text = _EMOJI.sub("", text)
        text = " ".join(text.split())
        result.headings.append((level, text, explicit, line))

    def _inline(
        self,
        children: list[Token],
        start: int,
        end: int,
        lines: list[str],
        result: MarkdownScan,
        ref_hrefs: set[str],
    ) -> None:
        line = start
        depth = 0  # inside link text: a URL there is the label, not a new link
        for child in children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                depth += 1
                href = str(child.attrs.get("href", ""))
                kind = Kind.AUTOLINK if child.markup == "autolink" else Kind.INLINE
                self._add(href, kind, line, start, end, lines, result, ref_hrefs)
            elif child.type == "link_close":
                depth = max(0, depth - 1)
            elif child.type == "image":
                self._add(str(child.attrs.get("src", "")), Kind.INLINE, line, start, end, lines, result, ref_hrefs)
            elif child.type == "html_inline":
                parsed = scan_html(child.content)
                result.html_ids.update(parsed.ids)
                for href, _ in parsed.links:
                    self._add(href, Kind.HTML, line, start, end, lines, result, set())
                line += child.content.count("\n")
            elif child.type == "text" and depth == 0:
                for url, _ in find_urls(child.content):
                    self._add(url, Kind.BARE, line, start, end, lines, result, set())
            elif child.type == "code_inline":
                pass

    def _add(
        self,
        href: str,
        kind: Kind,
        line: int,
        start: int,
        end: int,
        lines: list[str],
        result: MarkdownScan,
        ref_hrefs: set[str],
    ) -> None:
        if not href:
            return
        if line < len(lines) and href in lines[line]:
            result.links.append(FoundLink(href, line, kind))
            return
        found = self._line_with(lines, href, start, end)
        if found is not None:
            result.links.append(FoundLink(href, found, kind))
        elif href in ref_hrefs:
            return  # a use of [label]: the definition line is reported instead
        else:
            result.links.append(FoundLink(href, min(line, max(end - 1, start)), kind))

    def _html(self, content: str, first_line: int, result: MarkdownScan) -> None:
        parsed = scan_html(content)
        result.html_ids.update(parsed.ids)
        for href, rel_line in parsed.links:
            result.links.append(FoundLink(href, first_line + rel_line - 1, Kind.HTML))
        if parsed.has_markdown_attr and self._md_in_html:
            # md_in_html: Markdown inside the block is rendered; parse the text
            # between tags as Markdown, on the same lines.
            inner = re.sub(r"<[^>\n]*>", lambda m: " " * len(m.group()), content)
            sub = self.scan(inner)
            for link in sub.links:
                result.links.append(FoundLink(link.target, first_line + link.line, link.kind))
            for level, text, explicit, line in sub.headings:
                result.headings.append((level, text, explicit, first_line + line))
            result.attr_ids |= sub.attr_ids
            result.code_ids |= sub.code_ids


def _snippet_includes(lines: list[str]) -> list[FoundLink]:
    """pymdownx.snippets ``--8<-- "file"`` lines and ``--8<--`` blocks. These
    live inside code fences by design, so they are scanned on raw lines."""

    found: list[FoundLink] = []
    in_block = False
    for idx, line in enumerate(lines):
        if _SNIPPET_BLOCK.match(line):
            in_block = not in_block
            continue
        if in_block:
            name = line.strip()
            if name and not name.startswith(";"):
                found.append(FoundLink(name, idx, Kind.INCLUDE))
            continue
        match = _SNIPPET_INLINE.match(line)
        if match and not match.group("esc"):
            found.append(FoundLink(match.group("path"), idx, Kind.INCLUDE))
    return found


def heading_anchor_ids(
    scan: MarkdownScan,
    slugify: Callable[[str, str], str],
    separator: str,
) -> list[str]:
    """Ids Python-Markdown's toc gives the headings, in order: an explicit
    ``{#id}`` wins; others are slugified and made unique against every id
    already on the page, explicit ones included (toc reserves those first)."""

    from .slugs import unique_id

    used: set[str] = set(scan.attr_ids)
    used.update(explicit for _, _, explicit, _ in scan.headings if explicit)
    ids: list[str] = []
    for _, text, explicit, _ in scan.headings:
        ids.append(explicit if explicit else unique_id(slugify(text, separator), used))
    return ids


def tab_anchor_ids(
    scan: MarkdownScan,
    heading_ids: list[str],
    slugify: Callable[[str, str], str] | None,
    separator: str,
    combine_header_slug: bool,
) -> list[str]:
    """Ids pymdownx.tabbed gives its tabs. Without a ``slugify`` option they
    are numbered (``__tabbed_<set>_<tab>``); with one, the tab title is
    slugified, prefixed with the id of the heading above when
    ``combine_header_slug`` is on, and made unique against the page's ids."""

    from .slugs import unique_id

    ids: list[str] = []
    if slugify is None:
        counts: dict[int, int] = {}
        for _, tab_set, _ in scan.tabs:
            counts[tab_set] = counts.get(tab_set, 0) + 1
            ids.append(f"__tabbed_{tab_set}_{counts[tab_set]}")
        return ids
    used = set(heading_ids) | scan.attr_ids
    heading_lines = [line for _, _, _, line in scan.headings]
    for line, _, title in scan.tabs:
        text = html.unescape(re.sub(r"[`*]|</?[^>]*>", "", title))
        slug = slugify(text, separator)
        if combine_header_slug:
            above = [(at, i) for i, at in enumerate(heading_lines) if at < line and i < len(heading_ids)]
            if above:
                slug = heading_ids[max(above)[1]] + separator + slug
        ids.append(unique_id(slug, used))
    return ids
