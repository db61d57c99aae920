"""Notebook 10's capstone: the reader adds reactions to a scratch copy of the reference app.

The reference app (snippets/convex) ships the finished feature: the
`reaction_fields` and `reactions_table` sections of schema.ts, a repository, a
service, the public `reactions:toggle` / `reactions:counts`, and
snippets/tests/reactions.test.ts. `start()` makes a scratch copy *without* it,
and the reader writes it back step by step; each step's check (`check_*`)
returns one ✅/❌ line for `guide_tools.exercises.self_check`.

The checks call the playground. Repository and service functions are not
callable from a client, so a probe module of internal functions that call
them (`convex/capstone*Probe.ts`) is written with the reader's file (one
reload for both), and the check calls the probe with the admin handle. Every
check seeds its own data under fresh names and reloads only when a file
changed, so it gives the same verdict however often it runs. The test step
runs vitest once over four copies: the reader's app (the test must pass), the
reference feature (it must pass too: the test checks what was asked, not one
implementation), and two reference versions with a bug each (it must fail).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from convex_playground import ConvexError, PlaygroundError
from convex_playground.playground import DEFAULT_APP, PLAYGROUND_ENV_FILE, REPO_ROOT

from .exercises import error_message, person, unique
from .session import scratch_app, write_module

SCRATCH = REPO_ROOT / "build" / "scratch"
FEATURE_MODULES = ("convex/reactions.ts", "convex/model/services/reactions.ts",
                   "convex/model/repositories/reactions.ts")
REPOSITORY = "convex/model/repositories/reactions.ts"
SERVICE = "convex/model/services/reactions.ts"
PUBLIC = "convex/reactions.ts"
TEST = "tests/reactions.test.ts"
SCHEMA_SECTIONS = ("reaction_fields", "reactions_table")
# Where the reader's table goes: after the messages table, where the reference has it.
TABLE_ANCHOR = "  // --8<-- [end:messages_table]\n"
FIELDS_ANCHOR = "export default defineSchema("
REPOSITORY_EXPORTS = ("findReaction", "insertReaction", "deleteReaction", "listReactions")
SERVICE_EXPORTS = ("toggleReaction", "countReactions")
PUBLIC_EXPORTS = ("toggle", "counts")
PASS, FAIL = "✅", "❌"


def _section_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"[ \t]*// --8<-- \[start:{name}\]\n.*?// --8<-- \[end:{name}\]\n", re.S)


def schema_without_reactions() -> str:
    """The reference schema.ts with the reactions sections taken out: the app as it was before the feature."""
    text = (DEFAULT_APP / "convex" / "schema.ts").read_text(encoding="utf-8")
    for name in SCHEMA_SECTIONS:
        text, found = _section_pattern(name).subn("", text)
        if found != 1:
            raise PlaygroundError(f"snippets/convex/schema.ts: section '{name}' not found once (found {found})")
    return text


def start(name: str = "nb10"):
    """A scratch copy of the reference app without reactions, and its playground: `(app, pg)`."""
    origin = SCRATCH / f"{name}-origin"
    if origin.exists():
        shutil.rmtree(origin)
    shutil.copytree(DEFAULT_APP / "convex", origin / "convex", ignore=shutil.ignore_patterns("node_modules"))
    for module in FEATURE_MODULES:
        (origin / module).unlink()
    (origin / "convex" / "schema.ts").write_text(schema_without_reactions(), encoding="utf-8")
    if (DEFAULT_APP / PLAYGROUND_ENV_FILE).is_file():
        shutil.copy(DEFAULT_APP / PLAYGROUND_ENV_FILE, origin / PLAYGROUND_ENV_FILE)
    app, pg = scratch_app(name, source=origin)
    # The reference tests' shared set-up, so the reader's test can sign people in as they do.
    shutil.copytree(DEFAULT_APP / "tests" / "support", app / "tests" / "support")
    track(app)
    return app, pg


# ------------------------------------------------------------------ loading

_loaded: dict[Path, dict[str, bytes]] = {}   # app folder -> the sources its playground runs
_load_errors: dict[Path, str] = {}            # app folder -> why the last load failed


def track(app: Path) -> None:
    """Remembers the sources of a scratch app whose playground just started, for `install` and `load`."""
    _loaded[app] = _sources(app)
    _load_errors.pop(app, None)


def _sources(app: Path) -> dict[str, bytes]:
    return {str(path.relative_to(app)): path.read_bytes() for path in sorted((app / "convex").rglob("*.ts"))}


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for name, code in _sources(folder).items():
        digest.update(name.encode() + b"\0" + code + b"\0")
    return digest.hexdigest()


def write_schema(app: Path, fields: str, table: str) -> None:
    """schema.ts of the scratch app: the one before reactions, plus the reader's declarations and table."""
    text = schema_without_reactions()
    # Comments alone (the exercise as shipped) leave the schema as it was, so they cost no reload.
    if _has_code(fields):
        text = text.replace(FIELDS_ANCHOR, fields.strip("\n") + "\n\n" + FIELDS_ANCHOR, 1)
    if _has_code(table):
        text = text.replace(TABLE_ANCHOR, TABLE_ANCHOR + "\n" + table.strip("\n") + "\n", 1)
    write_module(app, "convex/schema.ts", text)


