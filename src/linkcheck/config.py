"""Settings: defaults, the project's own config section, and what MkDocs will do.

Precedence, lowest first: built-in defaults, then the config section (a file
given with ``--config``, else ``linkcheck.toml``/``.linkcheck.yml`` in the
project root, else ``extra: linkcheck:`` in mkdocs.yml), then command-line
options. MkDocs facts (docs_dir, slug rules, repo_url, plugins) are read from
mkdocs.yml so internal links resolve the way the built site will.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import InputError, UsageError
from .paths import real_path
from .slugs import Slugify, slugifier_from_toc
from .yamlload import RelativePath, load_yaml

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 convex-guide-linkcheck/1.0"
)


@dataclass
class Settings:
    """Every tunable. Field names double as config-file keys (``-`` or ``_``)."""

    timeout: float = 15.0  # seconds per request, body included
    retries: int = 3  # extra attempts after 408/429/5xx
    timeout_retries: int = 1  # extra attempts after a timeout: they are slow
    connect_retries: int = 1  # extra attempts after DNS/refused/reset
    backoff: float = 0.5  # first backoff; doubles per attempt
    max_backoff: float = 8.0  # cap on one backoff sleep
    max_retry_after: float = 30.0  # cap on an honoured Retry-After
    per_host: int = 8  # concurrent requests per host
    concurrency: int = 32  # concurrent requests overall
    max_redirects: int = 10
    max_body: int = 8 * 1024 * 1024  # bytes read when looking for an anchor
    include_loopback: bool = False
    check_external: bool = True
    exclude: list[str] = field(default_factory=list)
    exclude_paths: list[str] = field(default_factory=list)
    accept_status: list[int] = field(default_factory=list)  # extra codes counted as ok
    cache: str | None = None
    cache_max_age: float = 24 * 3600.0
    user_agent: str = DEFAULT_USER_AGENT
    #: GitHub links into this repository (blob/tree on a local branch) are
    #: checked against the checkout: "local", or "remote" to fetch them.
    repo_links: str = "local"
    strict: bool = False  # errors and blocked links fail the run too
    #: Directories outside docs_dir that a hook or plugin publishes as part of
    #: the site: {"notebooks": "notebooks"} means repo notebooks/x.ipynb is the
    #: page notebooks/x.ipynb of the site. Empty: guessed from mkdocs.yml
    #: ``watch:`` (directories of notebooks, when mkdocs-jupyter is on).
    mounts: dict[str, str] = field(default_factory=dict)
    #: a built copy of the site (``mkdocs build`` output): anchors that only
    #: exist there (mkdocstrings, hooks) are read from its HTML
    site_dir: str | None = None
    #: fragments matching one of these patterns are not checked (generated
    #: anchors with no built site at hand)
    ignore_anchors: list[str] = field(default_factory=list)

    def compiled_excludes(self) -> list[re.Pattern[str]]:
        return [re.compile(p) for p in self.exclude]


def _coerce(name: str, value: Any, where: str) -> Any:
    """Check a config value against the field's type so that a typo in a config
    file is reported, not silently ignored."""

    fields = {f.name: f for f in dataclasses.fields(Settings)}
    if name not in fields:
        known = ", ".join(sorted(fields))
        raise InputError(where, None, f"unknown linkcheck setting {name!r} (known: {known})")
    default = getattr(Settings(), name)
    try:
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError("expected true or false")
            return value
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return parse_duration(value) if name.endswith("max_age") else float(value)
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ValueError("expected a mapping")
            return {str(k): str(v) for k, v in value.items()}
        if isinstance(default, list):
            items = value if isinstance(value, list) else [value]
            return [int(v) for v in items] if name == "accept_status" else [str(v) for v in items]
        if name == "cache_max_age":
            return parse_duration(value)
        return None if value is None else str(value)
    except (TypeError, ValueError) as exc:
        raise InputError(where, None, f"setting {name!r}: invalid value {value!r} ({exc})") from exc


def parse_duration(value: Any) -> float:
    """``3600``, ``"90s"``, ``"30m"``, ``"12h"``, ``"7d"`` -> seconds."""

    if isinstance(value, (int, float)):
        return float(value)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", str(value))
    if not match:
        raise ValueError(f"not a duration: {value!r} (use e.g. 3600, 90s, 30m, 12h, 7d)")
    factor = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[match.group(2)]
    return float(match.group(1)) * factor


def apply_mapping(settings: Settings, mapping: dict[str, Any], where: str) -> Settings:
    for key, value in mapping.items():
        name = str(key).replace("-", "_")
        setattr(settings, name, _coerce(name, value, where))
    return settings


@dataclass
class NavEntry:
    target: str
    line: int


@dataclass
class MkDocsProject:
    """What the link checker needs to know about the MkDocs site."""

    root: Path
    config_path: Path | None = None
    docs_dir: Path | None = None
    use_directory_urls: bool = True
    repo_url: str | None = None
    slugify: Slugify | None = None
    slugify_name: str = "markdown.extensions.toc.slugify"
    separator: str = "-"
    extensions: dict[str, dict[str, Any]] = field(default_factory=dict)
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    nav: list[NavEntry] = field(default_factory=list)
    extra_linkcheck: dict[str, Any] | None = None
    branches: set[str] = field(default_factory=set)
    watch: list[Path] = field(default_factory=list)
    #: real directory -> its path inside the site (see Settings.mounts)
    mounts: dict[Path, str] = field(default_factory=dict)
    #: pymdownx.tabbed: the tabs' slug function (None: numbered ids), its
    #: separator, and whether the heading's id prefixes the tab's
    tabbed_slugify: Slugify | None = None
    tabbed_separator: str = "-"
    tabbed_combine_header_slug: bool = False
    #: MkDocs ``validation.links.absolute_links``: "relative_to_docs" makes
    #: ``/x.md`` a docs_dir path; otherwise MkDocs leaves such links as written
    absolute_links_relative_to_docs: bool = False
    #: the top of the git checkout holding the project (GitHub links to this
    #: repository name paths from there), or None outside git
    git_root: Path | None = None
    #: theme.custom_dir: Jinja templates, not pages
    theme_dirs: list[Path] = field(default_factory=list)

    def set_mounts(self, configured: dict[str, str]) -> None:
        """Use the configured mounts, or guess them: a watched directory full of
        notebooks, outside docs_dir, is published under its own name."""

        self.mounts = {}
        if configured:
            for real, prefix in configured.items():
                self.mounts[real_path(self.root / real)] = prefix.strip("/")
            return
        if self.docs_dir is None or not self.notebooks_are_pages:
            return
        for folder in self.watch:
            if folder.is_dir() and not folder.is_relative_to(self.docs_dir) and any(folder.glob("*.ipynb")):
                self.mounts[folder] = folder.name

    @property
    def notebooks_are_pages(self) -> bool:
        return "mkdocs-jupyter" in self.plugins

    @property
    def footnotes(self) -> bool:
        return "footnotes" in self.extensions or "pymdownx.extra" in self.extensions

    @property
    def snippet_base_paths(self) -> list[Path] | None:
        opts = self.extensions.get("pymdownx.snippets")
        if opts is None:
            return None
        base = opts.get("base_path", ["."])
        bases = base if isinstance(base, list) else [base]
        found = []
        for item in bases:
            if isinstance(item, RelativePath):
                # `!relative` alone is the page's own folder (see snippets_relative_to_page)
                anchor = {"$config_dir": self.config_dir, "$docs_dir": self.docs_dir}.get(item.base)
                if anchor is not None:
                    found.append(anchor)
            elif item is not None:
                found.append(real_path(self.root / str(item)))
        return found

    @property
    def snippets_relative_to_page(self) -> bool:
        """``base_path: !relative``: snippets are also looked up next to the page."""

        base = (self.extensions.get("pymdownx.snippets") or {}).get("base_path")
        bases = base if isinstance(base, list) else [base]
        return any(isinstance(b, RelativePath) and not b.base for b in bases)

    @property
    def config_dir(self) -> Path:
        return self.config_path.parent if self.config_path is not None else self.root

    @property
    def attr_list(self) -> bool:
        """Whether ``{ #id }`` attribute lists set ids (markdown ``extra`` includes the extension)."""

        return self.config_path is None or bool({"attr_list", "extra", "pymdownx.extra"} & set(self.extensions))

    @property
    def md_in_html(self) -> bool:
        """Whether a ``markdown`` attribute turns HTML content back into Markdown."""

        return self.config_path is None or bool({"md_in_html", "extra", "pymdownx.extra"} & set(self.extensions))

    @property
    def emoji(self) -> bool:
        return "pymdownx.emoji" in self.extensions


def _normalise_ext_name(name: str) -> str:
    return name[len("markdown.extensions."):] if name.startswith("markdown.extensions.") else name


def _named_entries(value: Any) -> dict[str, dict[str, Any]]:
    """markdown_extensions / plugins: a list of names or one-key mappings."""

    entries: dict[str, dict[str, Any]] = {}
    items = value.items() if isinstance(value, dict) else ((None, v) for v in (value or []))
    for key, item in items:
        if key is not None:
            entries[_normalise_ext_name(str(key))] = item if isinstance(item, dict) else {}
        elif isinstance(item, str):
            entries[_normalise_ext_name(item)] = {}
        elif isinstance(item, dict):
            for name, opts in item.items():
                entries[_normalise_ext_name(str(name))] = opts if isinstance(opts, dict) else {}
    return entries


def _nav_entries(node: yaml.Node | None) -> list[NavEntry]:
    """Page paths listed under ``nav:``, with their lines in mkdocs.yml."""

    found: list[NavEntry] = []

    def walk(n: yaml.Node) -> None:
        if isinstance(n, yaml.ScalarNode):
            value = str(n.value)
            if value and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) and not value.startswith(("/", "#")):
                found.append(NavEntry(value, n.start_mark.line + 1))
        elif isinstance(n, yaml.SequenceNode):
            for child in n.value:
                walk(child)
        elif isinstance(n, yaml.MappingNode):
            for _key, child in n.value:  # keys are titles
                walk(child)

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "nav":
                walk(value)
    return found


