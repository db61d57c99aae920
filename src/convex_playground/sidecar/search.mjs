// Full text search ranked as a deployment ranks it.
//
// convex-test answers `withSearchIndex` with every document in which any query
// word starts a document word, in creation order. A deployment (Convex's search
// on Tantivy; get-convex/convex-backend, crates/search/src) instead:
//
// * tokenizes with Tantivy's SimpleTokenizer (runs of alphanumeric characters),
//   drops terms of 32 bytes or more (RemoveLongFilter) and lowercases the rest
//   (constants.rs: convex_en, MAX_TEXT_TERM_LENGTH);
// * keeps the first 16 terms of the query (MAX_QUERY_TERMS) and matches them
//   exactly, except the last, which also matches terms it is a prefix of, at
//   half weight, up to 16 such terms (lib.rs compile_tokens_with_typo_tolerance,
//   `boost *= 0.5` for prefix matches; MAX_PREFIX_MATCHES_PER_QUERY_TERM);
// * scores a document by BM25 (Tantivy's Bm25Weight: k1 = 1.2, b = 0.75, the
//   document frequencies and average length over the whole index, in 32-bit
//   floats, with the document's length stored in Tantivy's one-byte form);
// * orders by score, then newest first (the result's index key is
//   [-score, -creationTime, id]: lib.rs step 7), and returns at most 1024
//   candidates (MAX_CANDIDATE_REVISIONS); reading past them fails
//   (crates/database/src/query/search_query.rs);
// * refuses a search field other than the index's, a second search filter,
//   equality filters on fields not in `filterFields`, and more than 8 of them
//   (lib.rs compile; MAX_FILTER_CONDITIONS).
//
// A difference that remains: a deployment sums a document's per-term scores
// in its own order, so scores that differ only in the last bits of a 32-bit
// float may break ties differently.
//
// The patch replaces how DatabaseFake resolves a "Search" query source (both
// for streamed queries and for `.paginate()`); other sources are untouched.
import { __playgroundDatabaseFake as DatabaseFake } from "convex-test";
import { compareValues, jsonToConvex } from "convex/values";

export const SEARCH_LIMITS = Object.freeze({
  queryTerms: 16,
  termBytes: 32,
  prefixMatches: 16,
  candidates: 1024,
  filterConditions: 8,
});
const K1 = 1.2;
const B = 0.75;
const PREFIX_BOOST = 0.5;

// ---------------------------------------------------------------- text

// Tantivy keeps a document's length (its number of terms) in one byte: exact
// below 24, then four significant bits (tantivy src/fieldnorm/code.rs). BM25
// sees the largest storable length not above the real one.
const STORABLE_LENGTHS = Array.from({ length: 256 }, (_, byte) => {
  if (byte < 24) return byte;
  const bits = (byte - 24) & 0b111;
  const shift = (byte - 24) >> 3;
  return 24 + (shift === 0 ? bits : (bits | 8) * 2 ** (shift - 1));
});

function storedLength(length) {
  let low = 0;
  let high = STORABLE_LENGTHS.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (STORABLE_LENGTHS[middle] <= length) low = middle;
    else high = middle - 1;
  }
  return STORABLE_LENGTHS[low];
}

const WORD = /[\p{Alphabetic}\p{N}]+/gu;

/** The terms Convex indexes for a text, in order (repeats kept). */
export function tokenize(text) {
  if (typeof text !== "string") return [];
  const terms = [];
  for (const [word] of text.matchAll(WORD)) {
    if (Buffer.byteLength(word) >= SEARCH_LIMITS.termBytes) continue;
    terms.push(word.toLowerCase());
  }
  return terms;
}

function valueAt(document, fieldPath) {
  let value = document;
  for (const part of fieldPath.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = value[part];
  }
  return value;
}

const queryValue = (json) =>
  typeof json === "object" && json !== null && "$undefined" in json ? undefined : jsonToConvex(json);

// ---------------------------------------------------------------- the query

