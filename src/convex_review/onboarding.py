"""The onboarding report: what a team lead hands a new developer about an app.

Markdown (`--format markdown`) and a standalone HTML page
(`build/review/index.html`) with three parts, all generated from the review:
the data model as a Mermaid ER diagram (tables and their fields from the
schema, one relationship per `v.id("table")` field), the function catalog
(kind, visibility, whether it checks auth, tables touched, the reads the
dynamic pass measured) and the findings grouped by review category.

Table fields come from the static pass's schema: each table's `documentType`
(the object validator as Convex's `schema.export()` writes it) or `fields`
(that object's `value`: name -> {"fieldType", "optional"}, or name -> "id:<table>"
or a type word for short). When the static pass gives no fields, the app's
schema.ts is loaded once with Node (schema_export.mjs) and Convex's own
export supplies them; a schema that does not load leaves the tables without
attributes, and the report says why.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from .findings import Finding
from .review import Review
from .rules import CATEGORIES

_WORD = re.compile(r"[^A-Za-z0-9_]")
GUIDE_SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"
SCHEMA_EXPORT = Path(__file__).with_name("schema_export.mjs")


@lru_cache(maxsize=8)
def exported_schema(schema_file: Path) -> tuple[dict[str, Any] | None, str]:
    """Convex's `schema.export()` of one schema.ts, as {"tables": {name: {"documentType": ...}}}, or why not."""
    tsx = GUIDE_SNIPPETS / "node_modules" / "tsx" / "dist" / "loader.mjs"
    if not schema_file.is_file():
        return None, f"{schema_file.name} not found"
    if not tsx.is_file():
        return None, "tsx is not installed (run `make install`)"
    try:
        run = subprocess.run(["node", "--import", tsx.as_uri(), str(SCHEMA_EXPORT), str(schema_file)],
                             cwd=schema_file.parent, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"loading {schema_file.name} failed: {error}"
    if run.returncode != 0:
        lines = run.stderr.strip().splitlines()
        return None, f"{schema_file.name} did not load: {lines[0] if lines else 'exit ' + str(run.returncode)}"
    exported = json.loads(run.stdout)
    return {"tables": {table["tableName"]: {"documentType": table.get("documentType")}
                       for table in exported.get("tables", [])}}, ""


def schema_for_diagram(review: Review) -> tuple[dict[str, Any], str]:
    """The static pass's schema, with fields from Convex's own export when the pass gave none."""
    schema = getattr(review.static, "schema", {}) or {}
    tables = schema.get("tables", {}) or {}
    if not tables or any(table_fields(table) for table in tables.values()):
        return schema, ""
    functions_dir = Path(getattr(review.static, "functions_dir", review.app_root / "convex"))
    exported, problem = exported_schema((functions_dir / "schema.ts").resolve())
    if exported is None:
        return schema, problem
    merged = {name: {**table, **exported["tables"].get(name, {})} for name, table in tables.items()}
    return {**schema, "tables": merged}, ""


def table_fields(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> {"fieldType": validator JSON, "optional": bool} for one schema table."""
    fields = table.get("fields")
    if isinstance(fields, dict):
        return {name: _field_from_summary(value) for name, value in fields.items()}
    document = table.get("documentType")
    if isinstance(document, dict) and document.get("type") == "object" and isinstance(document.get("value"), dict):
        return document["value"]
    return {}


def _field_from_summary(value: Any) -> dict[str, Any]:
    """A field as the static pass may summarise it: "id:<table>" or a type word, or already validator JSON."""
    if isinstance(value, dict):
        return value
    text = str(value)
    if text.startswith("id:"):
        return {"fieldType": {"type": "id", "tableName": text[3:]}, "optional": False}
    return {"fieldType": {"type": text}, "optional": False}


def referenced_tables(validator: Any) -> list[str]:
    """Every table a validator's `v.id(...)` points at, nested ones (arrays, unions, objects) included."""
    if not isinstance(validator, dict):
        return []
    if validator.get("type") == "id" and isinstance(validator.get("tableName"), str):
        return [validator["tableName"]]
    value = validator.get("value")
    found: list[str] = []
    if isinstance(value, list):
        for member in value:
            found += referenced_tables(member)
    elif isinstance(value, dict):
        if "type" in value:
            found += referenced_tables(value)
        else:  # an object's fields
            for field in value.values():
                found += referenced_tables(field.get("fieldType") if isinstance(field, dict) else None)
    for key in ("keys", "values"):  # v.record(keys, values)
        found += referenced_tables(validator.get(key))
    return found


def _type_word(validator: Any) -> str:
    if not isinstance(validator, dict):
        return "any"
    kind = validator.get("type", "any")
    if kind == "id":
        return f"id_{_WORD.sub('_', str(validator.get('tableName', '')))}"
    if kind == "array":
        return f"{_type_word(validator.get('value'))}_array"
    return _WORD.sub("_", str(kind)) or "any"


def mermaid_er(schema: dict[str, Any]) -> str:
    """The schema as a Mermaid `erDiagram`: one entity per table, one relationship per id field."""
    tables: dict[str, Any] = (schema or {}).get("tables", {}) or {}
    lines = ["erDiagram"]
    relationships = []
    for name in sorted(tables):
        entity = _WORD.sub("_", name)
        fields = table_fields(tables[name])
        if fields:
            lines.append(f"    {entity} {{")
            for field_name, field in fields.items():
                validator = field.get("fieldType") if isinstance(field, dict) else None
                targets = referenced_tables(validator)
                key = " FK" if targets else ""
                note = ' "optional"' if isinstance(field, dict) and field.get("optional") else ""
                lines.append(f"        {_type_word(validator)} {_WORD.sub('_', field_name)}{key}{note}")
                relationships += [(target, entity, field_name) for target in targets]
            lines.append("    }")
        else:
            lines.append(f"    {entity} {{\n    }}")
    for target, entity, field_name in relationships:
        if target in tables:
            lines.append(f'    {_WORD.sub("_", target)} ||--o{{ {entity} : "{field_name}"')
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _measured_reads(measurement: dict[str, Any] | None) -> str:
    reads = (measurement or {}).get("documentsRead") or {}
    return ", ".join(f"{n} at {size}" for size, n in sorted(reads.items(), key=lambda item: int(item[0])))


def _auth(function: dict[str, Any], measurement: dict[str, Any] | None) -> str:
    anonymous = (measurement or {}).get("anonymousAllowed")
    if anonymous is False:
        return "required (anonymous call refused)"
    if anonymous is True and function.get("visibility") == "public":
        return "no (anonymous call answered)"
    return {True: "checked", False: "no", None: "cannot tell"}.get(function.get("checksAuth"), "cannot tell")


def function_catalog(review: Review) -> list[str]:
    functions = list(getattr(review.static, "functions", []) or [])
    measurements = getattr(review.dynamic, "measurements", {}) if review.dynamic is not None else {}
    header = ["Function", "Kind", "Visibility", "Auth", "Reads tables", "Writes tables"]
    if review.dynamic is not None:
        header.append("Documents read (at table size)")
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for function in sorted(functions, key=lambda f: (f.get("visibility") != "public", f.get("name", ""))):
        measurement = measurements.get(function.get("name"))
        cells = [f"`{function.get('name')}`", function.get("kind", ""), function.get("visibility", ""),
                 _auth(function, measurement), ", ".join(function.get("tablesRead", []) or []) or "-",
                 ", ".join(function.get("tablesWritten", []) or []) or "-"]
        if review.dynamic is not None:
            cells.append(_measured_reads(measurement) or "-")
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return rows


def _finding_item(finding: Finding) -> list[str]:
    where = f"`{finding.file}:{finding.line}`" if finding.file and finding.line else (
        f"`{finding.file}`" if finding.file else "the app")
    function = f" (`{finding.function}`)" if finding.function else ""
    lines = [f"- **{finding.severity}** [`{finding.rule}`]({finding.docs}) at {where}{function}: {finding.message}"]
    if finding.fix:
        lines.append(f"    - Fix: {finding.fix}")
    return lines


def render_markdown(review: Review) -> str:
    summary = review.summary()
    out = [f"# Review of `{review.app}`", ""]
    out.append(f"{summary['functions']} functions, {summary['total']} findings "
               f"({', '.join(f'{n} {s}' for s, n in summary['bySeverity'].items())}); "
               + ("measured on the playground." if summary["dynamic"] else "static pass only (nothing measured)."))
    schema, problem = schema_for_diagram(review)
    out += ["", "## Data model", "", "```mermaid", mermaid_er(schema), "```", ""]
    if problem:
        out += [f"Fields are not shown: {problem}.", ""]
    out += ["## Functions", ""] + function_catalog(review) + [""]
    out += ["## Findings", ""]
    if not review.findings:
        out += ["No findings.", ""]
    for category, title in CATEGORIES.items():
        findings = [f for f in review.findings if f.category == category]
        if findings:
            out += [f"### {title}", ""]
            for finding in findings:
                out += _finding_item(finding)
            out.append("")
    if review.suppressed:
        out += ["## Suppressed on purpose", ""]
        out += [f"- `{f.rule}` at `{f.file}:{f.line}`: {comment.reason}" for f, comment in review.suppressed]
        out.append("")
    if review.warnings:
        out += ["## Warnings", ""] + [f"- {warning}" for warning in review.warnings] + [""]
    return "\n".join(out)


def _mermaid_script(repo_root: Path) -> Path | None:
    candidate = repo_root / "snippets" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    return candidate if candidate.is_file() else None


def write_html(review: Review, out_dir: Path, repo_root: Path | None = None) -> Path:
    """The onboarding report as one HTML page (plus mermaid.min.js beside it when installed)."""
    import markdown  # Python-Markdown, installed with MkDocs

    text = render_markdown(review)
    diagram = mermaid_er(schema_for_diagram(review)[0])
    body = markdown.markdown(text.replace(f"```mermaid\n{diagram}\n```", "MERMAID_DIAGRAM"),
                             extensions=["tables"])
    body = body.replace("<p>MERMAID_DIAGRAM</p>", f'<pre class="mermaid">{html.escape(diagram)}</pre>')
    out_dir.mkdir(parents=True, exist_ok=True)
    script = _mermaid_script(repo_root or Path(__file__).resolve().parents[2])
    loader = ""
    if script:
        shutil.copyfile(script, out_dir / "mermaid.min.js")
        loader = '<script src="mermaid.min.js"></script><script>mermaid.initialize({startOnLoad: true});</script>'
    page = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Review of "
            f"{html.escape(review.app)}</title><style>body{{font-family:system-ui,sans-serif;max-width:70rem;"
            f"margin:2rem auto;padding:0 1rem}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;"
            f"padding:.25rem .5rem;text-align:left}}</style></head><body>{body}{loader}</body></html>\n")
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
