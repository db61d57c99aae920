"""Loading any Convex app folder the way a deployment would (issue 9, "Loading any app").

Each case runs a small app of its own from tests/fixtures/load_*: a functions
folder named by convex.json, no committed _generated/, TypeScript codegen,
packages of the app's own (and versions the playground lacks), module formats
Convex's bundler accepts, components, and apps that fail to load.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from convex_playground import AppLoadError, Playground, PlaygroundError

from .conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"
SRC_LAYOUT = FIXTURES / "load_src_layout"
TS_CODEGEN = FIXTURES / "load_ts_codegen"
MODULE_FORMATS = FIXTURES / "load_module_formats"
OWN_PACKAGES = FIXTURES / "load_own_packages"
COMPONENTS = FIXTURES / "load_components"
NPM_COMPONENT = FIXTURES / "load_npm_component"


def copy_app(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def files_under(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


# ---------------------------------------------------------------- where the functions are


def test_convex_json_functions_folder_is_followed_from_the_app_root():
    with Playground(SRC_LAYOUT) as pg:
        assert pg.app.functions_dir == SRC_LAYOUT / "src" / "convex"
        client = pg.client()
        client.mutation("notes:add", {"body": "first"})
        assert [note["body"] for note in client.query("notes:list")] == ["first"]


def test_the_functions_folder_itself_is_accepted():
    with Playground(SRC_LAYOUT / "src" / "convex") as pg:
        assert pg.app.root == SRC_LAYOUT  # whose convex.json names src/convex/
        assert {fn.name for fn in pg.functions} == {"notes:add", "notes:list", "notes:addViaApi"}


def test_a_convex_json_naming_a_missing_folder_says_so(tmp_path):
    (tmp_path / "convex.json").write_text('{"functions": "backend/"}')
    with pytest.raises(PlaygroundError, match=r"convex\.json says the functions are in .*backend"):
        Playground(tmp_path)


# ---------------------------------------------------------------- _generated


def test_missing_generated_code_is_generated_without_touching_the_app():
    before = files_under(SRC_LAYOUT)
    with Playground(SRC_LAYOUT) as pg:
        # addViaApi calls through the generated `api` object.
        pg.client().action("notes:addViaApi", {"body": "via api"})
        assert [note["body"] for note in pg.admin().table("notes")] == ["via api"]
    assert files_under(SRC_LAYOUT) == before
    assert not (SRC_LAYOUT / "src" / "convex" / "_generated").exists()


def test_write_generated_writes_the_generated_code_into_the_app(tmp_path):
    app = copy_app(SRC_LAYOUT, tmp_path)
    with Playground(app, write_generated=True) as pg:
        assert pg.client().query("notes:list") == []
    generated = app / "src" / "convex" / "_generated"
    assert sorted(path.name for path in generated.iterdir()) == [
        "api.d.ts", "api.js", "dataModel.d.ts", "server.d.ts", "server.js"]
    assert 'import type * as notes from "../notes.js";' in (generated / "api.d.ts").read_text()


def test_typescript_codegen_from_convex_json(tmp_path):
    with Playground(TS_CODEGEN) as pg:
        client = pg.client()
        client.mutation("counter:bumpLater")
        [run] = pg.run_scheduled()
        assert (run.name, run.state) == ("counter:bump", "success")
        assert client.query("counter:value") == 2
    assert not (TS_CODEGEN / "convex" / "_generated").exists()

    app = copy_app(TS_CODEGEN, tmp_path)
    with Playground(app, write_generated=True):
        pass
    assert sorted(path.name for path in (app / "convex" / "_generated").iterdir()) == [
        "api.ts", "dataModel.ts", "server.ts"]


# ---------------------------------------------------------------- packages


def install_stand_in(app: Path, name: str, version: str, source: str) -> None:
    """A tiny package of our own in the app's node_modules, standing in for a real one."""
    package = app / "node_modules" / name
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": name, "version": version, "main": "index.js"}))
    (package / "index.js").write_text(source)


def test_versions_the_playground_lacks_are_named_with_the_fix():
    with pytest.raises(AppLoadError) as caught:
        Playground(OWN_PACKAGES)
    message = str(caught.value)
    first_line = message.splitlines()[0]
    # The line of "zod" in package.json.
    assert first_line.startswith("package.json:7:5: this app needs package versions the playground does not have")
    assert "it has no node_modules" in first_line
    assert 'zod: package.json asks for "^3.22.0", the playground has 4.' in message
    assert "convex/validation.ts" in message
    assert "Run `npm install` in" in message