def find_git_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.git`` (a folder,
    or a file in a worktree or submodule)."""

    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _git_dir(git_root: Path) -> Path:
    dot_git = git_root / ".git"
    if dot_git.is_file():  # worktree / submodule: "gitdir: <path>"
        try:
            text = dot_git.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return dot_git
        if text.startswith("gitdir:"):
            return (git_root / text[len("gitdir:"):].strip()).resolve()
    return dot_git


def _git_branches(root: Path) -> set[str]:
    """Branch names under which GitHub links to this repo count as local."""

    names = {"main", "master", "HEAD"}
    git_root = find_git_root(root)
    if git_root is None:
        return names
    head = _git_dir(git_root) / "HEAD"
    try:
        text = head.read_text().strip()
        if text.startswith("ref: refs/heads/"):
            names.add(text[len("ref: refs/heads/"):])
    except (OSError, UnicodeDecodeError):
        pass
    return names


def load_mkdocs(root: Path, config_file: Path | None = None) -> MkDocsProject:
    """Read mkdocs.yml (if any) in ``root``. A missing file is fine: then all
    Markdown is resolved file-relative with MkDocs' default slug rules."""

    project = MkDocsProject(root=root)
    path = config_file or next((root / n for n in ("mkdocs.yml", "mkdocs.yaml") if (root / n).is_file()), None)
    project.branches = _git_branches(root)
    project.git_root = find_git_root(root)
    if path is None or not path.is_file():
        project.slugify, project.slugify_name = slugifier_from_toc(None)
        return project
    data, node = load_yaml(path, display=_display(path, root))
    data = _apply_inherit(data, path, root)
    if not isinstance(data, dict):
        raise InputError(_display(path, root), 1, "mkdocs config is not a mapping")
    project.config_path = path
    docs_dir = data.get("docs_dir", "docs")
    shown = _display(path, root)
    if not isinstance(docs_dir, str) or not docs_dir.strip():
        raise InputError(shown, None, f"docs_dir must be a folder name, got {docs_dir!r}")
    project.docs_dir = real_path(path.parent / docs_dir)
    if not project.docs_dir.is_dir():
        raise InputError(shown, None, f"docs_dir {docs_dir!r} is not a folder ({_display(project.docs_dir, root)} "
                         "does not exist), so MkDocs cannot build this site")
    project.use_directory_urls = bool(data.get("use_directory_urls", True))
    repo_url = data.get("repo_url")
    project.repo_url = str(repo_url).rstrip("/") if repo_url else None
    project.extensions = _named_entries(data.get("markdown_extensions"))
    project.plugins = _named_entries(data.get("plugins"))
    toc = project.extensions.get("toc", {})
    project.slugify, project.slugify_name = _slugifier(toc.get("slugify"), shown, "toc")
    project.separator = str(toc.get("separator", "-"))
    tabbed = project.extensions.get("pymdownx.tabbed", {})
    if tabbed.get("slugify"):
        project.tabbed_slugify, _ = _slugifier(tabbed["slugify"], shown, "pymdownx.tabbed")
    project.tabbed_separator = str(tabbed.get("separator", "-"))
    project.tabbed_combine_header_slug = bool(tabbed.get("combine_header_slug", False))
    validation = data.get("validation")
    links_validation = validation.get("links") if isinstance(validation, dict) else None
    project.absolute_links_relative_to_docs = (
        isinstance(links_validation, dict) and links_validation.get("absolute_links") == "relative_to_docs"
    )
    project.nav = _nav_entries(node)
    theme = data.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom_dir, str) and custom_dir.strip():
        project.theme_dirs = [real_path(path.parent / custom_dir)]
    watch = data.get("watch") or []
    project.watch = [real_path(path.parent / str(w)) for w in (watch if isinstance(watch, list) else [watch])]
    extra = data.get("extra")
    if isinstance(extra, dict) and isinstance(extra.get("linkcheck"), dict):
        project.extra_linkcheck = extra["linkcheck"]
    return project