def _has_code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("//") for line in text.splitlines())


def install(app: Path, pg, relative_path: str, source: str) -> str:
    """Writes one of the reader's files and reloads the app; returns what happened, in one line.

    A repository or service that exports what the exercise asks for gets its
    check's probe module in the same reload (one type-check and restart, not
    two). Files that export nothing, before and after (the exercises as
    shipped), are written without a reload: they add nothing to run."""
    write_module(app, relative_path, source)
    if relative_path in PROBES:
        probe_name, probe_source, names = PROBES[relative_path]
        if set(names) <= _exports(source):
            write_module(app, f"convex/{probe_name}.ts", probe_source)
        else:
            (app / "convex" / f"{probe_name}.ts").unlink(missing_ok=True)
    current, loaded = _sources(app), _loaded.get(app, {})
    changed = {name for name in current.keys() | loaded.keys() if current.get(name) != loaded.get(name)}
    if app not in _load_errors and changed and all(
            not _exports(version.get(name, b"").decode("utf-8")) for name in changed for version in (current, loaded)):
        return f"{relative_path} exports nothing yet, so the app was not reloaded."
    return load(app, pg)


def load(app: Path, pg) -> str:
    """Reloads the scratch app if its files changed (type-checked first); returns what happened, in one line.

    A load that fails leaves the app as it was and is remembered, so the
    step's check can say why instead of testing old code."""
    sources = _sources(app)
    if _loaded.get(app) == sources and app not in _load_errors:
        return "The scratch app already runs these files."
    try:
        pg.restart()
    except PlaygroundError as error:
        _load_errors[app] = str(error).strip().splitlines()[0]
        return f"The scratch app did not load: {error}"
    _load_errors.pop(app, None)
    _loaded[app] = sources
    return "Type-checked and loaded: the scratch app runs your files (its database starts empty)."


def load_problem(app: Path) -> str | None:
    """The ❌ line for an app whose last load failed; None when it runs what was written."""
    if app not in _load_errors:
        return None
    error = _load_errors[app]
    if re.match(r"convex/capstone\w+Probe\.ts:", error):
        error += (" (the probe calls your functions as the exercise describes them: "
                  "check their names and parameters)")
    return f"{FAIL} Not yet: the scratch app did not load, so it still runs older code: {error}"


def _exports(source: str) -> set[str]:
    return set(re.findall(r"export\s+(?:async\s+)?(?:function|const|let)\s+(\w+)", source))


def _missing_exports(app: Path, module: str, names: tuple[str, ...]) -> str | None:
    path = app / module
    found = _exports(path.read_text(encoding="utf-8")) if path.is_file() else set()
    missing = [name for name in names if name not in found]
    if missing:
        return f"{FAIL} Not yet: {module} does not export {', '.join(missing)}."
    return None


def _with_probe(app: Path, pg, probe_name: str, source: str) -> str | None:
    """Makes sure the app runs the step's probe module; a ❌ line if the app does not load with it."""
    probe = app / "convex" / f"{probe_name}.ts"
    if not probe.is_file() or probe.read_text(encoding="utf-8") != source:
        write_module(app, f"convex/{probe_name}.ts", source)
    load(app, pg)
    return load_problem(app)


