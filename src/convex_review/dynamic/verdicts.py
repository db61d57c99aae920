"""From recorded calls to findings: each rule's test on the measurements, with the numbers as evidence.

Thresholds (why they are what they are):

* Growth: a function's reads grow with the table when, between the two sizes,
  they rise by at least half the rise in rows per table. A bounded read
  (`.take(n)`, a tight index range, a page) does not rise at all, so the
  margin is wide on both sides.
* reads-exceed-results: at the largest size a query reads at least 10 documents
  per item it returns, and at least min(100, half a table) in all.
* read-limit: a call failed on a transaction limit, or used half of one
  (limits from the guide's facts registry, facts/convex.yml).
* n-plus-one: the index ranges a call reads grow with what it returns: between
  the sizes, ranges rise by at least half as much as the items returned, and
  reach 20 or more (a join done as one `get` per row of a list that grows; a
  join over a bounded page does not grow, and is not reported).
* hot-document: every successful call of a mutation (by alice and bob, with
  different arguments) wrote one same pre-existing document, not named in any
  of the arguments.
* broad-subscription: a live query re-ran when a fresh document that no probe
  user owns was written to a table it read, its result did not change, and it
  reads at least 5 documents per item it returns.
* missing-access-control and identity-from-args: see `_access_findings`.
* unused-index: no call read through the index, and every query and mutation
  (public and internal) that may read its table was covered: it ran without
  error and read an index range or wrote a document (a call that returned
  early proves nothing). Which functions may read a table comes from the
  static pass when it is given (`tablesRead`, `tablesWritten`); without it,
  every function may, so all must be covered. Otherwise an index may serve
  code the pass did not reach: nothing is reported, and a warning names the
  functions that were not covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from convex_review.findings import Finding
from convex_review.rules import RULES
from guide_tools import facts

from .arguments import names_users
from .probes import CallOutcome
from .runner import Round
from .values import identity_key

# A returned string counts as a document's value only from this length up: short ones ("open", "done")
# are shared by many documents by chance.
_DISTINCT_LENGTH = 8
# Fields whose values only their user may see, by name: the identity fields the seeder fills from the
# caller's token, and the names the static pass (static/rules.mjs, PERSONAL_FIELD) treats as personal.
_PERSONAL_FIELD = re.compile(r"^(email|emailAddress|tokenIdentifier|phone|phoneNumber|address|password\w*|secret\w*"
                             r"|token|apiKey)$", re.IGNORECASE)
_PERSONAL_IDENTITY = {"tokenIdentifier", "subject", "email"}
_LIMIT_ERROR = re.compile(r"(too many|too much).*(single function execution|transaction)|read limit", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    documents_read: int
    bytes_read: int
    index_ranges: int

    @classmethod
    def from_facts(cls) -> "Limits":
        return cls(documents_read=int(facts.value("transactions.documents_scanned")),
                   bytes_read=int(facts.value("transactions.data_read")) * 1024 * 1024,
                   index_ranges=int(facts.value("transactions.index_ranges")))


@dataclass
class Where:
    """Where a function or an index is defined, as the report shows it."""

    file: str | None
    line: int | None


def _finding(rule: str, where: Where, function: str | None, message: str, evidence: dict, fix: str) -> Finding:
    spec = RULES[rule]
    return Finding(rule=rule, category=spec.category, severity=spec.severity, file=where.file, line=where.line,
                   function=function, message=message, evidence=evidence, fix=fix, docs=spec.docs_url,
                   source="dynamic")


def _n(value: float) -> str:
    return f"{int(value):,}"


def measured(rounds: list[Round], name: str) -> dict[int, CallOutcome]:
    """The measurement call of a function at each size (only those that ran)."""
    return {r.size: o for r in rounds for o in r.outcomes if o.function == name and o.purpose == "measure"}


def judge(rounds: list[Round], functions: list[dict], locate: Any, enabled: set[str],
          static_functions: dict[str, dict] | None = None) -> tuple[list[Finding], list[str]]:
    """Every finding the rounds prove; `locate(function_name)` and `locate(None, index=...)` give a Where."""
    findings: list[Finding] = []
    warnings: list[str] = []
    limits = Limits.from_facts()
    sizes = sorted(r.size for r in rounds)
    for function in functions:
        if function["visibility"] != "public":
            continue
        name = function["name"]
        where = locate(name)
        calls = measured(rounds, name)
        ok = {size: o for size, o in calls.items() if o.ok}
        if function.get("args", {}).get("type") == "any":
            findings.append(_finding("missing-args-validator", where, name,
                                     f"{name} accepts any arguments: its args validator is missing (exportArgs() "
                                     "is {\"type\": \"any\"}).", {"exportArgs": function.get("args")},
                                     "Declare `args` with validators for every argument."))
        findings += _limit_findings(name, where, calls, limits)
        if function["kind"] != "action" and len(ok) >= 2:
            findings += _growth_findings(name, where, ok, limits)
        if ok and function["kind"] == "query":
            findings += _ratio_findings(name, where, ok[max(ok)], sizes)
        if len(ok) >= 2:
            findings += _join_findings(name, where, ok[min(ok)], ok[max(ok)])
        if function["kind"] == "mutation":
            findings += _hot_findings(name, where, rounds)
        if function["kind"] == "query":
            findings += _subscription_findings(name, where, rounds, ok)
    access, access_warnings = _access_findings(rounds, functions, locate)
    findings += access
    warnings += access_warnings
    unused, unused_warnings = _unused_indexes(rounds, functions, locate, static_functions or {})
    findings += unused
    warnings += unused_warnings
    return [f for f in findings if f.rule in enabled], warnings


def _limit_findings(name: str, where: Where, calls: dict[int, CallOutcome], limits: Limits) -> list[Finding]:
    for size in sorted(calls, reverse=True):
        outcome = calls[size]
        m = outcome.metrics
        evidence = {"rowsPerTable": size, "documentsRead": m.documents_read, "bytesRead": m.bytes_read,
                    "indexRanges": m.index_ranges, "limits": {"documentsRead": limits.documents_read,
                                                             "bytesRead": limits.bytes_read,
                                                             "indexRanges": limits.index_ranges}}
        if not outcome.ok and outcome.error and _LIMIT_ERROR.search(outcome.error):
            return [_finding("read-limit", where, name,
                             f"{name} fails at {_n(size)} rows per table: {outcome.error.splitlines()[0]}",
                             {**evidence, "error": outcome.error.splitlines()[0]},
                             "Read through an index range and bound the read with .take() or .paginate().")]
        shares = {"documents": m.documents_read / limits.documents_read, "bytes": m.bytes_read / limits.bytes_read,
                  "index ranges": m.index_ranges / limits.index_ranges}
        worst = max(shares, key=shares.get)
        if outcome.ok and shares[worst] >= 0.5:
            return [_finding("read-limit", where, name,
                             f"{name} uses {shares[worst]:.0%} of a transaction's {worst} read limit at "
                             f"{_n(size)} rows per table.", evidence,
                             "Read through an index range and bound the read with .take() or .paginate().")]
    return []


def _grows(small: float, large: float, small_size: int, large_size: int) -> bool:
    return large - small >= 0.5 * (large_size - small_size) and large > small


def _growth_findings(name: str, where: Where, ok: dict[int, CallOutcome], limits: Limits) -> list[Finding]:
    small_size, large_size = min(ok), max(ok)
    small, large = ok[small_size], ok[large_size]
    reads = (small.metrics.documents_read, large.metrics.documents_read)
    if not _grows(reads[0], reads[1], small_size, large_size):
        return []
    per_row = (reads[1] - reads[0]) / (large_size - small_size)
    evidence = {"documentsRead": {small_size: reads[0], large_size: reads[1]},
                "resultItems": {small_size: small.result_items, large_size: large.result_items},
                "readsPerRowOfTable": round(per_row, 2),
                "rowsPerTableAtReadLimit": int(limits.documents_read / per_row) if per_row > 0 else None,
                "sources": sorted(large.sources)}
    growth = (f"reads {_n(reads[1])} documents at {_n(large_size)} rows per table and {_n(reads[0])} at "
              f"{_n(small_size)}: grows with the table")
    filtered = sorted(source for source, count in large.filtered.items() if count)
    if filtered:
        return [_finding("filter-scan", where, name,
                         f"{name} {growth}; it narrows {', '.join(filtered)} with .filter() instead of an index range.",
                         {**evidence, "filtered": filtered},
                         "Add an index on the filtered fields and read with .withIndex().")]
    return [_finding("unbounded-collect", where, name,
                     f"{name} {growth} (returns {_n(large.result_items)} at {_n(large_size)}).", evidence,
                     "Bound the read: .take(n), .paginate(), or keep a running count/summary document.")]


def _ratio_findings(name: str, where: Where, outcome: CallOutcome, sizes: list[int]) -> list[Finding]:
    reads = outcome.metrics.documents_read
    items = outcome.result_items
    if reads >= 10 * max(1, items) and reads >= min(100, max(sizes) // 2):
        return [_finding("reads-exceed-results", where, name,
                         f"{name} reads {_n(reads)} documents to return {_n(items)} (at {_n(outcome.size)} rows per table).",
                         {"rowsPerTable": outcome.size, "documentsRead": reads, "resultItems": items,
                          "bytesRead": outcome.metrics.bytes_read, "resultBytes": outcome.result_bytes},
                         "Read only what is returned: an index range on the fields it filters by, or a summary document.")]
    return []


def _join_findings(name: str, where: Where, small: CallOutcome, large: CallOutcome) -> list[Finding]:
    ranges = (small.metrics.index_ranges, large.metrics.index_ranges)
    items = (small.result_items, large.result_items)
    if items[1] > items[0] and ranges[1] >= 20 and ranges[1] - ranges[0] >= 0.5 * (items[1] - items[0]):
        return [_finding("n-plus-one", where, name,
                         f"{name} reads {_n(ranges[1])} index ranges to return {_n(items[1])} items at "
                         f"{_n(large.size)} rows per table ({_n(ranges[0])} for {_n(items[0])} at {_n(small.size)}): "
                         "one read per item.",
                         {"indexRanges": {small.size: ranges[0], large.size: ranges[1]},
                          "resultItems": {small.size: items[0], large.size: items[1]}},
                         "Denormalise what each item needs, or bound the list so the per-item reads stay few.")]
    return []


def _hot_findings(name: str, where: Where, rounds: list[Round]) -> list[Finding]:
    for current in rounds:
        calls = [o for o in current.outcomes if o.function == name and o.ok and o.purpose in ("measure", "repeat")]
        if len(calls) < 3 or len({o.caller for o in calls}) < 2:
            continue
        named = {str(v) for o in calls for v in _strings(o.args)}
        common = None
        for outcome in calls:
            written = {w.id for w in outcome.writes if w.existed and not w.deleted} - named
            common = written if common is None else common & written
        if common:
            document = sorted(common)[0]
            table = next(w.table for w in calls[0].writes if w.id == document)
            return [_finding("hot-document", where, name,
                             f"{name} writes the same {table} document on every call ({len(calls)} calls by "
                             f"{', '.join(sorted({o.caller for o in calls}))} with different arguments): concurrent "
                             "calls conflict and retry.",
                             {"calls": len(calls), "table": table, "document": document},
                             "Shard the counter or keep per-user documents; aggregate in a query or a scheduled job.")]
    return []


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _subscription_findings(name: str, where: Where, rounds: list[Round], ok: dict[int, CallOutcome]) -> list[Finding]:
    for current in rounds:
        outcome = ok.get(current.size)
        if outcome is None:
            continue
        wide = [s for s in current.subscriptions if s.function == name and s.reran and not s.changed]
        reads, items = outcome.metrics.documents_read, outcome.result_items
        if wide and reads >= 5 * max(1, items):
            tables = sorted({s.table for s in wide})
            return [_finding("broad-subscription", where, name,
                             f"{name} re-ran when an unrelated document was written to {', '.join(tables)} and "
                             f"returned the same result: it reads {_n(reads)} documents to return {_n(items)}.",
                             {"rowsPerTable": current.size, "invalidatedBy": tables, "documentsRead": reads,
                              "resultItems": items},
                             "Read through an index range that matches what the query returns.")]
    return []


def _access_findings(rounds: list[Round], functions: list[dict], locate: Any) -> tuple[list[Finding], list[str]]:
    """missing-access-control and identity-from-args, each proved by a call.

    Ownership comes from the seeded data (seeding.py): a document belongs to
    the user its user-reference field names. Data meant to be public (a chat's
    messages, a channel list) is still owned by its author, so reading it is
    not enough: a table counts as *private* only when the app itself scopes it
    to the caller, that is when a public query called as alice, with no
    argument naming a user, returns two or more of that table's documents and
    every one of them is alice's (she owns a quarter of each table, so this
    does not happen by chance).

    missing-access-control is reported when, with alice's data in the
    arguments, an anonymous caller or carol (signed in, owning nothing):
    * gets back a document of a private table owned by alice, or reads a
      private table and gets back a value of one of alice's documents there
      (a field of it, e.g. its owner's id) that the arguments did not hold; or
    * changes or deletes a document owned by alice, where the document is in
      a private table, is her users document, is deleted, or the caller is
      anonymous (a signed-in user editing a shared document, e.g. a counter on
      someone's post, can be by design); or
    * anonymously creates a document owned by alice; or
    * anonymously gets back a personal value (an email, a token identifier,
      a phone number: see `personal_values`) of a users document.

    identity-from-args is reported when carol, naming bob in the function's
    user arguments (a `v.id("users")`, an email, a token identifier), creates
    or changes a document owned by bob (a new users document holding bob's
    token identifier or email is bob's) or gets back private data of bob's: the function took the user from its arguments, since carol has no
    role or membership that could allow it.
    """
    findings: list[Finding] = []
    private: dict[str, str] = {}  # table -> the query that proves it is scoped to its caller
    for current in rounds:
        state = current.state
        for outcome in current.outcomes:
            function = next((f for f in functions if f["name"] == outcome.function), None)
            if (outcome.purpose != "measure" or outcome.caller != "alice" or not outcome.ok or function is None
                    or function["kind"] != "query" or names_users(function, state)):
                continue
            by_table: dict[str, list[str]] = {}
            for document in outcome.returned_documents():
                table = _table_of(document["_id"], state)
                if table and table != state.users_table and state.tables.get(table) and state.tables[table].owner_fields:
                    by_table.setdefault(table, []).append(state.owner.get(document["_id"], "other"))
            for table, owners in by_table.items():
                if len(owners) >= 2 and all(owner == "alice" for owner in owners):
                    private.setdefault(table, outcome.function)

    reported: set[tuple[str, str]] = set()
    for current in rounds:
        state = current.state
        personal = personal_values(state)  # once per round: it walks every seeded document
        for outcome in current.outcomes:
            if not outcome.ok or not outcome.purpose.startswith("probe"):
                continue
            victim = "bob" if outcome.purpose == "probe-identity-args" else "alice"
            rule = "identity-from-args" if outcome.purpose == "probe-identity-args" else "missing-access-control"
            if (rule, outcome.function) in reported:
                continue
            proof = _proof(outcome, victim, private, current, personal)
            if proof is None:
                continue
            reported.add((rule, outcome.function))
            who = "an anonymous caller" if outcome.caller == "anonymous" else f"{outcome.caller} (signed in, owning no data)"
            victim = proof.pop("owner", victim)
            evidence = {"caller": outcome.caller, "owner": victim, "rowsPerTable": outcome.size, **proof}
            if rule == "identity-from-args":
                message = (f"{outcome.function} acts on the user named in its arguments: called by {who} naming "
                           f"{victim}, it {proof['what']}.")
                fix = "Take the user from ctx.auth.getUserIdentity() (or your auth wrapper), not from the arguments."
            else:
                message = f"{outcome.function} lets {who} reach {victim}'s data: it {proof['what']}."
                fix = "Check the caller (ctx.auth.getUserIdentity() or an auth wrapper) and that they may touch this document."
            findings.append(_finding(rule, locate(outcome.function), outcome.function, message, evidence, fix))
    return findings, []


def _proof(outcome: CallOutcome, victim: str, private: dict[str, str], current: Round,
           personal: dict[str, tuple[str, str, str]]) -> dict | None:
    state = current.state
    leaked = [d["_id"] for d in outcome.returned_documents()
              if state.owner.get(d["_id"]) == victim and _table_of(d["_id"], state) in private]
    if leaked:
        table = _table_of(leaked[0], state)
        return {"what": f"returned {len(leaked)} of {victim}'s {table} documents", "table": table,
                "documents": leaked[:5], "privateBecause": f"{private[table]} returns only the caller's {table}"}
    shown = _private_values_shown(outcome, victim, private, state)
    if shown is not None:
        return shown
    if outcome.caller == "anonymous":
        shown_personal = _personal_values_returned(outcome, personal)
        if shown_personal:
            value, (table, document_id, field_name) = sorted(shown_personal.items())[0]
            owner = state.owner.get(document_id, "another user")
            return {"what": f"returned the {field_name} of {owner}'s {table} document {document_id} ({value})",
                    "owner": owner, "table": table, "documents": [document_id], "field": field_name}
    for write in outcome.writes:
        if write.existed and state.owner.get(write.id) == victim:
            serious = (write.deleted or write.table in private or write.id == state.user_ids.get(victim)
                       or outcome.caller == "anonymous" or outcome.purpose == "probe-identity-args")
            if serious:
                verb = "deleted" if write.deleted else "changed"
                return {"what": f"{verb} {victim}'s {write.table} document {write.id}", "table": write.table,
                        "documents": [write.id], "write": verb}
        if not write.existed and current.inserted_owner.get(write.id) == victim and (
                outcome.caller == "anonymous" or outcome.purpose == "probe-identity-args"):
            return {"what": f"created a {write.table} document owned by {victim} ({write.id})", "table": write.table,
                    "documents": [write.id], "write": "inserted"}
    return None



def _private_values_shown(outcome: CallOutcome, victim: str, private: dict[str, str], state: Any) -> dict | None:
    """The call read a private table and returned a value of one of the victim's documents there (a field,
    not the whole document: `digests.map((d) => d.userId)`), which the caller did not pass in."""
    tables = sorted({source.split(".")[0] for source in outcome.sources} & set(private))
    if not tables:
        return None
    returned = set(_strings(outcome.result)) - set(_strings(outcome.args))
    for table in tables:
        for document_id in state.ids.get(table, []):
            if state.owner.get(document_id) != victim:
                continue
            values = {text for text in _strings(state.documents.get(document_id, {})) if len(text) >= _DISTINCT_LENGTH}
            shown = sorted(values & returned)
            if shown:
                return {"what": f"read {table} and returned a value of {victim}'s document {document_id} ({shown[0]})",
                        "table": table, "documents": [document_id],
                        "privateBecause": f"{private[table]} returns only the caller's {table}"}
    return None


def personal_values(state: Any) -> dict[str, tuple[str, str, str]]:
    """Every distinct personal value seeded in the users table or a table with a personal field:
    value -> (table, document id, field)."""
    found: dict[str, tuple[str, str, str]] = {}
    for table, info in state.tables.items():
        fields = [name for name in info.fields
                  if _PERSONAL_FIELD.match(name) or identity_key(name) in _PERSONAL_IDENTITY]
        if not fields:
            continue
        for document_id in state.ids.get(table, []):
            document = state.documents.get(document_id, {})
            for field_name in fields:
                for value in _strings(document.get(field_name)):
                    if len(value) >= _DISTINCT_LENGTH:
                        found.setdefault(value, (table, document_id, field_name))
    return found


def _personal_values_returned(outcome: CallOutcome, personal: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
    """Those of the round's personal values (`personal_values`) the call returned that its arguments did not hold."""
    returned = set(_strings(outcome.result)) - set(_strings(outcome.args))
    return {value: where for value, where in personal.items() if value in returned}


def cleared_access(rounds: list[Round], functions: list[dict], findings: list[Finding]) -> dict[str, dict]:
    """Public functions whose anonymous calls read user data and showed none of it: function -> the evidence.

    The static pass suspects a public function that reads the users table (or
    a table with personal fields) without checking who is calling. Many such
    functions only show what everyone may see (each message's author name).
    A function is cleared when every anonymous probe of it succeeded, read
    those tables, returned something, and returned no personal value of any
    seeded document (no email, token identifier or phone number of anyone),
    and no call proved missing-access-control on it. The merge step
    (merge.withdraw_refuted) withdraws the static suspicion when the tables
    it names are among those read here.
    """
    proved = {f.function for f in findings if f.rule == "missing-access-control"}
    public = {f["name"] for f in functions if f["visibility"] == "public"}
    cleared: dict[str, dict] = {}
    for current in rounds:
        personal = personal_values(current.state)
        personal_tables = {table for table, _, _ in personal.values()}
        if current.state.users_table:
            personal_tables.add(current.state.users_table)
        anonymous: dict[str, list[CallOutcome]] = {}
        for outcome in current.outcomes:
            if outcome.purpose == "probe-anonymous" and outcome.function in public and outcome.function not in proved:
                anonymous.setdefault(outcome.function, []).append(outcome)
        for name, outcomes in anonymous.items():
            read = set().union(*(o.tables_read for o in outcomes)) & personal_tables
            if (not read or not all(o.ok and o.result_items > 0 for o in outcomes)
                    or any(_personal_values_returned(o, personal) for o in outcomes)):
                continue
            cleared.setdefault(name, {
                "caller": "anonymous", "rowsPerTable": current.size, "tablesRead": sorted(read),
                "resultItems": max(o.result_items for o in outcomes),
                "what": f"called anonymously, it read {', '.join(sorted(read))} and returned no email, token "
                        "identifier or other personal value of any user"})
    return cleared


def _table_of(document_id: str, state: Any) -> str | None:
    """convex-test's ids end with their table's name."""
    for table in sorted(state.tables, key=len, reverse=True):
        if document_id.endswith(table) and document_id[: -len(table)].isdigit():
            return table
    return None


def _unused_indexes(rounds: list[Round], functions: list[dict], locate: Any,
                    static_functions: dict[str, dict]) -> tuple[list[Finding], list[str]]:
    runnable = [f["name"] for f in functions if f["kind"] in ("query", "mutation")]
    covered = {o.function for r in rounds for o in r.outcomes
               if o.ok and (o.metrics.index_ranges > 0 or o.metrics.documents_written > 0)}
    used = {source for r in rounds for o in r.outcomes for source in o.sources} | {
        source for r in rounds for source in r.scheduled_sources}

    def may_touch(name: str, table: str) -> bool:
        known = static_functions.get(name)
        if known is None or "tablesRead" not in known:
            return True
        return table in (known.get("tablesRead") or []) or table in (known.get("tablesWritten") or [])

    findings: list[Finding] = []
    blocked: dict[str, list[str]] = {}
    for table, info in rounds[0].state.tables.items():
        for index in info.indexes:
            name = index["indexDescriptor"]
            if f"{table}.{name}" in used:
                continue
            uncovered = sorted(f for f in runnable if f not in covered and may_touch(f, table))
            if uncovered:
                blocked[f"{table}.{name}"] = uncovered
                continue
            fields = list(index.get("fields", []))
            findings.append(_finding("unused-index", locate(None, index=(table, name)), None,
                                     f"No call read through index {table}.{name} ({', '.join(fields)}), and every "
                                     f"query and mutation that may read {table} ran.",
                                     {"table": table, "index": name, "fields": fields,
                                      "coverage": {"covered": len(covered & set(runnable)), "of": len(runnable)}},
                                     "Remove the index if no code needs it (each index costs a write per insert and update)."))
    warnings = [f"unused-index not judged for {index}: no call read through it, but "
                f"{', '.join(names)} did not run far enough to tell" for index, names in blocked.items()]
    return findings, warnings
