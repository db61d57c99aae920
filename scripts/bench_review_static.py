#!/usr/bin/env python3
"""Timings of the reviewer's static pass: the reference app, and a generated app of 300 modules.

    python scripts/bench_review_static.py [--modules 300]

`bench_static_numbers()` returns the same numbers for `make bench`
(scripts/bench.py): each app cold (TypeScript runs) and warm (unchanged
since the last pass, so the result cache answers). The generated app is
written to a temporary folder: 30 tables, each with two indexes, and per
table ten modules of a query, a mutation and an internal function that use
a shared model helper, so the pass follows calls across modules as it does
in a real app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from convex_review.static_pass import bench_static, run_static  # noqa: E402

REFERENCE_APP = REPO / "snippets"
TABLES = 30

MODULE = """import {{ v }} from "convex/values";
import {{ internalMutation, mutation, query }} from "../_generated/server";
import {{ requireUser, recentOf }} from "../model/{table}";

export const list{n} = query({{
  args: {{ ownerId: v.id("users") }},
  handler: async (ctx, {{ ownerId }}) => {{
    await requireUser(ctx);
    const rows = await recentOf(ctx, ownerId);
    return rows.filter((row) => row.score > {n});
  }},
}});

export const add{n} = mutation({{
  args: {{ label: v.string(), score: v.number() }},
  handler: async (ctx, {{ label, score }}) => {{
    const user = await requireUser(ctx);
    return await ctx.db.insert("{table}", {{ ownerId: user._id, label, score }});
  }},
}});

export const prune{n} = internalMutation({{
  args: {{}},
  handler: async (ctx) => {{
    const old = await ctx.db.query("{table}").withIndex("by_label", (q) => q.eq("label", "old")).take(100);
    for (const row of old) await ctx.db.delete("{table}", row._id);
  }},
}});
"""

MODEL = """import type {{ Id }} from "../_generated/dataModel";
import type {{ QueryCtx }} from "../_generated/server";

export async function requireUser(ctx: QueryCtx) {{
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) throw new Error("Not signed in");
  const user = await ctx.db.query("users").withIndex("by_token", (q) => q.eq("tokenIdentifier", identity.tokenIdentifier)).unique();
  if (user === null) throw new Error("Unknown user");
  return user;
}}

export async function recentOf(ctx: QueryCtx, ownerId: Id<"users">) {{
  return await ctx.db.query("{table}").withIndex("by_owner", (q) => q.eq("ownerId", ownerId)).order("desc").take(20);
}}
"""


def generate_app(root: Path, modules: int = 300) -> Path:
    """Write a Convex app with `modules` function modules (plus TABLES model modules) under `root`."""
    functions = root / "convex"
    (functions / "model").mkdir(parents=True)
    tables = [f"items{t}" for t in range(TABLES)]
    schema = ['import { defineSchema, defineTable } from "convex/server";', 'import { v } from "convex/values";', "",
              "export default defineSchema({",
              '  users: defineTable({ tokenIdentifier: v.string() }).index("by_token", ["tokenIdentifier"]),']
    for table in tables:
        schema.append(f'  {table}: defineTable({{ ownerId: v.id("users"), label: v.string(), score: v.number() }})'
                      f'.index("by_owner", ["ownerId"]).index("by_label", ["label"]),')
        (functions / "model" / f"{table}.ts").write_text(MODEL.format(table=table))
    schema.append("});")
    (functions / "schema.ts").write_text("\n".join(schema) + "\n")
    for n in range(modules):
        table = tables[n % TABLES]
        folder = functions / f"area{n % 10}"
        folder.mkdir(exist_ok=True)
        (folder / f"module{n}.ts").write_text(MODULE.format(table=table, n=n))
    return root


def bench_static_numbers(modules: int = 300) -> dict[str, float]:
    """Seconds for the static pass on the reference app and on a generated app of `modules` modules."""
    numbers = {"reference app, cold": bench_static(REFERENCE_APP)}
    run_static(REFERENCE_APP)  # fills the result cache, as a first review does
    numbers["reference app, warm"] = bench_static(REFERENCE_APP, cache=True)
    with tempfile.TemporaryDirectory(prefix="review-static-bench-") as tmp:
        app = generate_app(Path(tmp) / "app", modules)
        run_static(app)  # generates _generated/ into the cache once and fills the result cache
        numbers[f"generated app, {modules} modules, cold"] = bench_static(app)
        numbers[f"generated app, {modules} modules, warm"] = bench_static(app, cache=True)
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=300)
    args = parser.parse_args()
    for name, seconds in bench_static_numbers(args.modules).items():
        print(f"static pass, {name}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