# ------------------------------------------------------------------ seeding


def _seed(pg, members: int = 2, outsiders: int = 1) -> dict[str, Any]:
    """Users, a channel with members, and two messages, written directly with the admin handle."""
    db = pg.admin()
    tag = unique("capstone")
    users = db.insert("users", [{"name": f"User {n}", "email": f"{tag}-{n}@example.com",
                                 "tokenIdentifier": f"seed|{tag}-{n}"} for n in range(members + outsiders)])
    channel = db.insert("channels", {"name": tag, "createdBy": users[0]})
    db.insert("memberships", [{"channelId": channel, "userId": user, "role": "owner" if n == 0 else "member"}
                              for n, user in enumerate(users[:members])])
    messages = db.insert("messages", [{"channelId": channel, "authorId": users[0], "body": f"message {n}"}
                                      for n in (1, 2)])
    return {"db": db, "users": users, "channel": channel, "messages": messages, "tag": tag}


# ------------------------------------------------------------------ step 1: the table


def _indexes(table_source: str) -> dict[str, list[str]]:
    return {name: re.findall(r"[\"'](\w+)[\"']", fields) for name, fields in
            re.findall(r"\.index\(\s*[\"'](\w+)[\"']\s*,\s*\[([^\]]*)\]", table_source)}


def check_schema(app: Path, pg, table_source: str) -> str:
    if problem := load_problem(app):
        return problem
    if "reactions" not in pg.tables:
        return (f"{FAIL} Not yet: the scratch app has no `reactions` table. Put a "
                "`reactions: defineTable({...})` entry in REACTIONS_TABLE and run the cell.")
    seed = _seed(pg)
    db, users, messages = seed["db"], seed["users"], seed["messages"]
    reaction = {"messageId": messages[0], "userId": users[0], "emoji": "👍"}
    try:
        db.insert("reactions", reaction)
    except Exception as error:
        return (f"{FAIL} Not yet: the schema refuses a reaction {{messageId, userId, emoji: '👍'}}: "
                f"{error_message(error)}")
    for field in reaction:
        partial = {k: v for k, v in reaction.items() if k != field}
        try:
            db.insert("reactions", partial)
        except Exception:
            continue
        return f"{FAIL} Not yet: a reaction without `{field}` was stored; every reaction needs all three fields."
    indexes = _indexes(table_source)
    lookup = [name for name, fields in indexes.items()
              if set(fields[:3]) == {"messageId", "userId", "emoji"}]
    if not lookup:
        return (f"{FAIL} Not yet: a toggle must find one person's reaction with one lookup; no index has "
                f"messageId, userId and emoji as its fields (indexes found: {indexes or 'none'}).")
    if not any(fields[:1] == ["messageId"] for fields in indexes.values()):
        return (f"{FAIL} Not yet: counting reads all reactions to one message, so an index must start "
                f"with messageId (indexes found: {indexes}).")
    return (f"{PASS} The reactions table holds (message, person, emoji), and index {lookup[0]} answers both "
            "\"did I react?\" and \"all reactions to this message\".")


# ------------------------------------------------------------------ step 2: the repository

REPOSITORY_PROBE = """\
// Written by notebook 10's check: calls your repository the way the service will.
import { v } from "convex/values";
import { internalMutation, internalQuery } from "./_generated/server";
import { deleteReaction, findReaction, insertReaction, listReactions } from "./model/repositories/reactions";

type Emoji = Parameters<typeof findReaction>[3];
const key = { messageId: v.id("messages"), userId: v.id("users"), emoji: v.string() };

export const find = internalQuery({
  args: key,
  handler: async (ctx, { messageId, userId, emoji }) => await findReaction(ctx, messageId, userId, emoji as Emoji),
});
export const insert = internalMutation({
  args: key,
  handler: async (ctx, { messageId, userId, emoji }) =>
    await insertReaction(ctx, { messageId, userId, emoji: emoji as Emoji }),
});
export const remove = internalMutation({
  args: { reactionId: v.id("reactions") },
  handler: async (ctx, { reactionId }) => {
    await deleteReaction(ctx, reactionId);
    return null;
  },
});
export const list = internalQuery({
  args: { messageId: v.id("messages") },
  handler: async (ctx, { messageId }) => await listReactions(ctx, messageId),
});
"""