def _slugifier(option: Any, shown: str, extension: str) -> tuple[Slugify, str]:
    """The configured slug function, tried once so that options it rejects are
    reported against mkdocs.yml rather than failing later, page by page."""

    try:
        slugify, name = slugifier_from_toc(option)
        slugify("Probe heading", "-")
    except Exception as exc:  # noqa: BLE001 - whatever the configured function raises
        raise InputError(shown, None, f"{extension} slugify option {option!r} does not work: "
                         f"{type(exc).__name__}: {exc}") from exc
    return slugify, name


def _apply_inherit(data: Any, path: Path, root: Path, chain: tuple[Path, ...] = ()) -> Any:
    """MkDocs' ``INHERIT: base.yml``: the child's keys override the parent's.
    ``chain`` holds the files already on the way here, so that a file that
    inherits from itself (directly or through others) is reported, not followed
    forever."""

    if not isinstance(data, dict) or "INHERIT" not in data:
        return data
    shown = _display(path, root)
    relative = data.pop("INHERIT")
    if not isinstance(relative, str) or not relative.strip():
        raise InputError(shown, None, f"INHERIT must name a YAML file, got {relative!r}")
    parent_path = real_path(path.parent / relative)
    here = chain + (real_path(path),)
    if parent_path in here:
        loop = " -> ".join(_display(p, root) for p in (*here, parent_path))
        raise InputError(shown, None, f"INHERIT loop: {loop}")
    if not parent_path.is_file():
        raise InputError(shown, None, f"INHERIT: no such file: {relative} (looked for {_display(parent_path, root)})")
    parent, _ = load_yaml(parent_path, display=_display(parent_path, root))
    parent = _apply_inherit(parent, parent_path, root, here)
    if not isinstance(parent, dict):
        raise InputError(_display(parent_path, root), 1, "inherited mkdocs config is not a mapping")

    def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
        out = dict(base)
        for k, v in over.items():
            out[k] = merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
        return out

    return merge(parent, data)


