// Reading a Blob in slices, shared by the engine worker (worker.js) and its parsers (parser.js).

export const SLICE = 8 << 20; // bytes per read

/** Reads a Blob in slices from byte `from`, at most two in flight, calling `use(bytes, end)` on
 * each in order (`end`: the offset just past it); stops early when `stop()` says so. */
export async function readSlices(file, use, stop, from = 0) {
  let offset = from;
  let next = file.size > from ? file.slice(from, from + SLICE).arrayBuffer() : null;
  while (next && !stop()) {
    const buffer = await next;
    const end = offset + buffer.byteLength;
    next = end < file.size ? file.slice(end, end + SLICE).arrayBuffer() : null;
    use(new Uint8Array(buffer), end);
    offset = end;
  }
}

/** The text of what was thrown. */
export function message(error) {
  return error && error.message ? error.message : String(error);
}
