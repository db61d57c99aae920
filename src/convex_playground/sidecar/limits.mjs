// The deployment's limits on values, which convex-test does not enforce.
//
// convex-test checks transaction limits (documents and bytes read and written)
// but accepts a document of any size or depth, arguments and return values of
// any size, and top-level fields that start with an underscore. A real
// deployment refuses them; so does the playground when limits are on. Each
// number and message below is the Convex backend's (get-convex/convex-backend):
//
//   crates/value/src/size.rs           MAX_SIZE 32 MiB, MAX_NESTING 64 (any value)
//   crates/value/src/array.rs          MAX_ARRAY_LEN 8192
//   crates/value/src/object.rs         MAX_OBJECT_FIELDS 1024
//   crates/convex/sync_types/src/identifier.rs
//                                      field names: no leading '$', non-control
//                                      ASCII, MAX_FIELD_NAME_LENGTH 1024
//   crates/common/src/document.rs      MAX_USER_SIZE 1 MiB, MAX_DOCUMENT_NESTING 16,
//                                      no top-level '_' field but _id/_creationTime
//   crates/common/src/knobs.rs         FUNCTION_MAX_ARGS_SIZE and
//                                      FUNCTION_MAX_RESULT_SIZE, 16 MiB each
//   crates/udf/src/helpers.rs          "Arguments for … are too large"
//   crates/isolate/src/helpers.rs      "Function … return value is too large"
//
// Sizes are Convex's own measure (convex/values getConvexSize: the same rules
// as the backend's `Size` trait), not the length of the JSON text.
//
// The admin handle is a seeding and inspection tool, not a function, so
// `withoutFunctionLimits` lifts the per-transaction limits for its work. The
// document limits still hold there: they are limits on what a table can store.
import { ScopedStorage } from "./scoped_storage.mjs";
import { __playgroundDatabaseFake as DatabaseFake } from "convex-test";
import { TransactionMetricsTracker } from "convex-test/dist/transactionMetrics.js";
import { getConvexSize } from "convex/values";

const MiB = 1 << 20;
export const VALUE_LIMITS = Object.freeze({
  valueSize: 32 * MiB,
  valueNesting: 64,
  arrayLength: 8192,
  objectFields: 1024,
  fieldNameLength: 1024,
  documentSize: 1 * MiB,
  documentNesting: 16,
  argumentsSize: 16 * MiB,
  resultSize: 16 * MiB,
});

// ---------------------------------------------------------------- measuring values

/** Formats a byte count as the backend does (humansize's BINARY options). */
export function formatBytes(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  const places = Number.isInteger(size) ? 0 : 2;
  return `${size.toFixed(places)} ${units[unit]}`;
}

// Valid field names are ASCII, so a valid name's length is its size in bytes.
function fieldNameProblem(name) {
  if (name.charCodeAt(0) === 0x24) return `Field name ${name} starts with '$', which is reserved.`;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code >= 0x7f) {
      const char = String.fromCodePoint(name.codePointAt(i));
      return `Field name ${name} has invalid character ${JSON.stringify(char)}: Field names can only contain non-control ASCII characters`;
    }
  }
  if (name.length > VALUE_LIMITS.fieldNameLength) {
    return `Field name is too long (${name.length} > maximum ${VALUE_LIMITS.fieldNameLength})`;
  }
  return null;
}

const isPlainObject = (value) =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof ArrayBuffer);

/**
 * Size and nesting of a Convex value, checked as the backend builds it: inner
 * values first, so the first problem reported is the one the backend meets.
 * Throws an Error with the backend's message for the first limit broken.
 */
export function measureValue(value) {
  if (Array.isArray(value)) {
    let size = 2;
    let nesting = 0;
    for (const element of value) {
      const inner = measureValue(element);
      size += inner.size;
      if (inner.nesting > nesting) nesting = inner.nesting;
    }
    if (value.length > VALUE_LIMITS.arrayLength) {
      throw new Error(`Array length is too long (${value.length} > maximum length ${VALUE_LIMITS.arrayLength})`);
    }
    return checked(size, nesting + 1);
  }
  if (isPlainObject(value)) {
    const { size, nesting, fields } = measureFields(value, null);
    if (fields > VALUE_LIMITS.objectFields) {
      throw new Error(`Object has too many fields (${fields} > maximum number ${VALUE_LIMITS.objectFields})`);
    }
    return checked(size, nesting + 1);
  }
  return { size: leafSize(value), nesting: 0 };
}

// A value Convex cannot store (a function, a Map) is left for the Convex
// library to refuse with its own message when it serialises the value.
function leafSize(value) {
  try {
    return getConvexSize(value);
  } catch {
    return 0;
  }
}

/** Sums an object's fields (skipping the names in `skip`, and undefined values). */
function measureFields(object, skip) {
  let size = 2;
  let nesting = 0;
  let fields = 0;
  for (const name in object) {
    const field = object[name];
    if (field === undefined || (skip !== null && skip.has(name))) continue;
    const problem = fieldNameProblem(name);
    if (problem !== null) throw new Error(problem);
    const inner = measureValue(field);
    size += name.length + 1 + inner.size;
    if (inner.nesting > nesting) nesting = inner.nesting;
    fields += 1;
  }
  return { size, nesting, fields };
}

