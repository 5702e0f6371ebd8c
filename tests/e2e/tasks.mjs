// The page's main-thread tasks, read from a Chromium trace: each task's wall time, the CPU time
// its thread spent on it, and what it did. A PerformanceObserver sees only wall time, and on a
// machine whose cores are busy (two cores shared by the engine's workers, the compositor and
// the test's own processes) a task's wall time is two to six times its CPU time, the thread
// waiting for a core: the CPU time is what the page's own code costs, whatever the machine.

/** The trace categories that hold the renderer's tasks (`RunTask`, with `dur` and `tdur`) and
 * what ran inside them. */
const CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"];

/** What a task did, named as the trace names it; the parts that say which part of the page it
 * was (Msg: an answer of the engine; TimerFire: a part of the page made a frame later, or a chart
 * drawn; Layout, Style, Paint: the browser's own). */
const KINDS = /^(HandlePostMessage|TimerFire|FireAnimationFrame|Layout|UpdateLayoutTree|Paint|EventDispatch|ParseHTML|MinorGC|MajorGC)$/;
const SHORT = { HandlePostMessage: "Msg", UpdateLayoutTree: "Style", FireAnimationFrame: "rAF" };

/** Starts recording `page`'s tasks; `browser` records one page at a time. */
export function recordTasks(browser, page) {
  return browser.startTracing(page, { categories: CATEGORIES });
}

/** Stops the recording and returns the main thread's tasks over `overMs` of wall or CPU time, in
 * order: `{ wall, cpu, did }`, times in ms, `did` as `Msg+Layout`. */
export async function recordedTasks(browser, overMs = 3) {
  const events = JSON.parse(await browser.stopTracing()).traceEvents;
  const main = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const on = (e) => main.has(`${e.pid}:${e.tid}`);
  const inside = (task) =>
    events.filter(
      (e) => e.ph === "X" && on(e) && e.tid === task.tid && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur && KINDS.test(e.name) && e.dur > 1500,
    );
  return events
    .filter((e) => e.name === "RunTask" && e.ph === "X" && on(e) && Math.max(e.dur, e.tdur ?? 0) > overMs * 1000)
    .sort((a, b) => a.ts - b.ts)
    .map((task) => ({
      wall: task.dur / 1000,
      cpu: (task.tdur ?? task.dur) / 1000,
      did: [...new Set(inside(task).map((e) => SHORT[e.name] ?? e.name))].join("+"),
    }));
}

/** A task as `18 ms (cpu 6) [Msg+Layout]`. */
export const described = (t) => `${t.wall.toFixed(0)} ms (cpu ${t.cpu.toFixed(0)})${t.did ? ` [${t.did}]` : ""}`;