def check_repository(app: Path, pg) -> str:
    if problem := _missing_exports(app, REPOSITORY, REPOSITORY_EXPORTS):
        return problem + " Start with findReaction(ctx, messageId, userId, emoji)."
    if "reactions" not in pg.tables:
        return f"{FAIL} Not yet: the repository reads the reactions table, which step 1 adds: finish step 1 first."
    if problem := _with_probe(app, pg, "capstoneRepositoryProbe", REPOSITORY_PROBE):
        return problem
    seed = _seed(pg, members=22)
    db, users, (first, second) = seed["db"], seed["users"], seed["messages"]
    mine = db.mutation("capstoneRepositoryProbe:insert", {"messageId": first, "userId": users[0], "emoji": "👍"})
    # Other people's reactions to the same message, and reactions to another message.
    db.insert("reactions", [{"messageId": first, "userId": user, "emoji": "👍"} for user in users[1:21]])
    db.insert("reactions", [{"messageId": second, "userId": user, "emoji": "🎉"} for user in users[:20]])
    db.insert("reactions", {"messageId": first, "userId": users[0], "emoji": "🎉"})
    found = db.query("capstoneRepositoryProbe:find", {"messageId": first, "userId": users[0], "emoji": "👍"})
    read = db.last_call.metrics.documents_read
    if not found or found.get("_id") != mine:
        return f"{FAIL} Not yet: findReaction did not return the reaction insertReaction stored (got {found})."
    if read > 1:
        return (f"{FAIL} Not yet: findReaction read {read} documents to find one. Pin every field of an index "
                "with .withIndex(name, q => q.eq(...).eq(...).eq(...)), instead of .filter().")
    absent = db.query("capstoneRepositoryProbe:find", {"messageId": second, "userId": users[21], "emoji": "👍"})
    if absent is not None:
        return f"{FAIL} Not yet: findReaction found {absent} for a person who never reacted; expected null."
    listed = db.query("capstoneRepositoryProbe:list", {"messageId": first})
    read = db.last_call.metrics.documents_read
    if len(listed) != 22 or {r["messageId"] for r in listed} != {first}:
        return f"{FAIL} Not yet: listReactions returned {len(listed)} reactions; the message has 22."
    if read > 22:
        return (f"{FAIL} Not yet: listReactions read {read} documents for a message with 22 reactions: it reads "
                "other messages' reactions too. Use an index that starts with messageId.")
    db.mutation("capstoneRepositoryProbe:remove", {"reactionId": mine})
    if db.query("capstoneRepositoryProbe:find", {"messageId": first, "userId": users[0], "emoji": "👍"}) is not None:
        return f"{FAIL} Not yet: after deleteReaction, findReaction still finds the reaction."
    return (f"{PASS} The repository finds one reaction reading one document, lists a message's reactions "
            "reading only those, and inserts and deletes them.")


# ------------------------------------------------------------------ step 3: the service

SERVICE_PROBE = """\
// Written by notebook 10's check: calls your service the way the public functions will.
import { v } from "convex/values";
import type { Id } from "./_generated/dataModel";
import { internalMutation, internalQuery, type QueryCtx } from "./_generated/server";
import { countReactions, toggleReaction } from "./model/services/reactions";

type Emoji = Parameters<typeof toggleReaction>[3];

async function user(ctx: QueryCtx, userId: Id<"users">) {
  const found = await ctx.db.get("users", userId);
  if (found === null) throw new Error("the check's user is missing");
  return found;
}

export const toggle = internalMutation({
  args: { userId: v.id("users"), messageId: v.id("messages"), emoji: v.string() },
  handler: async (ctx, { userId, messageId, emoji }) =>
    await toggleReaction(ctx, await user(ctx, userId), messageId, emoji as Emoji),
});
export const counts = internalQuery({
  args: { userId: v.id("users"), messageId: v.id("messages") },
  handler: async (ctx, { userId, messageId }) => await countReactions(ctx, await user(ctx, userId), messageId),
});
"""


