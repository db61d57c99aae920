// Requests from Python: one JSON text per line on stdin (Python's json.dumps
// escapes every newline inside a value, so a raw "\n" only ends a request).
//
// Node's readline would do the same splitting, but through a string decoder,
// an Interface and an event per line; this splits the bytes as they arrive,
// with less work per request.

const NEWLINE = 0x0a;

/** Calls `onLine(text)` for each complete line of `stream`, and `onEnd()` once it ends. */
export function readLines(stream, onLine, onEnd) {
  let pending = null; // the bytes of a line that has not ended yet
  stream.on("data", (chunk) => {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      let line = chunk.subarray(start, end);
      if (pending !== null) {
        line = Buffer.concat([pending, line]);
        pending = null;
      }
      start = end + 1;
      onLine(line.toString("utf8"));
    }
    if (start < chunk.length) pending = pending === null ? Buffer.from(chunk.subarray(start)) : Buffer.concat([pending, chunk.subarray(start)]);
  });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  stream.on("end", end);
  stream.on("close", end);
}
