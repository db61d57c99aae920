"""Helpers the notebooks share: snippet sections read exactly as the site includes them."""

from __future__ import annotations

import pytest

from guide_tools import snippets


@pytest.fixture
def snippet_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(snippets, "SNIPPETS", tmp_path)
    (tmp_path / "a.ts").write_text(
        "import x from 'y';\n"
        "// --8<-- [start:outer]\n"
        "export function f() {\n"
        "  // --8<-- [start:inner]\n"
        "  return 1;\n"
        "  // --8<-- [end:inner]\n"
        "}\n"
        "// --8<-- [end:outer]\n"
        "// --8<-- [start:open]\n"
        "const dangling = 1;\n"
    )
    return tmp_path


def test_section_is_dedented_and_free_of_nested_markers(snippet_dir):
    assert snippets.read_section("a.ts", "inner") == "return 1;\n"
    assert snippets.read_section("a.ts", "outer") == "export function f() {\n  return 1;\n}\n"


def test_whole_file_without_markers(snippet_dir):
    assert "--8<--" not in snippets.read_section("a.ts")


def test_missing_section_names_file_and_the_sections_that_exist(snippet_dir):
    with pytest.raises(snippets.SnippetError, match=r"snippets/a\.ts: no section 'nope' \(sections: inner, open, outer\)"):
        snippets.read_section("a.ts", "nope")


def test_unterminated_section_and_missing_file(snippet_dir):
    with pytest.raises(snippets.SnippetError, match="'open' has no end marker"):
        snippets.read_section("a.ts", "open")
    with pytest.raises(snippets.SnippetError, match="no such file"):
        snippets.read_section("b.ts", "x")


def test_every_section_the_pages_include_exists(repo):
    """The site's build fails on a missing section too; this says which page asked for it."""
    import re

    include = re.compile(r'--8<--\s+"snippets/([^":]+)(?::([\w-]+))?"')
    for page in (repo / "docs").rglob("*.md"):
        for number, line in enumerate(page.read_text().splitlines(), start=1):
            for path, section in include.findall(line):
                try:
                    snippets.read_section(path, section or None)
                except snippets.SnippetError as error:
                    pytest.fail(f"{page.relative_to(repo)}:{number}: {error}")


def test_scratch_app_runs_an_edited_copy_without_touching_the_original(repo):
    from guide_tools.session import scratch_app, write_module

    original = (repo / "tests/fixtures/tiny_app/convex/tasks.ts").read_text()
    app, pg = scratch_app("test-scratch", repo / "tests/fixtures/tiny_app")
    try:
        assert "tasks:list" in {fn.name for fn in pg.functions}
        write_module(app, "convex/extra.ts", (
            'import { query } from "./_generated/server";\n'
            'export const answer = query({ args: {}, handler: async () => 42 });\n'))
        pg.restart()
        assert pg.client().query("extra:answer") == 42
    finally:
        pg.close()
    assert (repo / "tests/fixtures/tiny_app/convex/tasks.ts").read_text() == original
    assert not (repo / "tests/fixtures/tiny_app/convex/extra.ts").exists()


def test_notebooks_start_longest_first_by_their_last_run_and_report_in_order(tmp_path, monkeypatch):
    """`make notebooks` and the site build run several notebooks at once: the longest start first, so no
    long one is left running alone at the end; a notebook never run before starts early."""
    import nbformat

    from guide_tools import notebooks

    output = tmp_path / "executed"
    paths = [tmp_path / f"{name}.ipynb" for name in ("quick", "slow", "new", "middling")]
    for path, seconds in zip(paths, (2.0, 30.0, None, 9.5)):
        if seconds is not None:
            notebooks.save_execution(nbformat.v4.new_notebook(), output / path.name, "key", seconds)
    started: list[str] = []

    def execute(path, output_dir, **_options):
        started.append(path.stem)
        return notebooks.Outcome(path, output_dir / path.name, False, 0.0)

    monkeypatch.setattr(notebooks, "execute_notebook", execute)
    outcomes = notebooks.execute_all(paths, output, jobs=1, log=lambda line: None)
    assert started == ["new", "slow", "middling", "quick"]
    assert [outcome.notebook for outcome in outcomes] == paths
