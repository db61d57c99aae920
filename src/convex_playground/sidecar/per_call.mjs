// Work that convex-test redoes on every call, done once per app or per identity.
//
// A call from Python runs `t.withIdentity(identity)[kind](ref, args)` on
// convex-test. Profiles of that call (plain convex-test, no playground) show a
// third of its time outside the function itself:
//
// * `withIdentity` builds a new accessor each time: a test JWT (JSON, base64)
//   and a few dozen closures. An accessor never changes once built, so one per
//   distinct identity is kept and reused.
// * Resolving the function serialises its argument and return validators
//   (`exportArgs()` / `exportReturns()`, a JSON.stringify of the validator
//   tree) on every call. A function's validators are fixed when the module
//   defines it, so each text is computed once.
//
// Behaviour stays as it was: `ctx.auth.getUserIdentity()` returns a fresh copy
// of the identity on every call (as on a deployment, where it is decoded from
// the request each time), so a function that edits the object it got cannot
// change what a later call sees.

const MAX_ACCESSORS = 256; // distinct identities kept; the oldest is dropped first

/**
 * `accessorFor(identity)`: the convex-test accessor that calls as `identity`
 * (the backend itself for none), built once per identity and backend.
 * `backend()` returns the current convex-test instance (reset() replaces it).
 */
export function identityAccessors(backend) {
  let owner = null;
  const accessors = new Map(); // JSON of the identity -> accessor
  return (identity) => {
    const t = backend();
    if (!identity) return t;
    // A refused identity carries its refusal under a symbol, which JSON would not tell apart.
    if (Object.getOwnPropertySymbols(identity).length > 0) return t.withIdentity(identity);
    if (owner !== t) {
      accessors.clear();
      owner = t;
    }
    const key = JSON.stringify(identity);
    let accessor = accessors.get(key);
    if (accessor === undefined) {
      if (accessors.size >= MAX_ACCESSORS) accessors.delete(accessors.keys().next().value);
      accessor = t.withIdentity(identity);
      accessors.set(key, accessor);
    }
    return accessor;
  };
}

// An identity is JSON data (from Python, or a JWT's claims): objects, arrays and scalars.
// Copying it by hand costs a twentieth of structuredClone, which serialises through V8's value serializer.
function copyJson(value) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const copy = {};
  for (const key of Object.keys(value)) copy[key] = copyJson(value[key]);
  return copy;
}

/** Makes `getUserIdentity()` (on convex-test's AuthFake.prototype) return a copy of the identity each time. */
export function freshIdentities(authPrototype) {
  const current = authPrototype.getUserIdentity;
  authPrototype.getUserIdentity = function () {
    return current.call(this).then((identity) => (identity === null || identity === undefined ? identity : copyJson(identity)));
  };
}

/** Computes each exported Convex function's validator texts once (`module` is an imported app module). */
export function rememberValidators(module) {
  for (const exported of Object.values(module)) {
    if (!exported || !(exported.isQuery || exported.isMutation || exported.isAction)) continue;
    for (const method of ["exportArgs", "exportReturns"]) {
      const compute = exported[method];
      if (typeof compute !== "function") continue;
      let text;
      exported[method] = () => (text ??= compute());
    }
  }
}
