"""The reviewer's rule catalogue: one stable id per rule.

Ids never change meaning once published (suppression comments and baselines
name them). Each rule belongs to one of the six categories of the guide's
review process, has a default severity, the pass that can find it, and a page
in the guide's rule reference (`docs/reference/rules/<id>.md`).
"""

from __future__ import annotations

from dataclasses import dataclass

# The six areas of the review process in the seed document, in its order.
CATEGORIES = {
    "schema": "Schema quality",
    "performance": "Query performance",
    "transactions": "Transaction safety",
    "organisation": "Code organisation",
    "security": "Security",
    "realtime": "Real-time optimisation",
}

PUBLISHED_SITE = "https://convex-architecture-guide.github.io/convex-architecture-guide/"


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: str  # the default: error | warning | info
    passes: tuple[str, ...]  # which stages can report it: "static", "dynamic", "suppression"
    title: str

    @property
    def docs_path(self) -> str:
        """The rule's page, relative to the site root."""
        return f"reference/rules/{self.id}/"

    @property
    def docs_url(self) -> str:
        return PUBLISHED_SITE + self.docs_path


def _rule(id: str, category: str, severity: str, passes: str, title: str) -> Rule:
    return Rule(id, category, severity, tuple(passes.split("+")), title)


_ALL = [
    _rule("redundant-index", "schema", "warning", "static",
          "An index whose fields are a prefix of another index on the same table"),
    _rule("unused-index", "schema", "info", "static+dynamic",
          "An index no function reads through"),
    _rule("missing-index", "schema", "warning", "static+dynamic",
          "A query filters or orders by fields no index covers"),
    _rule("filter-scan", "performance", "warning", "static+dynamic",
          "A database query narrowed with .filter() instead of an index range"),
    _rule("unbounded-collect", "performance", "warning", "static+dynamic",
          "A .collect() whose result grows with the table"),
    _rule("read-limit", "performance", "error", "dynamic",
          "A function that fails, or comes near, a transaction's read limits at a realistic size"),
    _rule("n-plus-one", "performance", "warning", "static+dynamic",
          "One database read per item of an earlier result"),
    _rule("reads-exceed-results", "performance", "warning", "dynamic",
          "A query reads far more documents than it returns"),
    _rule("floating-promise", "transactions", "error", "static",
          "A promise from ctx.db, ctx.scheduler or ctx.run* that is never awaited"),
    _rule("sequential-run-in-action", "transactions", "warning", "static",
          "An action runs several queries or mutations one after another, each its own transaction"),
    _rule("run-in-transaction", "transactions", "warning", "static",
          "A query or mutation calls ctx.runQuery / ctx.runMutation instead of a plain function"),
    _rule("hot-document", "transactions", "warning", "dynamic",
          "Every call writes the same document, so concurrent calls conflict"),
    _rule("old-function-syntax", "organisation", "warning", "static",
          "A function registered as a bare handler instead of { args, handler }"),
    _rule("implicit-table-id", "organisation", "info", "static",
          "ctx.db.get / patch / replace / delete called without the table name"),
    _rule("api-from-server", "organisation", "warning", "static",
          "Server code schedules or runs a function through api.* instead of internal.*"),
    _rule("runaction-same-runtime", "organisation", "warning", "static",
          "An action calls ctx.runAction on a function in the same runtime"),
    _rule("wrong-runtime-import", "organisation", "error", "static",
          "A module without \"use node\" imports one that needs Node, or the other way round"),
    _rule("fat-handler", "organisation", "info", "static",
          "A public function's handler holds business logic instead of calling the model layer"),
    _rule("missing-args-validator", "security", "error", "static+dynamic",
          "A public function without an args validator"),
    _rule("missing-access-control", "security", "error", "static+dynamic",
          "A public function reads or changes data without checking who is calling"),
    _rule("identity-from-args", "security", "error", "static+dynamic",
          "A public function trusts a userId or email argument as the caller"),
    _rule("public-should-be-internal", "security", "warning", "static",
          "A public function only ever called from the server"),
    _rule("unverified-webhook", "security", "error", "static",
          "An HTTP action acts on a request body without verifying its signature"),
    _rule("nondeterministic-query", "realtime", "warning", "static",
          "A query reads Date.now() or Math.random(), so its cached result goes stale"),
    _rule("broad-subscription", "realtime", "warning", "dynamic",
          "A query's read set is far wider than its result, so unrelated writes re-run it"),
    # Reported by the reviewer itself: a suppression comment that silences nothing.
    _rule("invalid-suppression", "organisation", "warning", "suppression",
          "A convex-review-ignore comment without a reason, or naming no known rule"),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