def test_a_package_nobody_has_is_named_with_the_fix(tmp_path):
    app = copy_app(OWN_PACKAGES, tmp_path)
    (app / "convex" / "validation.ts").write_text(
        'import { nope } from "left-padding-for-convex";\nexport const x = nope;\n')
    with pytest.raises(AppLoadError) as caught:
        Playground(app)
    first_line, *rest = str(caught.value).splitlines()
    assert first_line == 'convex/validation.ts:1:22: Could not resolve "left-padding-for-convex"'
    assert any("not installed and the app has no node_modules: run `npm install` in" in line for line in rest)


def test_the_apps_own_node_modules_come_first(tmp_path):
    app = copy_app(OWN_PACKAGES, tmp_path)
    install_stand_in(app, "zod", "3.23.8", 'exports.z = { standIn: "the app\'s own zod 3.23.8" };\n')
    with Playground(app) as pg:
        assert pg.client().query("validation:zodInUse") == "the app's own zod 3.23.8"


@pytest.mark.parametrize(("pins", "refused"), [
    ({"convex": "1.45.0", "zod": "4.0.0"}, None),  # a template's exact pins, older but compatible
    ({"convex": "1.45.0", "zod": "3.25.0"}, "zod"),  # another major: behaviour may differ
    ({"convex": "1.99.0", "zod": "4.0.0"}, "convex"),  # newer than the playground's
])
def test_an_exact_pin_accepts_a_compatible_later_release(tmp_path, pins, refused):
    app = copy_app(OWN_PACKAGES, tmp_path)
    (app / "package.json").write_text(json.dumps({"name": "pinned", "dependencies": pins}, indent=2))
    if refused is None:
        with Playground(app) as pg:
            assert pg.client().query("validation:zodInUse") == "zod with z.object"
        return
    with pytest.raises(AppLoadError) as caught:
        Playground(app)
    [mismatch] = [line for line in str(caught.value).splitlines() if "package.json asks for" in line]
    assert mismatch.strip().startswith(f'{refused}: package.json asks for "{pins[refused]}"')


def test_installing_packages_after_a_start_takes_effect_on_the_next(tmp_path):
    app = copy_app(OWN_PACKAGES, tmp_path)
    manifest = json.loads((app / "package.json").read_text())
    manifest["dependencies"]["zod"] = "^4.0.0"
    (app / "package.json").write_text(json.dumps(manifest))
    with Playground(app) as pg:
        assert pg.client().query("validation:zodInUse") == "zod with z.object"
    install_stand_in(app, "zod", "4.0.0", 'exports.z = { standIn: "zod installed later" };\n')
    with Playground(app) as pg:
        assert pg.client().query("validation:zodInUse") == "zod installed later"


def test_a_satisfied_range_borrows_the_playgrounds_package(tmp_path):
    app = copy_app(OWN_PACKAGES, tmp_path)
    manifest = json.loads((app / "package.json").read_text())
    manifest["dependencies"]["zod"] = "^4.0.0"
    (app / "package.json").write_text(json.dumps(manifest))
    with Playground(app) as pg:
        assert pg.client().query("validation:zodInUse") == "zod with z.object"


# ---------------------------------------------------------------- module formats


def test_esm_only_package_loads_in_an_app_without_type_module():
    assert "type" not in json.loads((MODULE_FORMATS / "package.json").read_text())
    with Playground(MODULE_FORMATS) as pg:
        profile = {"name": "Ada", "email": "ada@example.com", "role": "admin"}
        assert pg.client().query("profiles:publicFields", {"profile": profile}) == {"name": "Ada", "role": "admin"}


def test_use_node_module_may_mix_require_and_imports():
    with Playground(MODULE_FORMATS) as pg:
        digest = pg.client().action("digest:sha256", {"text": "convex"})
        assert digest == hashlib.sha256(b"convex").hexdigest()


def test_node_apis_outside_use_node_are_refused_as_on_deploy(tmp_path):
    app = copy_app(MODULE_FORMATS, tmp_path)
    digest = app / "convex" / "digest.ts"
    digest.write_text(digest.read_text().replace('"use node";\n', "").replace(
        'const { createHash } = require("node:crypto");', 'import { createHash } from "node:crypto";'))
    with pytest.raises(AppLoadError) as caught:
        Playground(app)
    first_line, *rest = str(caught.value).splitlines()
    assert first_line.startswith("convex/digest.ts:")
    assert "node:crypto" in first_line
    assert any('add "use node"' in line for line in rest)


# ---------------------------------------------------------------- load errors


def broken_app(tmp_path: Path, module: str) -> Path:
    app = copy_app(SRC_LAYOUT, tmp_path)
    (app / "src" / "convex" / "broken.ts").write_text(module)
    return app


