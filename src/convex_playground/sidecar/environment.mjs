// What `process.env` holds for app code: the app's own variables and the two
// URLs a deployment provides (CONVEX_CLOUD_URL, CONVEX_SITE_URL), nothing of
// the machine's environment. Also the variables an app declares the typed way,
// `defineApp({ env: { NAME: v.string() } })` in convex/convex.config.ts, which
// a deployment checks when code is pushed and when a variable changes.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseEnv } from "node:util";

export const SYSTEM_VARIABLES = ["CONVEX_CLOUD_URL", "CONVEX_SITE_URL"];
const LAUNCHER_VARIABLE = "CONVEX_PLAYGROUND_APP_ENV";

export class EnvError extends Error {}

// The deployment's rules for names and values (convex-backend crates/common/src/types/environment_variables.rs).
const NAME = /^[a-zA-Z_]+[a-zA-Z0-9_]*$/;
const MAX_NAME_LENGTH = 256;
const MAX_VALUE_LENGTH = 8 * 1024;

/** Throws the deployment's error for a variable it would not accept. */
function checkVariable(name, value) {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new EnvError(`The environment variable name ${name} is invalid. Environment variable names must begin ` +
      "with a letter and may only include characters a-z, A-Z, 0-9, and underscores.");
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new EnvError(`The environment variable name ${name} is too long. Environment variable names must be less than ${MAX_NAME_LENGTH}.`);
  }
  if (SYSTEM_VARIABLES.includes(name)) {
    throw new EnvError(`Environment variable with name "${name}" is built-in and cannot be overridden`);
  }
  if (typeof value !== "string") throw new EnvError(`the value of ${name} must be a string, not ${typeof value}`);
  const length = Buffer.byteLength(value);
  if (length > MAX_VALUE_LENGTH) {
    throw new EnvError(`The environment variable value is ${length} bytes, which is too large. (max size: ${MAX_VALUE_LENGTH}`);
  }
}

/**
 * The app's variables, as the Python side passed them (JSON in one launcher
 * variable): a dotenv file's, with explicitly given ones over them.
 */
export function appVariablesFromLauncher() {
  const raw = process.env[LAUNCHER_VARIABLE];
  const { variables = {}, file = null } = raw ? JSON.parse(raw) : {};
  return { ...(file ? parseEnv(readFileSync(file, "utf8")) : {}), ...variables };
}

/**
 * Empties `process.env` and fills it with what a deployment's functions see.
 * Node and the module loaders have read what they need by now.
 */
export function installAppEnvironment(variables, urls) {
  for (const [name, value] of Object.entries(variables)) checkVariable(name, value);
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, variables, { CONVEX_CLOUD_URL: urls.cloudUrl, CONVEX_SITE_URL: urls.siteUrl });
}

/**
 * `defineApp({ env })` declarations from convex/convex.config.ts ({} when it declares none), and that file.
 * `module` is the config's source file and its bundle (loader.mjs), or null when the app has none.
 */
export async function declaredVariables(module) {
  if (!module) return { file: null, declarations: {} };
  let definition;
  try {
    definition = (await import(pathToFileURL(module.output).href)).default;
  } catch {
    // A convex.config.ts that does not load is reported where components are loaded.
    return { file: module.source, declarations: {} };
  }
  return { file: module.source, declarations: definition?._env ?? {} };
}

// A declared validator is string-like: v.string(), v.literal("..."), a union of those, maybe v.optional().
function accepts(validator, value) {
  if (validator.kind === "string") return true;
  if (validator.kind === "literal") return validator.value === value;
  if (validator.kind === "union") return validator.members.some((member) => accepts(member, value));
  return false;
}

function expected(validator) {
  if (validator.kind === "string") return "a string";
  if (validator.kind === "literal") return JSON.stringify(validator.value);
  if (validator.kind === "union") return validator.members.map(expected).join(" | ");
  return validator.kind;
}

/** Checks values against declarations with the deployment's messages; throws an EnvError (prefixed with `where`). */
export function checkDeclared(declarations, env, where = null) {
  const prefix = where ? `${where}: ` : "";
  const missing = Object.entries(declarations)
    .filter(([name, validator]) => validator.isOptional !== "optional" && env[name] === undefined)
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new EnvError(`${prefix}Required environment variables are not set: ${missing.join(", ")}. ` +
      "Set them in the Convex dashboard or CLI before pushing (here: Playground(app, env={...})).");
  }
  for (const [name, validator] of Object.entries(declarations)) {
    if (env[name] !== undefined && !accepts(validator, env[name])) {
      throw new EnvError(`${prefix}Environment variable ${name} does not match its declared validator: ` +
        `expected ${expected(validator)}, got ${JSON.stringify(env[name])}`);
    }
  }
}

/** Sets (or, with value null, removes) one variable, refusing what a deployment refuses. */
export function setVariable(declarations, name, value) {
  checkVariable(name, value ?? "");
  if (value === null) {
    if (declarations[name] && declarations[name].isOptional !== "optional") {
      throw new EnvError(`Cannot delete required environment variables: ${name}. These are declared as required in the app definition.`);
    }
    delete process.env[name];
    return;
  }
  checkDeclared({ [name]: declarations[name] ?? { kind: "string" } }, { [name]: value });
  process.env[name] = value;
}