function compileSearch(database, source) {
  const [tableName, indexName] = source.indexName.split(".");
  const printable = `${tableName}.${indexName}`;
  const index = database._schema?.tables.get(tableName)?.searchIndexes?.find((found) => found.indexDescriptor === indexName);
  if (database._schema && index === undefined) {
    throw new Error(`Index ${printable} not found.`); // indexing/src/index_registry.rs index_not_found_error
  }
  let text = null;
  let searchField = null;
  const equalities = [];
  for (const filter of source.filters) {
    if (filter.type === "Search") {
      if (index && filter.fieldPath !== index.searchField) {
        throw new Error(`Search query against ${printable} contains a search filter against ${JSON.stringify(filter.fieldPath)}, which doesn't match the indexed \`searchField\` ${JSON.stringify(index.searchField)}.`);
      }
      if (text !== null) {
        throw new Error(`Search query against ${printable} contains multiple search filters against ${JSON.stringify(filter.fieldPath)}. Only one is allowed.`);
      }
      text = filter.value;
      searchField = filter.fieldPath;
    } else {
      if (index && !index.filterFields.includes(filter.fieldPath)) {
        throw new Error(`Search query against ${printable} contains an equality filter on ${JSON.stringify(filter.fieldPath)} but that field isn't indexed for filtering in \`filterFields\`.`);
      }
      equalities.push({ fieldPath: filter.fieldPath, value: queryValue(filter.value) });
    }
  }
  if (text === null) {
    throw new Error(`Search query against ${printable} does not contain any search filters. You must include a search filter like \`q.search("${index?.searchField ?? "field"}", searchText)\`.`);
  }
  if (equalities.length > SEARCH_LIMITS.filterConditions) {
    throw new Error(`Search query against ${printable} has too many filter conditions. Max: ${SEARCH_LIMITS.filterConditions} Actual: ${equalities.length}`);
  }
  return { tableName, searchField: index?.searchField ?? searchField, text, equalities };
}

/** Query terms and their weights: exact terms 1, prefix expansions of the last 0.5. */
function weightedTerms(queryTerms, indexTerms) {
  const weights = new Map();
  queryTerms.forEach((term, position) => {
    weights.set(term, 1);
    if (position !== queryTerms.length - 1) return;
    const expansions = [...indexTerms].filter((candidate) => candidate.startsWith(term)).sort();
    for (const candidate of expansions.slice(0, SEARCH_LIMITS.prefixMatches)) {
      if (!weights.has(candidate)) weights.set(candidate, PREFIX_BOOST);
    }
  });
  return weights;
}

/**
 * The ranked candidates of a search: [{ doc, key }] best first, at most 1024,
 * where key = [score, creationTime, id] orders them as the deployment does.
 */
