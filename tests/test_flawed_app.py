"""The flawed app of notebook 11 (snippets/flawed-app): it type-checks with its
own tsconfig, and its committed convex/_generated/ is what the Convex CLI would
write (tools/codegen.mjs --app flawed-app)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNIPPETS = REPO / "snippets"
FLAWED_APP = SNIPPETS / "flawed-app"


def run(*command: str, cwd: Path = SNIPPETS) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH; the flawed app needs Node 20")
    if not (SNIPPETS / "node_modules").exists():
        pytest.fail(f"{SNIPPETS / 'node_modules'} is missing: run `npm ci` in snippets/")
    return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit code {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def test_flawed_app_type_checks() -> None:
    tsc = SNIPPETS / "node_modules" / "typescript" / "bin" / "tsc"
    result = run("node", str(tsc), "--noEmit", "-p", "flawed-app/tsconfig.json")
    assert result.returncode == 0, f"the flawed app does not type-check:\n{output_of(result)}"


def test_flawed_app_generated_code_is_up_to_date() -> None:
    result = run("node", "tools/codegen.mjs", "--app", "flawed-app", "--check")
    assert result.returncode == 0, f"run `node tools/codegen.mjs --app flawed-app` in snippets/:\n{output_of(result)}"
    assert "fixed/messages" in result.stdout and "admin" in result.stdout, output_of(result)


def test_codegen_app_option_resolves_from_the_current_directory() -> None:
    result = run("node", str(SNIPPETS / "tools" / "codegen.mjs"), "--app", ".", "--check", cwd=FLAWED_APP)
    assert result.returncode == 0, output_of(result)


def test_codegen_refuses_a_folder_without_convex(tmp_path: Path) -> None:
    result = run("node", "tools/codegen.mjs", "--app", str(tmp_path), "--check")
    assert result.returncode == 2, output_of(result)
    assert "has no convex/ folder" in result.stderr, output_of(result)


def test_codegen_app_option_needs_a_value() -> None:
    result = run("node", "tools/codegen.mjs", "--app")
    assert result.returncode == 2, output_of(result)
    assert "--app needs a folder" in result.stderr, output_of(result)


@pytest.mark.parametrize("module", ["messages.ts", "users.ts", "admin.ts"])
def test_each_flaw_is_labelled(module: str) -> None:
    assert "FLAW (" in (FLAWED_APP / "convex" / module).read_text(encoding="utf-8")
