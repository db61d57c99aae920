// A tiny, local text embedding so that the guide's vector search runs with
// no model download and no API key. A real app calls an embedding model here
// (in an action, since that is a network call) and stores what it returns;
// everything around this function stays the same.

// Must match `dimensions` of the `by_embedding` vector index in schema.ts.
export const EMBEDDING_DIMENSIONS = 64;

// --8<-- [start:embed_text]
/**
 * Hashed bag of words: every lower-cased word adds ±1 to one of 64 buckets
 * (chosen by a hash of the word), then the vector is scaled to length 1, so
 * the cosine similarity Convex computes is the overlap of two texts' words.
 * It knows nothing about meaning ("car" and "automobile" share nothing): it
 * stands in for a model, it is not one.
 */
export function embedText(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const word of words(text)) {
    const hash = fnv1a(word);
    const bucket = hash % EMBEDDING_DIMENSIONS;
    // A second bit of the hash picks the sign, so that two words sharing a
    // bucket cancel out as often as they add up.
    vector[bucket] = (vector[bucket] ?? 0) + ((hash >>> 16) & 1 ? 1 : -1);
  }
  const length = Math.hypot(...vector);
  return length === 0 ? vector : vector.map((x) => x / length);
}
// --8<-- [end:embed_text]

/** Lower-cased runs of letters and digits: "Deploy-ready!" -> ["deploy", "ready"]. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
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
