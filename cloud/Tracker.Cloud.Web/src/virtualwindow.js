// The arithmetic of a virtualised list (issue 19: 10,000 cars): which rows exist in the DOM for a
// scroll position, and where to scroll so that a row is in view. Rows have one fixed height; the
// list is a scroll container whose padding stands in for the rows above and below the window.
// Pure (no DOM), so node tests cover every edge.

/** Rows rendered beyond each edge of the view: a fast wheel or a key held down shows no blank row. */
export const OVERSCAN = 8;

/**
 * The rows to render: those in view, plus `overscan` on each side, clamped to the list.
 * @param {number} scrollTop the container's scrollTop, px.
 * @param {number} viewport the container's client height, px (0 when it is not laid out).
 * @param {number} rowHeight px, > 0.
 * @param {number} count rows in the list.
 * @param {number} [overscan] rows beyond each edge.
 * @returns {{first: number, last: number}} rows first (inclusive) to last (exclusive); first === last when none.
 */
export function windowOf(scrollTop, viewport, rowHeight, count, overscan = OVERSCAN) {
  const n = Math.max(0, Math.floor(count));
  if (n === 0 || !(rowHeight > 0)) return { first: 0, last: Math.min(n, overscan) };
  const top = Number.isFinite(scrollTop) ? Math.max(0, scrollTop) : 0;
  const height = Number.isFinite(viewport) ? Math.max(0, viewport) : 0;
  const firstInView = Math.min(n - 1, Math.floor(top / rowHeight));
  const lastInView = Math.min(n, Math.ceil((top + height) / rowHeight));
  const first = Math.max(0, firstInView - overscan);
  const last = Math.min(n, Math.max(firstInView + 1, lastInView) + overscan);
  return { first, last };
}

/**
 * The scrollTop that brings row `index` fully into view, moving as little as possible.
 * @param {number} index the row.
 * @param {number} scrollTop the current scrollTop, px.
 * @param {number} viewport the client height, px.
 * @param {number} rowHeight px.
 * @returns {number} the scrollTop to set (the current one when the row is in view already).
 */
export function scrollToShow(index, scrollTop, viewport, rowHeight) {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
  return scrollTop;
}

/**
 * The position of `id` in a sorted array of strings, or where it would go.
 * @param {string[]} sorted ascending (JavaScript string order).
 * @param {string} id the id.
 * @returns {number} the lower bound.
 */
export function sortedIndex(sorted, id) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
