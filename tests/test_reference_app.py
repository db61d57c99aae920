"""The reference Convex app in snippets/: it type-checks, its tests pass, and
its committed convex/_generated/ is what the Convex CLI would write.

These run the app's own npm scripts, so a failure here shows the tool's output.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNIPPETS = REPO / "snippets"
CONVEX_DIR = SNIPPETS / "convex"


def run_npm_script(script: str, cwd: Path = SNIPPETS, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not on PATH; the reference app needs Node 20 and npm")
    if not (cwd / "node_modules").exists():
        pytest.fail(f"{cwd / 'node_modules'} is missing: run `npm ci` in {cwd}")
    return subprocess.run(
        [npm, "run", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit code {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


@pytest.mark.parametrize("script", ["typecheck", "test", "codegen:check"])
def test_npm_script_passes(script: str) -> None:
    result = run_npm_script(script)
    assert result.returncode == 0, f"`npm run {script}` failed in snippets/:\n{output_of(result)}"


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    """A copy of snippets/ whose node_modules is a symlink to the real one."""
    copy = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, copy, ignore=shutil.ignore_patterns("node_modules"))
    (copy / "node_modules").symlink_to(SNIPPETS / "node_modules", target_is_directory=True)
    return copy


NEW_MODULE = """\
import { v } from "convex/values";
import { query } from "./_generated/server";

export const ping = query({
  args: {},
  returns: v.string(),
  handler: async () => "pong",
});
"""


def test_codegen_check_fails_when_a_module_is_missing_from_api(app_copy: Path) -> None:
    (app_copy / "convex" / "extra.ts").write_text(NEW_MODULE)

    result = run_npm_script("codegen:check", cwd=app_copy)

    assert result.returncode == 1, output_of(result)
    assert re.search(r'module "extra" is missing from _generated/api\.d\.ts', result.stderr), output_of(result)
    assert "api.d.ts: out of date" in result.stderr, output_of(result)


def test_codegen_writes_the_missing_module_then_check_passes(app_copy: Path) -> None:
    (app_copy / "convex" / "extra.ts").write_text(NEW_MODULE)

    written = run_npm_script("codegen", cwd=app_copy)
    checked = run_npm_script("codegen:check", cwd=app_copy)

    assert written.returncode == 0, output_of(written)
    assert checked.returncode == 0, output_of(checked)
    api_dts = (app_copy / "convex" / "_generated" / "api.d.ts").read_text()
    assert 'import type * as extra from "../extra.js";' in api_dts
    assert "extra: typeof extra;" in api_dts


def test_codegen_check_follows_the_cli_rules_for_what_is_a_module(app_copy: Path) -> None:
    # The CLI skips files with more than one dot (tests, `.d.ts`), dotfiles,
    # and TypeScript files that neither import nor export anything.
    convex = app_copy / "convex"
    (convex / "extra.test.ts").write_text(NEW_MODULE)
    (convex / "notes.local.ts").write_text(NEW_MODULE)
    (convex / ".scratch.ts").write_text(NEW_MODULE)
    (convex / "empty.ts").write_text("// nothing to see\nconst unused = 1;\n")

    result = run_npm_script("codegen:check", cwd=app_copy)

    assert result.returncode == 0, output_of(result)


def test_codegen_check_names_missing_and_stale_generated_files(app_copy: Path) -> None:
    generated = app_copy / "convex" / "_generated"
    (generated / "server.js").unlink()
    (generated / "leftover.ts").write_text("export {};\n")

    result = run_npm_script("codegen:check", cwd=app_copy)

    assert result.returncode == 1, output_of(result)
    assert "_generated/server.js: missing" in result.stderr, output_of(result)
    assert "_generated/leftover.ts: stale" in result.stderr, output_of(result)


ANY_TYPE = re.compile(r":\s*any\b|\bas\s+any\b|<any>")


def source_files() -> list[Path]:
    files = [
        path
        for path in sorted(CONVEX_DIR.rglob("*"))
        if path.is_file() and path.suffix in {".ts", ".tsx", ".js", ".mjs"} and "_generated" not in path.parts
    ]
    assert files, f"no source files found under {CONVEX_DIR}"
    return files


@pytest.mark.parametrize("path", source_files(), ids=lambda path: str(path.relative_to(CONVEX_DIR)))
def test_app_code_never_uses_any(path: Path) -> None:
    offending = [
        f"{path.relative_to(SNIPPETS)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ANY_TYPE.search(line)
    ]
    assert not offending, "`any` in the reference app (type it with QueryCtx / MutationCtx / Doc / Id):\n" + "\n".join(
        offending
    )


# ---------------------------------------------------------------- snippet sections
# Pages include code with `--8<-- "snippets/<file>:<section>"`; a renamed or
# unbalanced section would break a page, so the ones pages rely on are pinned.
REQUIRED_SECTIONS = {
    "convex/schema.ts": {"shared_validators", "users_table", "channels_table", "memberships_table", "messages_table"},
    "convex/model/repositories/users.ts": {"find_user_by_token"},
    "convex/model/repositories/messages.ts": {"list_channel_messages"},
    "convex/model/services/messages.ts": {"send_message_rule"},
    "convex/messages.ts": {"send_mutation", "list_query"},
    "antipatterns/classBasedRepository.ts": {"class_repository"},
}
SECTION_MARKER = re.compile(r"--8<--\s*\[\s*(start|end)\s*:\s*([^\]\s]*)\s*\]")
SECTION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def snippet_files() -> list[Path]:
    return [
        path
        for path in sorted(SNIPPETS.rglob("*"))
        if path.is_file()
        and "node_modules" not in path.parts
        and "_generated" not in path.parts
        and path.suffix in {".ts", ".mjs", ".js", ".json"}
    ]


def sections_in(path: Path) -> set[str]:
    """The section names of a file, checking that markers pair up."""
    open_sections: dict[str, int] = {}
    closed: set[str] = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for kind, name in SECTION_MARKER.findall(line):
            where = f"{path.relative_to(SNIPPETS)}:{number}"
            assert SECTION_NAME.match(name), f"{where}: section name {name!r} is not lowercase_with_underscores"
            if kind == "start":
                assert name not in open_sections and name not in closed, f"{where}: section {name!r} starts twice"
                open_sections[name] = number
            else:
                assert name in open_sections, f"{where}: section {name!r} ends without a start"
                del open_sections[name]
                closed.add(name)
    assert not open_sections, f"{path.relative_to(SNIPPETS)}: sections never ended: {sorted(open_sections)}"
    return closed


@pytest.mark.parametrize("path", snippet_files(), ids=lambda path: str(path.relative_to(SNIPPETS)))
def test_snippet_sections_are_well_formed(path: Path) -> None:
    sections_in(path)


@pytest.mark.parametrize("relative, required", sorted(REQUIRED_SECTIONS.items()))
def test_sections_the_pages_include_exist(relative: str, required: set[str]) -> None:
    missing = required - sections_in(SNIPPETS / relative)
    assert not missing, f"snippets/{relative} lacks sections {sorted(missing)}"


def test_every_antipattern_says_what_is_wrong_and_how_to_fix_it() -> None:
    files = sorted((SNIPPETS / "antipatterns").glob("*.ts"))
    assert files, "snippets/antipatterns/ has no examples"
    for path in files:
        text = path.read_text()
        assert text.startswith("// ANTI-PATTERN:"), f"{path.name} must open with an `// ANTI-PATTERN:` comment"
        header = text.split("\nimport ", 1)[0]
        assert "Fix:" in header, f"{path.name}: its opening comment must say how to fix it"