PROBES = {  # the reader's file -> (probe module, its source, the exports it calls)
    REPOSITORY: ("capstoneRepositoryProbe", REPOSITORY_PROBE, REPOSITORY_EXPORTS),
    SERVICE: ("capstoneServiceProbe", SERVICE_PROBE, SERVICE_EXPORTS),
}


def _rows(counts: list[dict[str, Any]]) -> list[tuple[str, int, bool]]:
    return [(row.get("emoji"), row.get("count"), row.get("reactedByMe")) for row in counts]


def _refusal(call) -> str | None:
    """The ConvexError code a call was refused with; None if it went through."""
    try:
        call()
    except ConvexError as error:
        return (error.data or {}).get("code") if isinstance(error.data, dict) else str(error.data)
    return None


def check_service(app: Path, pg) -> str:
    if problem := _missing_exports(app, SERVICE, SERVICE_EXPORTS):
        return problem + " toggleReaction(ctx, user, messageId, emoji) comes first."
    if problem := _missing_exports(app, REPOSITORY, REPOSITORY_EXPORTS):
        return f"{problem} The service builds on step 2's repository: finish step 2 first."
    if problem := _with_probe(app, pg, "capstoneServiceProbe", SERVICE_PROBE):
        return problem
    seed = _seed(pg)
    db, (ada, grace, linus), (message, _) = seed["db"], seed["users"], seed["messages"]

    def toggle(user, emoji):
        return db.mutation("capstoneServiceProbe:toggle", {"userId": user, "messageId": message, "emoji": emoji})

    def counts(user):
        return _rows(db.query("capstoneServiceProbe:counts", {"userId": user, "messageId": message}))

    if toggle(grace, "👍") is not True:
        return f"{FAIL} Not yet: toggleReaction should return true when it adds a reaction."
    toggle(ada, "🎉")
    toggle(ada, "👍")
    expected = [("👍", 2, True), ("🎉", 1, False)]
    got = counts(grace)
    if sorted(got) != sorted(expected):
        return (f"{FAIL} Not yet: after Grace 👍, Ada 🎉 and Ada 👍, countReactions for Grace gives {got}, "
                f"expected {expected}.")
    if got != expected:
        return (f"{FAIL} Not yet: the counts are right, but the rows should follow each emoji's oldest reaction "
                f"(👍 came first): {got}.")
    if toggle(grace, "👍") is not False:
        return f"{FAIL} Not yet: a second toggle of the same emoji should take the reaction back and return false."
    after = counts(grace)
    if sorted(after) != sorted([("👍", 1, False), ("🎉", 1, False)]):
        return (f"{FAIL} Not yet: after Grace took her 👍 back, her counts are {after}, "
                "expected 👍 1 (not hers) and 🎉 1.")
    if (stored := sum(r["messageId"] == message for r in db.table("reactions"))) != 2:
        return (f"{FAIL} Not yet: the message has {stored} reactions where 2 should remain "
                "(one person, one emoji, one row).")
    if (code := _refusal(lambda: toggle(linus, "👍"))) != "NOT_A_MEMBER":
        return (f"{FAIL} Not yet: someone outside the channel could react ({code or 'no error'}); the service "
                "must refuse with NOT_A_MEMBER (requireMembership from ./channels).")
    if (code := _refusal(lambda: counts(linus))) != "NOT_A_MEMBER":
        return (f"{FAIL} Not yet: someone outside the channel could read the counts ({code or 'no error'}); "
                "expected NOT_A_MEMBER.")
    return (f"{PASS} The service enforces the rules: members only, one reaction per person and emoji, "
            "a second toggle takes it back, rows ordered by each emoji's oldest reaction.")


# ------------------------------------------------------------------ step 4: the public functions


