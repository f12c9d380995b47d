// A renter's rentals (GET /me): which one is active now, and when that next changes, so that the
// renter view opens when a rental starts and closes when it ends without a reload.

/**
 * @typedef {{carId: string, fromMs: number, toMs: number}} Rental
 */

/**
 * The rentals from /me that are well formed (a valid window; the car id is checked by the caller).
 * @param {unknown} rentals the `rentals` array.
 * @returns {Rental[]} the usable ones.
 */
export function cleanRentals(rentals) {
  if (!Array.isArray(rentals)) {
    return [];
  }
  return rentals.filter(
    (r) => r !== null && typeof r === 'object' && typeof r.carId === 'string'
      && Number.isFinite(r.fromMs) && Number.isFinite(r.toMs) && r.fromMs < r.toMs,
  );
}

/**
 * The rental active at `nowMs` (from inclusive, to exclusive); the one ending last if several.
 * @param {Rental[]} rentals the rentals.
 * @param {number} nowMs the time.
 * @returns {Rental|null} the rental, or null.
 */
export function activeRental(rentals, nowMs) {
  let best = null;
  for (const r of rentals) {
    if (r.fromMs <= nowMs && nowMs < r.toMs && (best === null || r.toMs > best.toMs)) {
      best = r;
    }
  }
  return best;
}

/**
 * The next rental to start after `nowMs`.
 * @param {Rental[]} rentals the rentals.
 * @param {number} nowMs the time.
 * @returns {Rental|null} the rental, or null.
 */
export function nextRental(rentals, nowMs) {
  let best = null;
  for (const r of rentals) {
    if (r.fromMs > nowMs && (best === null || r.fromMs < best.fromMs)) {
      best = r;
    }
  }
  return best;
}

/**
 * The next instant after `nowMs` at which the active rental may change (a start or an end).
 * @param {Rental[]} rentals the rentals.
 * @param {number} nowMs the time.
 * @returns {number|null} epoch ms, or null when nothing changes any more.
 */
export function nextBoundary(rentals, nowMs) {
  let best = null;
  for (const r of rentals) {
    for (const t of [r.fromMs, r.toMs]) {
      if (t > nowMs && (best === null || t < best)) {
        best = t;
      }
    }
  }
  return best;
}
