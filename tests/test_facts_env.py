"""Typed environment variables: codegen writes `env` from convex.config.ts, apps using it still run.

The fixture tests/fixtures/facts_env_app declares two variables in
convex/convex.config.ts and reads them through `env` from _generated/server,
as the reference app does (snippets/convex/convex.config.ts).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO

SNIPPETS = REPO / "snippets"
ENV_APP = REPO / "tests" / "fixtures" / "facts_env_app"


def codegen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", "tools/codegen.mjs", *args], cwd=SNIPPETS, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture()
def app_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "app"
    shutil.copytree(ENV_APP, copy)
    return copy


def test_committed_generated_code_declares_the_typed_env():
    result = codegen("--app", str(ENV_APP), "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    server = (ENV_APP / "convex" / "_generated" / "server.d.ts").read_text(encoding="utf-8")
    assert "readonly API_KEY: string;" in server
    assert 'readonly LOG_LEVEL: "debug" | "info" | undefined;' in server
    assert "export declare const env: Env;" in server


def test_a_new_declaration_makes_check_fail_and_codegen_adds_it(app_copy: Path):
    config = app_copy / "convex" / "convex.config.ts"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    API_KEY: v.string(),", "    API_KEY: v.string(),\n    REGION: v.literal(\"eu\"),"), encoding="utf-8")
    checked = codegen("--app", str(app_copy), "--check")
    assert checked.returncode == 1
    assert "_generated/server.d.ts: out of date" in checked.stderr
    written = codegen("--app", str(app_copy))
    assert written.returncode == 0, written.stderr
    assert 'readonly REGION: "eu";' in (app_copy / "convex" / "_generated" / "server.d.ts").read_text(encoding="utf-8")
    assert codegen("--app", str(app_copy), "--check").returncode == 0


def test_the_reference_app_declares_what_it_reads():
    server = (SNIPPETS / "convex" / "_generated" / "server.d.ts").read_text(encoding="utf-8")
    for line in ("readonly CLERK_WEBHOOK_SECRET: string;", "readonly POLAR_WEBHOOK_SECRET: string;",
                 "readonly CLERK_JWT_ISSUER_DOMAIN: string;", "readonly EMAIL_API_KEY: string | undefined;"):
        assert line in server


def test_an_app_that_installs_components_is_refused_with_the_file_named(app_copy: Path):
    config = app_copy / "convex" / "convex.config.ts"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "export default app;",
        'import { defineComponent } from "convex/server";\n'
        'const widget = defineComponent("widget");\n'
        "app.use(widget);\nexport default app;"), encoding="utf-8")
    result = codegen("--app", str(app_copy), "--check")
    assert result.returncode == 2
    assert "convex.config.ts installs components (app.use)" in result.stderr
    assert "Traceback" not in result.stderr and "    at " not in result.stderr


def test_a_broken_config_is_refused_with_the_file_named(app_copy: Path):
    (app_copy / "convex" / "convex.config.ts").write_text("export default defineApp({ env: {\n", encoding="utf-8")
    result = codegen("--app", str(app_copy), "--check")
    assert result.returncode == 2
    assert "convex.config.ts does not compile" in result.stderr


def test_functions_read_the_declared_variables_on_the_playground():
    from convex_playground import Playground

    with Playground(ENV_APP, env={"LOG_LEVEL": "debug", "API_KEY": "k-123"}) as pg:
        assert pg.admin().query("settings:logLevel", {}) == "debug"
        assert pg.admin().query("settings:hasApiKey", {}) is True