function rankCandidates(database, source) {
  const { tableName, searchField, text, equalities } = compileSearch(database, source);
  const queryTerms = [...new Set(tokenize(text).slice(0, SEARCH_LIMITS.queryTerms))];
  const indexed = [];
  database._iterateDocs(tableName, (doc) => indexed.push({ doc, terms: tokenize(valueAt(doc, searchField)) }));
  if (queryTerms.length === 0 || indexed.length === 0) return { candidates: [], saturated: false };

  const documentFrequency = new Map();
  let totalTerms = 0;
  for (const entry of indexed) {
    totalTerms += entry.terms.length;
    entry.frequencies = new Map();
    for (const term of entry.terms) entry.frequencies.set(term, (entry.frequencies.get(term) ?? 0) + 1);
    for (const term of entry.frequencies.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const weights = weightedTerms(queryTerms, documentFrequency.keys());
  const documents = indexed.length;
  const f32 = Math.fround;
  const averageLength = f32(totalTerms / documents);
  const termWeights = [...weights].filter(([term]) => documentFrequency.has(term)).map(([term, boost]) => {
    const frequency = documentFrequency.get(term);
    const idf = f32(Math.log(f32(1 + f32(f32(documents - frequency + 0.5) / f32(frequency + 0.5)))));
    return { term, weight: f32(f32(idf * (1 + K1)) * boost) };
  });

  const candidates = [];
  for (const { doc, terms, frequencies } of indexed) {
    if (!equalities.every(({ fieldPath, value }) => compareValues(valueAt(doc, fieldPath), value) === 0)) continue;
    let score = 0;
    let matched = false;
    const norm = f32(K1 * f32(1 - B + f32(f32(B * storedLength(terms.length)) / averageLength)));
    for (const { term, weight } of termWeights) {
      const tf = frequencies.get(term);
      if (tf === undefined) continue;
      matched = true;
      score = f32(score + f32(weight * f32(tf / f32(tf + norm))));
    }
    if (matched) candidates.push({ doc, key: [score, doc._creationTime, doc._id] });
  }
  candidates.sort((a, b) => compareKeys(a.key, b.key));
  return { candidates: candidates.slice(0, SEARCH_LIMITS.candidates), saturated: candidates.length >= SEARCH_LIMITS.candidates };
}

/** Negative when key `a` comes first: higher score, then newer, then smaller id. */
function compareKeys(a, b) {
  if (a[0] !== b[0]) return b[0] - a[0];
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0;
}

export const TOO_MANY_CANDIDATES =
  `Search query scanned too many documents (fetched ${SEARCH_LIMITS.candidates}). ` +
  "Consider using a smaller limit, paginating the query, or using a filter field to limit the number of documents pulled from the search index.";

// ---------------------------------------------------------------- patching DatabaseFake

const database = DatabaseFake.prototype;
const resolveOtherSources = database._resolveQuerySource;

// One query object is resolved several times while it starts (by convex-test
// and by each wrapper); the ranking is computed once per query object. Each
// request parses a new one, so a cached ranking never outlives its request.
const rankings = new WeakMap();

database._resolveQuerySource = function (query) {
  const resolved = resolveOtherSources.call(this, query);
  if (query.source?.type !== "Search") return resolved;
  // convex-test's own pass supplies the `.filter()` function and the limit;
  // the documents and their order come from the ranking.
  if (!rankings.has(query)) rankings.set(query, rankCandidates(this, query.source));
  const { candidates, saturated } = rankings.get(query);
  return {
    ...resolved,
    sortedDocs: candidates.map(({ doc }) => doc),
    searchKeys: new Map(candidates.map(({ doc, key }) => [doc._id, key])),
    searchSaturated: saturated,
  };
};

// A stream that runs past the 1024th candidate fails, as on a deployment.
const searchStreams = new WeakMap(); // DatabaseFake -> Map<queryId, { limit, returned }>
const startOtherQuery = database.startQuery;
const nextOfOtherQuery = database.queryNext;

database.startQuery = function (query) {
  const queryId = startOtherQuery.call(this, query);
  if (query.source?.type === "Search") {
    const { searchSaturated, limit } = this._resolveQuerySource(query);
    if (searchSaturated) {
      if (!searchStreams.has(this)) searchStreams.set(this, new Map());
      searchStreams.get(this).set(queryId, { limit, returned: 0 });
    }
  }
  return queryId;
};

database.queryNext = function (queryId) {
  const result = nextOfOtherQuery.call(this, queryId);
  const stream = searchStreams.get(this)?.get(queryId);
  if (stream === undefined) return result;
  if (!result.done) {
    stream.returned += 1;
    return result;
  }
  searchStreams.get(this).delete(queryId);
  if (stream.limit === null || stream.returned < stream.limit) throw new Error(TOO_MANY_CANDIDATES);
  return result;
};

// `.paginate()` on a search: cursors are positions in the ranked order.
const END_CURSOR = "_end_cursor";
const encodeCursor = (key) => JSON.stringify(["search", ...key]);
function decodeCursor(cursor) {
  const parsed = JSON.parse(cursor);
  if (!Array.isArray(parsed) || parsed[0] !== "search") throw new Error("this cursor does not belong to a search query");
  return parsed.slice(1);
}

const paginateOtherQuery = database.paginate;
database.paginate = function (request) {
  if (request.query.source?.type !== "Search") return paginateOtherQuery.call(this, request);
  const { query, cursor, endCursor, pageSize, maximumRowsRead } = request;
  const { sortedDocs, filterFn, searchKeys, searchSaturated } = this._resolveQuerySource(query);
  const after = cursor && cursor !== END_CURSOR ? decodeCursor(cursor) : null;
  // With an end cursor (a reactive page's second run) the page ends there, whatever its size.
  const hasEnd = Boolean(endCursor);
  const until = hasEnd && endCursor !== END_CURSOR ? decodeCursor(endCursor) : null;
  let position = cursor === END_CURSOR ? sortedDocs.length : 0;
  if (after !== null) {
    while (position < sortedDocs.length && compareKeys(searchKeys.get(sortedDocs[position]._id), after) <= 0) position += 1;
  }
  const page = [];
  let rowsRead = 0;
  let pageStatus = null;
  let lastKey = null;
  let stopped = false;
  for (; position < sortedDocs.length; position += 1) {
    const doc = sortedDocs[position];
    const key = searchKeys.get(doc._id);
    if (until !== null && compareKeys(key, until) > 0) {
      stopped = true;
      break;
    }
    rowsRead += 1;
    lastKey = key;
    if (filterFn(doc)) page.push(doc);
    if (maximumRowsRead && rowsRead >= maximumRowsRead) {
      pageStatus = "SplitRequired";
      position += 1;
      stopped = true;
      break;
    }
    if (!hasEnd && page.length >= pageSize) {
      position += 1;
      stopped = true;
      break;
    }
  }
  const exhausted = !stopped && position >= sortedDocs.length;
  if (exhausted && searchSaturated) throw new Error(TOO_MANY_CANDIDATES);
  let continueCursor;
  if (hasEnd) continueCursor = endCursor;
  else if (exhausted || position >= sortedDocs.length) continueCursor = END_CURSOR;
  else continueCursor = encodeCursor(lastKey);
  return { page, isDone: continueCursor === END_CURSOR, continueCursor, splitCursor: null, pageStatus };
};