def check_public(app: Path, pg) -> str:
    if problem := _missing_exports(app, PUBLIC, PUBLIC_EXPORTS):
        return problem + " Export a mutation `toggle` and a query `counts`."
    if problem := load_problem(app):
        return problem
    source = (app / PUBLIC).read_text(encoding="utf-8")
    if "ctx.db" in source:
        return (f"{FAIL} Not yet: convex/reactions.ts uses ctx.db itself. A public function only finds the caller "
                "(requireUser) and hands over to the service, which reads through the repository.")
    owner, member, outsider = (pg.client(person(name)) for name in ("olga", "mia", "otto"))
    for client in (owner, member, outsider):
        client.mutation("users:store")
    channel = owner.mutation("channels:create", {"name": unique("reacting")})
    member.mutation("channels:join", {"channelId": channel})
    message = owner.mutation("messages:send", {"channelId": channel, "body": "Ship it?"})
    try:
        added = member.mutation("reactions:toggle", {"messageId": message, "emoji": "👍"})
    except Exception as error:
        return f"{FAIL} Not yet: reactions:toggle failed for a member: {error_message(error)}"
    if added is not True:
        return f"{FAIL} Not yet: reactions:toggle returned {added!r} on adding a reaction; expected true."
    rows = _rows(owner.query("reactions:counts", {"messageId": message}))
    if rows != [("👍", 1, False)]:
        return f"{FAIL} Not yet: the owner's reactions:counts gives {rows}; expected [('👍', 1, False)]."
    if _rows(member.query("reactions:counts", {"messageId": message})) != [("👍", 1, True)]:
        return f"{FAIL} Not yet: reactedByMe must follow the caller: the member who reacted should see true."
    if (code := _refusal(lambda: outsider.mutation("reactions:toggle", {"messageId": message, "emoji": "👍"}))) \
            != "NOT_A_MEMBER":
        return f"{FAIL} Not yet: an outsider's toggle ended with {code or 'no error'}, not NOT_A_MEMBER."
    if (code := _refusal(lambda: pg.client().mutation("reactions:toggle", {"messageId": message, "emoji": "🎉"}))) \
            != "NOT_AUTHENTICATED":
        return (f"{FAIL} Not yet: a signed-out toggle ended with {code or 'no error'}; the caller comes from "
                "requireUser(ctx), which refuses with NOT_AUTHENTICATED.")
    try:
        member.mutation("reactions:toggle", {"messageId": message, "emoji": "🎉", "userId": "someone else"})
        return (f"{FAIL} Not yet: toggle accepted a userId argument. Declare args (messageId, emoji only) so the "
                "validator refuses anything else; the reacting person is always the caller.")
    except ConvexError as error:
        return f"{FAIL} Not yet: an extra userId argument reached the handler ({error_message(error)}); declare args."
    except Exception:
        pass
    return (f"{PASS} reactions:toggle and reactions:counts are thin: validated arguments, the caller from the "
            "token, the rules from the service.")


# ------------------------------------------------------------------ step 5: the test

# Two reference versions with one bug each; the reader's test must fail on both.
MUTANTS = {
    "never-takes-back": ("    await deleteReaction(ctx, existing._id);\n    return false;\n", "    return true;\n",
                         "whose second toggle never takes the reaction back"),
    "lets-anyone-react": ("  await requireMembership(ctx, user, message.channelId);\n", "",
                          "that lets people outside the channel react and read the counts"),
}
VITEST_CONFIG = """\
// Written by notebook 10's check: runs the reader's test against each copy.
import { defineConfig } from "vitest/config";

export default defineConfig({
  cacheDir: ".vite-{name}",
  test: {
    environment: "edge-runtime",
    include: {include},
    server: { deps: { inline: ["convex-test"] } },
  },
});
"""
# vitest's verdict on a set of files, by their digest: the same files always get the same verdict, and
# a second run of the check (or "Run all" after a restart) does not pay for vitest again.
VERDICTS = SCRATCH / ".capstone-verdicts"


def _copy_for_test(app: Path, target: Path, convex_from: Path, test_source: str) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(convex_from / "convex", target / "convex", ignore=shutil.ignore_patterns("node_modules"))
    shutil.copytree(app / "tests" / "support", target / "tests" / "support")
    (target / TEST).write_text(test_source, encoding="utf-8")


