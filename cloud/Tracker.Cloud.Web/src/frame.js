// Batches work into one run per frame: many messages, one repaint. requestAnimationFrame does not
// run in a hidden tab, so a timer backs it up, and the live marker still moves within a second
// (the bound) when the tab is in the background; whichever fires first runs the work once.
//
// With a minimum interval, runs are also spaced out: 1,000 cars reporting every second would
// otherwise repaint the list and the markers at the display's full rate, and each repaint costs a
// compositor commit. Four or five repaints a second look live and cost a tenth as much.

/** The timer's delay, ms: well inside the one second a live fix may take to show. */
export const FALLBACK_MS = 250;

/**
 * @param {() => void} work what to run.
 * @param {{raf?: (cb: Function) => number, caf?: (id: number) => void,
 *   setTimeout?: typeof setTimeout, clearTimeout?: typeof clearTimeout, now?: () => number,
 *   minIntervalMs?: number}} [env] injected in tests; minIntervalMs spaces runs at least that far apart.
 * @returns {{schedule: () => void, cancel: () => void}} schedule (idempotent until it runs) and cancel.
 */
export function createFrame(work, env = {}) {
  const raf = env.raf ?? ((cb) => globalThis.requestAnimationFrame(cb));
  const caf = env.caf ?? ((id) => globalThis.cancelAnimationFrame(id));
  const setT = env.setTimeout ?? globalThis.setTimeout;
  const clearT = env.clearTimeout ?? globalThis.clearTimeout;
  const now = env.now ?? (() => Date.now());
  const minInterval = env.minIntervalMs ?? 0;
  let frame = null;
  let timer = null;
  let delay = null;
  let lastRun = -Infinity;
  const cancel = () => {
    if (frame !== null) caf(frame);
    if (timer !== null) clearT(timer);
    if (delay !== null) clearT(delay);
    frame = null;
    timer = null;
    delay = null;
  };
  const run = () => {
    cancel();
    lastRun = now();
    work();
  };
  const request = () => {
    delay = null;
    frame = raf(run);
    timer = setT(run, FALLBACK_MS);
  };
  return {
    schedule() {
      if (frame !== null || timer !== null || delay !== null) return;
      const wait = lastRun + minInterval - now();
      if (wait > 0) delay = setT(request, wait);
      else request();
    },
    cancel,
  };
}
