// A parser of the engine worker's pool, for pages without threads: it reads one file, or one
// part of a large one, with a single-threaded engine of its own and sends back what it read,
// encoded: a whole file as its part (crates/lra-session, Batch::into_part: the file's lra-summary/1
// JSON, whose round trip is exact), a part of a file as its segment (lra-core, Segment::to_bytes:
// the open test, the head, the end state). The engine worker adds them in file order, so the
// summary is the one a single engine would make; a trap here loses only this file.
//   in:  {request, file, beside}
//                          the request (lra-protocol JSON) that reads `file` alone
//        {segment: {reading, start, end}, file, beside}
//                          the lines of `file` that start in [start, end), read as `reading`
//                          (`beside`: by a reader worker beside this one, slices.js)
//   out: {done}            bytes of it read so far (every 100 ms at most)
//        {part}            what was read, a Uint8Array (transferred)
//        {part, damage}    the same, when the file could not be read to the segment's end
//        {fatal}           this parser's engine stopped: the engine worker replaces it

import init, { Engine, SegmentParser, failed_allocation, last_panic } from "./st/lra_engine.js";
import { message, readSlices, stopped } from "./slices.js";

const PROGRESS_EVERY_MS = 100;
const loaded = init();

/** Says how many bytes are read, every PROGRESS_EVERY_MS at most. */
function reporter() {
  let last = 0;
  return (done) => {
    const now = performance.now();
    if (now - last >= PROGRESS_EVERY_MS) {
      last = now;
      self.postMessage({ done });
    }
  };
}

self.onmessage = async ({ data: { request, segment, file, beside } }) => {
  try {
    await loaded;
    if (segment) {
      const { part, damage } = await segmentOf(segment, file, beside);
      self.postMessage(damage ? { part, damage } : { part }, [part.buffer]);
      return;
    }
    const part = await partOf(request, file, beside);
    self.postMessage({ part }, [part.buffer]);
  } catch (error) {
    self.postMessage({ fatal: stopped({ failed_allocation, last_panic }, "the parser", error) });
  }
};

/** Reads `file` as `request` says, `beside` a reader or not (slices.js); what it read, encoded. */
async function partOf(request, file, beside) {
  const engine = new Engine();
  const refused = engine.begin_batch(request);
  if (refused) throw new Error(JSON.parse(refused).body.message);
  engine.begin_file(0);
  const report = reporter();
  try {
    await readSlices(
      file,
      (bytes, done) => {
        engine.feed(bytes);
        report(done);
      },
      () => false,
      0,
      beside,
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

/** The lines of `file` that start in [start, end), parsed as one segment: the engine's
 * `SegmentParser` cuts them (lra_input::LinesInRange, as the CLI's threads do) and says where to
 * start reading and when they are all read; `beside` as in `partOf`. */
async function segmentOf({ reading, start, end }, file, beside) {
  const parser = new SegmentParser(reading, start, end);
  const report = reporter();
  let damage = null;
  try {
    await readSlices(
      file,
      (bytes, at) => {
        parser.feed(bytes);
        report(Math.max(0, Math.min(at, end) - start));
      },
      () => parser.is_finished(),
      parser.read_from(),
      beside,
    );
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw error;
    damage = message(error);
  }
  return { part: parser.finish(), damage };
}