function checked(size, nesting) {
  if (size > VALUE_LIMITS.valueSize) {
    throw new Error(`Value is too large (${formatBytes(size)} > maximum size ${formatBytes(VALUE_LIMITS.valueSize)})`);
  }
  if (nesting > VALUE_LIMITS.valueNesting) {
    throw new Error(`Value is too nested (nested ${nesting} levels deep > maximum nesting ${VALUE_LIMITS.valueNesting})`);
  }
  return { size, nesting };
}

// ---------------------------------------------------------------- documents

// How the backend prints a document in "isn't a valid document" (Rust Display
// of a Convex object: fields in name order, floats with a decimal point).
function displayValue(value) {
  if (value === null) return "null";
  if (typeof value === "bigint") return String(value);
  if (typeof value === "number") return Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  if (value instanceof ArrayBuffer) return `<${value.byteLength} bytes>`;
  if (Array.isArray(value)) return `[${value.map(displayValue).join(", ")}]`;
  const fields = Object.entries(value).filter(([, field]) => field !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${fields.map(([name, field]) => `${name}: ${displayValue(field)}`).join(", ")}}`;
}

const SYSTEM_FIELDS = new Set(["_id", "_creationTime"]);

/** Checks a whole document (with _id and _creationTime) as a deployment's write does. */
export function checkDocument(document, operation) {
  // The value the function wrote, then the document the backend stores.
  let written;
  try {
    written = measureFields(document, SYSTEM_FIELDS);
    if (written.fields > VALUE_LIMITS.objectFields) {
      throw new Error(`Object has too many fields (${written.fields} > maximum number ${VALUE_LIMITS.objectFields})`);
    }
    checked(written.size, written.nesting + 1);
  } catch (error) {
    throw new Error(`Invalid argument \`value\` for \`${operation}\`: ${error.message}`);
  }
  const nesting = written.nesting + 1; // system fields are not nested: they leave it unchanged
  const violations = [];
  if (nesting > VALUE_LIMITS.documentNesting) {
    violations.push(`Document is too nested (nested ${nesting} levels deep > maximum nesting ${VALUE_LIMITS.documentNesting})`);
  }
  for (const name in document) {
    if (name.charCodeAt(0) === 0x5f && !SYSTEM_FIELDS.has(name) && document[name] !== undefined) {
      violations.push(`Field '${name}' starts with an underscore, which is only allowed for system fields like '_id'`);
    }
  }
  if (violations.length > 0) {
    throw new Error(`Document(value: ${displayValue(document)}) isn't a valid document: ${violations.join("\n ")}`);
  }
  let size = written.size;
  for (const name of SYSTEM_FIELDS) {
    if (document[name] !== undefined) size += name.length + 1 + getConvexSize(document[name]);
  }
  if (size > VALUE_LIMITS.documentSize) {
    throw new Error(`Value is too large (${formatBytes(size)} > maximum size ${formatBytes(VALUE_LIMITS.documentSize)})`);
  }
}

const SYSCALL_NAMES = { insert: "db.insert", patch: "db.patch", replace: "db.replace" };

function guardWrites() {
  const database = DatabaseFake.prototype;
  for (const method of Object.keys(SYSCALL_NAMES)) {
    const previous = database[method];
    database[method] = function (...args) {
      const layer = this._writes[this._writes.length - 1];
      // The id is known before an insert only through its result.
      const idBefore = method === "insert" ? null : args[1];
      const hadWrite = idBefore !== null && Object.hasOwn(layer ?? {}, idBefore);
      const earlierWrite = hadWrite ? layer[idBefore] : undefined;
      const result = previous.apply(this, args);
      const id = method === "insert" ? result : idBefore;
      const written = this._writes[this._writes.length - 1][id];
      if (written === null || written === undefined || isSystemTable(args[0], id)) return result;
      try {
        checkDocument(written, SYSCALL_NAMES[method]);
      } catch (error) {
        // Undo the staged write: a function that catches the error must not
        // find the refused document in its transaction.
        const top = this._writes[this._writes.length - 1];
        if (hadWrite) top[id] = earlierWrite;
        else delete top[id];
        throw error;
      }
      return result;
    };
  }
}

// System tables (_scheduled_functions, _storage) hold the backend's own
// documents: the user limits do not apply to them.
const isSystemTable = (table, id) => (typeof table === "string" ? table : String(id).replace(/^[0-9]+/, "")).startsWith("_");

// ---------------------------------------------------------------- arguments and return values

const guarded = new WeakSet();

/**
 * Checks the arguments and return value of every Convex function a module
 * exports. The check wraps the function's handler, so it runs inside the
 * function's transaction: a mutation whose result is too large rolls back, as
 * on a deployment, and nested `ctx.runQuery` calls and scheduled functions are
 * checked too.
 */