@pytest.mark.parametrize(("module", "expected_first_line"), [
    pytest.param('import { query } from "./_generated/server";\nexport const x = ;\n',
                 r"^src/convex/broken\.ts:2:18: Unexpected \";\"$", id="syntax-error"),
    pytest.param('import { nothing } from "./notes";\nexport const x = nothing;\n',
                 r'^src/convex/broken\.ts:1:10: No matching export in "src/convex/notes\.ts" for import "nothing"$',
                 id="missing-export"),
    pytest.param('import { helper } from "./lib/helpers";\nexport const x = helper;\n',
                 r'^src/convex/broken\.ts:1:24: Could not resolve "\./lib/helpers"$', id="missing-file"),
    pytest.param('import { v } from "convex/values";\nimport { query } from "./_generated/server";\n\n'
                 'export const x = query({\n  args: { id: (v as any).strin() },\n  handler: async () => null,\n});\n',
                 r"^src/convex/broken\.ts:5:26: TypeError: v\.strin is not a function$", id="throws-at-import"),
])
def test_a_load_error_starts_with_file_line_and_message(tmp_path, module, expected_first_line):
    with pytest.raises(AppLoadError) as caught:
        Playground(broken_app(tmp_path, module))
    message = str(caught.value)
    assert re.match(expected_first_line, message.splitlines()[0]), message
    assert caught.value.file.endswith("broken.ts")
    assert "restart()" not in message


def test_a_fixed_module_loads_on_the_next_start(tmp_path):
    app = broken_app(tmp_path, 'export const x = ;\n')
    with pytest.raises(AppLoadError):
        Playground(app)
    (app / "src" / "convex" / "broken.ts").write_text(
        'import { query } from "./_generated/server";\nexport const ok = query({ args: {}, handler: async () => "fixed" });\n')
    with Playground(app) as pg:
        assert pg.client().query("broken:ok") == "fixed"


# ---------------------------------------------------------------- components


def test_a_local_component_is_registered_under_each_name():
    with Playground(COMPONENTS) as pg:
        client = pg.client()
        assert client.mutation("pages:visit", {"page": "home"}) == 1
        assert client.mutation("pages:visit", {"page": "home"}) == 2
        client.mutation("pages:like", {"page": "home"})
        assert client.query("pages:stats", {"page": "home"}) == {"visits": 2, "likes": 1, "visitRows": 2}
        # The component's tables are its own: the app's schema has only `visits`.
        assert pg.tables == ["visits"]
        pg.reset()
        assert client.query("pages:stats", {"page": "home"}) == {"visits": 0, "likes": 0, "visitRows": 0}
    assert not (COMPONENTS / "counter" / "_generated").exists()


def test_a_published_component_works_from_the_apps_convex_config():
    # @convex-dev/rate-limiter, pinned in snippets/package.json; it installs a component of its own.
    with Playground(NPM_COMPONENT) as pg:
        client = pg.client()
        send = lambda author: client.mutation("messages:send", {"author": author, "text": "hi"})  # noqa: E731
        assert [send("ada"), send("ada")] == [{"sent": True}, {"sent": True}]
        refused = send("ada")
        assert refused["sent"] is False and 0 < refused["retryAfter"] <= 60_000
        assert send("grace") == {"sent": True}
        pg.advance(60_000)
        assert send("ada") == {"sent": True}
        assert pg.admin().count("messages") == 4


def test_a_sidecar_that_dies_while_starting_does_not_advise_restart():
    # `false` stands in for a Node that exits at once: there is no Playground yet to restart.
    with pytest.raises(PlaygroundError) as caught:
        Playground(SRC_LAYOUT, node=shutil.which("false"))
    assert "while starting" in str(caught.value)
    assert "restart()" not in str(caught.value)
    assert "create the Playground again" in str(caught.value)


def test_use_node_is_refused_where_convex_refuses_it(tmp_path):
    app = broken_app(tmp_path, '"use node";\nimport { query } from "./_generated/server";\nexport const x = query({ args: {}, handler: async () => 1 });\n')
    (app / "src" / "convex" / "broken.ts").rename(app / "src" / "convex" / "crons.ts")
    with pytest.raises(AppLoadError, match=r'^src/convex/crons\.ts:1:1: "use node" directive is not allowed for crons\.ts'):
        Playground(app)


def test_bundles_are_reused_until_a_file_changes(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CONVEX_PLAYGROUND_CACHE", str(cache))
    app = copy_app(SRC_LAYOUT, tmp_path)
    builds = lambda: sorted(path.name for path in cache.glob("*/build-*"))  # noqa: E731
    with Playground(app):
        first = builds()
    with Playground(app):
        assert builds() == first and len(first) == 1
    notes = app / "src" / "convex" / "notes.ts"
    notes.write_text(notes.read_text() + "\nexport const count = query({ args: {}, handler: async () => 0 });\n")
    with Playground(app) as pg:
        assert len(builds()) == 2
        assert "notes:count" in {fn.name for fn in pg.functions}
