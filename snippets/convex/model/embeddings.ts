// A tiny, local text embedding so that the guide's vector search runs with
// no model download and no API key. A real app calls an embedding model here
// (in an action, since that is a network call) and stores what it returns;
// everything around this function stays the same.

// Must match `dimensions` of the `by_embedding` vector index in schema.ts.
export const EMBEDDING_DIMENSIONS = 64;

// --8<-- [start:embed_text]
/**
 * A hashed bag of content words, not a model. The text is split into
 * lower-cased words, common function words ("the", "did", "again") are
 * dropped, each word is cut to a rough stem ("failed" and "fail" both become
 * "fail"), and each distinct stem adds ±1 to one of 64 buckets chosen by a
 * hash of the stem. Counting a stem once means repeating a word does not
 * make a text more similar. The vector is scaled to length 1, so the cosine
 * similarity Convex computes measures how many content words two texts
 * share. It knows nothing about meaning ("payment" and "billing" share
 * nothing): it stands in for a model, it is not one.
 */
export function embedText(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const term of new Set(contentTerms(text))) {
    const hash = fnv1a(term);
    const bucket = hash % EMBEDDING_DIMENSIONS;
    // A second bit of the hash picks the sign, so that two stems sharing a
    // bucket cancel out as often as they add up.
    vector[bucket] = (vector[bucket] ?? 0) + ((hash >>> 16) & 1 ? 1 : -1);
  }
  const length = Math.hypot(...vector);
  return length === 0 ? vector : vector.map((x) => x / length);
}

/**
 * The stems embedText counts: "Did the billing webhook fail?" -> ["bill", "webhook", "fail"].
 * A text made only of function words ("Is it on?") keeps them all, so that
 * it still gets a direction of its own rather than a vector of zeros.
 */
export function contentTerms(text: string): string[] {
  const all = words(text);
  const content = all.filter((word) => !STOP_WORDS.has(word));
  return (content.length > 0 ? content : all).map(stem);
}
// --8<-- [end:embed_text]

/** Lower-cased runs of letters and digits: "Deploy-ready!" -> ["deploy", "ready"]. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Words that carry grammar, not topic: left in, "the" alone makes two texts look alike.
const STOP_WORDS = new Set(
  ("a about again all also am an and any are as at be been before but by can could did do does for from " +
    "had has have how i if in into is it its just me more my no not now of on only or our out over so " +
    "some than that the their them then there these they this to too up us was we were what when where " +
    "which who why will with would you your").split(" "),
);

/** A rough English stem: a few common endings cut from words long enough to keep a root. */
function stem(word: string): string {
  for (const ending of ["ing", "ed", "es", "s"]) {
    if (word.length > ending.length + 3 && word.endsWith(ending) && !word.endsWith("ss")) {
      return word.slice(0, -ending.length);
    }
  }
  return word;
}

/** 32-bit FNV-1a: a small, well-spread, deterministic string hash. */
function fnv1a(word: string): number {
  let hash = 0x811c9dc5;
  for (const char of word) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