export function guardFunctionValues(module, modulePath) {
  for (const [exportName, exported] of Object.entries(module)) {
    if (!exported || typeof exported._handler !== "function" || guarded.has(exported)) continue;
    if (!(exported.isQuery || exported.isMutation || exported.isAction)) continue;
    const udfPath = `${modulePath}.js:${exportName}`;
    const handler = exported._handler;
    exported._handler = async function (ctx, args) {
      checkArguments(udfPath, args);
      const result = await handler.call(this, ctx, args);
      checkResult(udfPath, result);
      return result;
    };
    guarded.add(exported);
  }
}

function checkArguments(udfPath, args) {
  const size = 2 + measureValue(args ?? {}).size; // the backend measures the array [args]
  if (size > VALUE_LIMITS.argumentsSize) {
    throw new Error(`Arguments for ${udfPath} are too large (actual: ${formatBytes(size)}, limit: ${formatBytes(VALUE_LIMITS.argumentsSize)})`);
  }
}

function checkResult(udfPath, result) {
  let size;
  try {
    size = measureValue(result === undefined ? null : result).size;
  } catch (error) {
    throw new Error(`Function ${udfPath} return value invalid: ${error.message}`);
  }
  if (size > VALUE_LIMITS.resultSize) {
    throw new Error(`Function ${udfPath} return value is too large (actual: ${formatBytes(size)}, limit: ${formatBytes(VALUE_LIMITS.resultSize)})`);
  }
}

// ---------------------------------------------------------------- pagination options

// The backend's checks on `paginate()` options (crates/isolate/src/environment/
// udf/async_syscall.rs, query_page): the sizes are unsigned integers, a page
// holds at least one document and at most TRANSACTION_MAX_READ_SIZE_ROWS
// (crates/common/src/knobs.rs). The Convex JS library itself only refuses a
// negative numItems, so 0 and 2.5 reach the backend, which refuses them.
const MAX_PAGE_SIZE = 32_000;

function notAnUnsignedInteger(value) {
  if (value === null || value === undefined) return "invalid type: null, expected usize";
  if (typeof value !== "number") return `invalid type: ${typeof value}, expected usize`;
  if (!Number.isInteger(value)) return `invalid type: floating point \`${value}\`, expected usize`;
  if (value < 0) return `invalid value: integer \`${value}\`, expected usize`;
  return null;
}

export function checkPaginationOptions({ pageSize, maximumRowsRead, maximumBytesRead }) {
  for (const [value, optional] of [[pageSize, false], [maximumRowsRead, true], [maximumBytesRead, true]]) {
    if (optional && (value === null || value === undefined)) continue;
    const problem = notAnUnsignedInteger(value);
    if (problem !== null) throw new Error(`Invalid arguments for \`queryPage\`: ${problem}`);
  }
  if (pageSize === 0) throw new Error("Must request at least 1 document while paginating");
  if (pageSize > MAX_PAGE_SIZE) throw new Error(`Requested too many items: ${pageSize}`);
  if (maximumRowsRead === 0 || maximumBytesRead === 0) {
    throw new Error("maximumRowsRead and maximumBytesRead must be greater than 0");
  }
}

function validatePagination() {
  const database = DatabaseFake.prototype;
  const previous = database.paginate;
  database.paginate = function (request) {
    checkPaginationOptions(request);
    return previous.call(this, request);
  };
}

// ---------------------------------------------------------------- admin work

const adminScope = new ScopedStorage(); // { database }: the admin transaction's root database

/**
 * Runs `fn` (admin table work) with the per-transaction limits lifted. Inside
 * a transaction it starts (`t.run`), `adminDatabase()` is the app's database,
 * so bulk reads and writes can skip the function runtime's per-document
 * serialisation.
 */
export function withoutFunctionLimits(fn) {
  return adminScope.run({ database: null }, fn);
}

/** The root DatabaseFake of the admin transaction in progress. */
export function adminDatabase() {
  const database = adminScope.getStore()?.database;
  if (!database) throw new Error("adminDatabase() needs an admin transaction: call it inside withoutFunctionLimits(() => t.run(...))");
  return database;
}

function liftLimitsForAdmin() {
  const tracker = TransactionMetricsTracker.prototype;
  const startTracking = tracker.startTransaction;
  tracker.startTransaction = function (limits) {
    const result = startTracking.call(this, limits);
    if (adminScope.getStore() !== undefined && this._layers.length === 1) this._layers[0].enforce = false;
    return result;
  };
  const database = DatabaseFake.prototype;
  const startWrites = database.startTransaction;
  database.startTransaction = function (...args) {
    const scope = adminScope.getStore();
    if (scope !== undefined && this._componentPath === "") scope.database = this;
    return startWrites.apply(this, args);
  };
}

// ---------------------------------------------------------------- wiring

let installed = false;

/** Turns the value limits on for every DatabaseFake (call once, when limits are on). */
export function installValueLimits() {
  if (installed) return;
  installed = true;
  guardWrites();
}

// A deployment checks these whether or not the playground enforces limits.
liftLimitsForAdmin();
validatePagination();
