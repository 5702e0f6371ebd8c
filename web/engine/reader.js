// A reader for a worker that parses (worker.js, parser.js): it reads one Blob at a time in
// slices and sends them over, transferred rather than copied, so that the parsing worker's
// thread, busy in wasm, never also waits for a read (slices.js, `readSlices`). It keeps at most
// AHEAD slices sent and not yet taken, so memory stays at a few slices whatever the file's size.
//   in:  {id, file, from}              read `file` from byte `from` on, as read `id`
//        {took: id}                    a slice of read `id` was taken
//        {stop: id}                    stop read `id`
//   out: {id, bytes, end}              its next slice (transferred); `end`: the offset past it
//        {id, done: true}              the file is read to its end
//        {id, error: {name, message}}  the browser could not read it on

import { readSlicesHere } from "./slices.js";

const AHEAD = 2;

/** The read under way: its id, slices sent and taken, whether it was stopped, and what wakes it
 * when one of those changes. */
let current = null;

self.onmessage = async ({ data }) => {
  if (data.took !== undefined || data.stop !== undefined) {
    const read = current;
    if (read && read.id === data.took) read.taken++;
    if (read && read.id === data.stop) read.stopped = true;
    read?.wake?.();
    return;
  }
  const read = (current = { id: data.id, sent: 0, taken: 0, stopped: false, wake: null });
  const stop = () => read.stopped || current !== read;
  try {
    await readSlicesHere(
      data.file,
      async (bytes, end) => {
        self.postMessage({ id: read.id, bytes, end }, [bytes.buffer]);
        read.sent++;
        while (read.sent - read.taken >= AHEAD && !stop()) await new Promise((wake) => (read.wake = wake));
      },
      stop,
      data.from,
    );
    if (!stop()) self.postMessage({ id: read.id, done: true });
  } catch (error) {
    self.postMessage({ id: read.id, error: { name: error?.name, message: error?.message ?? String(error) } });
  }
};