def _display(path: Path, root: Path) -> str:
    try:
        return real_path(path).relative_to(real_path(root)).as_posix()
    except ValueError:
        return str(path)


def load_settings(root: Path, project: MkDocsProject, config_file: Path | None) -> tuple[Settings, str | None]:
    """Defaults overlaid with the project's config section. Returns the settings
    and where they came from (for messages)."""

    settings = Settings()
    if config_file is not None:
        if not config_file.is_file():
            raise UsageError(f"--config: no such file: {config_file}")
        return apply_mapping(settings, _read_config_file(config_file, root), _display(config_file, root)), str(config_file)
    for name in ("linkcheck.toml", ".linkcheck.toml", "linkcheck.yml", ".linkcheck.yml"):
        candidate = root / name
        if candidate.is_file():
            return apply_mapping(settings, _read_config_file(candidate, root), name), name
    if project.extra_linkcheck is not None and project.config_path is not None:
        where = _display(project.config_path, root) + " (extra.linkcheck)"
        return apply_mapping(settings, project.extra_linkcheck, where), where
    return settings, None


def _read_config_file(path: Path, root: Path) -> dict[str, Any]:
    shown = _display(path, root)
    if path.suffix == ".toml":
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise InputError(shown, int(line.group(1)) if line else None, f"invalid TOML: {exc}") from exc
    else:
        data, _ = load_yaml(path, display=shown)
    if isinstance(data, dict) and isinstance(data.get("linkcheck"), dict):
        data = data["linkcheck"]
    if isinstance(data, dict) and isinstance(data.get("tool"), dict):
        data = data["tool"].get("linkcheck", {})
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(shown, 1, "expected a mapping of linkcheck settings")
    return data

