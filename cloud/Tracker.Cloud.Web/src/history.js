// A car's history over a range: every page of GET /cars/{id}/locations, following nextCursor with
// the same start and end until it is null (contract), into one time-ordered list of points.

import { pointFromLocation } from './point.js';

/** The API's largest page (contract: limit 1..1000). */
export const PAGE_LIMIT = 1000;

/** Most points one load keeps: a day of 1 Hz fixes is 86,400; a week of 5 s fixes 120,960. */
export const MAX_POINTS = 200000;

/**
 * @param {{locations: Function}} api the client (src/api.js).
 * @param {string} carId the car.
 * @param {number} startMs range start, epoch ms.
 * @param {number} endMs range end, epoch ms.
 * @param {{signal?: AbortSignal, onProgress?: (count: number) => void, maxPoints?: number}} [options]
 *   cancellation, progress after each page, and the cap.
 * @returns {Promise<{ok: true, points: Array<import('./point.js').Point>, truncated: boolean} |
 *   {ok: false, problem: import('./api.js').Problem, aborted?: boolean}>} the points in time order
 *   (truncated: the cap was reached first), or why it failed.
 */
export async function fetchHistory(api, carId, startMs, endMs, options = {}) {
  const maxPoints = options.maxPoints ?? MAX_POINTS;
  const points = [];
  const seen = new Set();
  let cursor = null;
  for (;;) {
    const page = await api.locations(carId, { start: startMs, end: endMs, limit: PAGE_LIMIT, cursor }, options.signal);
    if (!page.ok) {
      return { ok: false, problem: page.problem, aborted: page.aborted };
    }
    const fixes = page.data !== null && typeof page.data === 'object' && Array.isArray(page.data.fixes) ? page.data.fixes : null;
    if (fixes === null) {
      return { ok: false, problem: { title: 'The history response has no fixes list' } };
    }
    for (const loc of fixes) {
      const point = pointFromLocation(loc);
      if (point !== null) {
        points.push(point);
      }
    }
    options.onProgress?.(points.length);
    const next = page.data.nextCursor;
    if (next === null || next === undefined || next === '') {
      break;
    }
    if (typeof next !== 'string' || seen.has(next)) {
      return { ok: false, problem: { title: 'The server repeated a history cursor' } };
    }
    if (points.length >= maxPoints) {
      return { ok: true, points: sortUnique(points).slice(0, maxPoints), truncated: true };
    }
    seen.add(next);
    cursor = next;
  }
  return { ok: true, points: sortUnique(points), truncated: false };
}

/** Time order, one point per time (pages are in order already; this makes sure). */
function sortUnique(points) {
  points.sort((a, b) => a.ts - b.ts);
  const out = [];
  for (const p of points) {
    if (out.length === 0 || out[out.length - 1].ts !== p.ts) {
      out.push(p);
    }
  }
  return out;
}