def _run_vitest(name: str, folders: list[Path]) -> dict[str, dict[str, Any]]:
    """Runs vitest once over the folders' test files; per folder: passed, failed and the first failure."""
    config = SCRATCH / f"{name}.vitest.config.mjs"
    include = json.dumps([f"{folder.name}/{TEST}" for folder in folders])
    config.write_text(VITEST_CONFIG.replace("{name}", name).replace("{include}", include), encoding="utf-8")
    report = SCRATCH / f"{name}.vitest.json"
    report.unlink(missing_ok=True)
    vitest = DEFAULT_APP / "node_modules" / "vitest" / "vitest.mjs"
    process = subprocess.run(["node", str(vitest), "run", "--config", str(config), "--root", str(SCRATCH),
                              "--reporter=json", f"--outputFile={report}"],
                             cwd=SCRATCH, capture_output=True, text=True, timeout=300)
    if not report.is_file():
        raise PlaygroundError(f"vitest did not run: {(process.stderr or process.stdout).strip()[-800:]}")
    results = json.loads(report.read_text(encoding="utf-8"))["testResults"]
    outcome = {}
    for folder in folders:
        file = next((r for r in results if Path(r["name"]).parts[-3:-2] == (folder.name,)), None)
        assertions = file["assertionResults"] if file else []
        failures = [a for a in assertions if a["status"] == "failed"]
        first = (failures[0]["fullName"] + ": " + (failures[0]["failureMessages"] or [""])[0]) if failures else \
            (file.get("message", "") if file else "no result")
        outcome[folder.name] = {"passed": sum(a["status"] == "passed" for a in assertions),
                                "failed": len(failures), "loaded": bool(assertions),
                                "first": first.strip().splitlines()[0][:300] if first.strip() else ""}
    return outcome


def check_test(app: Path, pg, test_source: str) -> str:
    if not re.search(r"\b(test|it)\s*\(", test_source):
        return (f"{FAIL} Not yet: TEST_SOURCE has no test( ... ) yet. Start with one: toggle twice as a member "
                "and expect the counts to be empty again.")
    if problem := _missing_exports(app, PUBLIC, PUBLIC_EXPORTS):
        return f"{problem} The test calls step 4's public functions: finish step 4 first."
    mine = SCRATCH / f"{app.name}-test-yours"
    folders = [mine, SCRATCH / f"{app.name}-test-reference",
               *(SCRATCH / f"{app.name}-test-{mutant}" for mutant in MUTANTS)]
    _copy_for_test(app, mine, app, test_source)
    _copy_for_test(app, folders[1], DEFAULT_APP, test_source)
    service = (DEFAULT_APP / SERVICE).read_text(encoding="utf-8")
    for folder, (original, broken, _) in zip(folders[2:], MUTANTS.values()):
        if service.count(original) != 1:
            raise PlaygroundError(f"snippets/{SERVICE} changed: the check's mutation {original!r} no longer applies")
        _copy_for_test(app, folder, DEFAULT_APP, test_source)
        (folder / SERVICE).write_text(service.replace(original, broken), encoding="utf-8")
    key = hashlib.sha256(b"".join(_digest(folder).encode() + (folder / TEST).read_bytes()
                                  for folder in folders)).hexdigest()
    remembered = VERDICTS / key
    if not remembered.is_file():
        verdict = _test_verdict(app.name, folders)
        VERDICTS.mkdir(parents=True, exist_ok=True)
        remembered.write_text(verdict, encoding="utf-8")
    return remembered.read_text(encoding="utf-8")


def _test_verdict(name: str, folders: list[Path]) -> str:
    results = _run_vitest(name, folders)
    yours, reference = results[folders[0].name], results[folders[1].name]
    if not yours["loaded"]:
        return f"{FAIL} Not yet: the test file did not run: {yours['first'] or 'no tests were found'}"
    if yours["failed"]:
        return f"{FAIL} Not yet: your test fails on your own app: {yours['first']}"
    if reference["failed"] or not reference["loaded"]:
        return (f"{FAIL} Not yet: your test fails on the reference feature (snippets/convex), so it checks more than "
                f"the exercise asked (an order? an error text?): {reference['first']}")
    for folder, (_, _, flaw) in zip(folders[2:], MUTANTS.values()):
        if not results[folder.name]["failed"]:
            return (f"{FAIL} Not yet: your {yours['passed']} test(s) also pass on a version {flaw}. "
                    "Add a test that catches it.")
    return (f"{PASS} Your {yours['passed']} test(s) pass on your app and on the reference, and catch both broken "
            "versions (one that never takes a reaction back, one that lets outsiders react).")
