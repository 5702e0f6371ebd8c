// A parser of the engine worker's pool, for pages without threads: it reads one file with a
// single-threaded engine of its own and sends back what it read, encoded (crates/lra-view,
// Batch::into_part: the file's lra-summary/1 JSON, whose round trip is exact). The engine
// worker adds the parts in file order, so the summary is the one a single engine would make;
// a trap here loses only this file, never the page's summary.
//   in:  {request, file}   the request (lra-protocol JSON) that reads `file` alone
//   out: {done}            bytes of it read so far (every 100 ms at most)
//        {part}            what was read, a Uint8Array (transferred)
//        {fatal}           this parser's engine stopped: the engine worker replaces it

import init, { Engine, last_panic } from "./st/lra_engine.js";
import { message, readSlices } from "./slices.js";

const PROGRESS_EVERY_MS = 100;
const loaded = init();

self.onmessage = async ({ data: { request, file } }) => {
  try {
    await loaded;
    const part = await partOf(request, file);
    self.postMessage({ part }, [part.buffer]);
  } catch (error) {
    let panic = "";
    try {
      panic = last_panic();
    } catch {
      // The module did not load: there is no panic to tell.
    }
    self.postMessage({ fatal: panic ? `the parser stopped: ${panic}` : message(error) });
  }
};

/** Reads `file` as `request` says; what it read, encoded. */
async function partOf(request, file) {
  const engine = new Engine();
  const refused = engine.begin_batch(request);
  if (refused) throw new Error(JSON.parse(refused).body.message);
  engine.begin_file(0);
  let last = 0;
  try {
    await readSlices(
      file,
      (bytes, done) => {
        engine.feed(bytes);
        const now = performance.now();
        if (now - last >= PROGRESS_EVERY_MS) {
          last = now;
          self.postMessage({ done });
        }
      },
      () => false,
    );
    engine.end_file();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw error;
    // The file could not be read to its end: what was read counts, flagged.
    engine.cut_file_short(message(error));
  }
  const part = engine.take_part();
  engine.free();
  return part;
}
