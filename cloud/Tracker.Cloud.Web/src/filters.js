// The ingest's named filters for dirty GNSS data, as the web app applies them to the live fixes it shows:
// one small predicate each, false when the rules switch it off, with ingest's thresholds
// (cloud/Tracker.Cloud.Core/Ingest/FixFilterHandler.cs; the values come from config.json's carRules).
// A fix ingest would not store is not shown either: not as the car's position, not on its trail.

const MAX_LAT_E7 = 900000000;
const MAX_LON_E7 = 1800000000;

/**
 * @typedef {{ts: number, latE7: number, lonE7: number, speedMmps: number|null, courseCdeg: number|null,
 *   hdopX100: number|null, satellites: number|null, mode: number, quality: number}} FilterInput
 */

const on = (rules, name) => rules.filters.has(name);
const unknownOr = (v, ok) => v === null || ok(v);

/**
 * `invalid`: a field outside its domain (the wire decoder refuses most of these already).
 * @param {FilterInput} fix the fix.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {boolean} true to reject.
 */
export function isInvalid(fix, rules) {
  if (!on(rules, 'invalid')) return false;
  const ok = fix.ts > 0
    && fix.latE7 >= -MAX_LAT_E7 && fix.latE7 <= MAX_LAT_E7
    && fix.lonE7 >= -MAX_LON_E7 && fix.lonE7 <= MAX_LON_E7
    && (fix.mode === 2 || fix.mode === 3)
    && fix.quality >= 1 && fix.quality <= 8
    && unknownOr(fix.speedMmps, (v) => v >= 0)
    && unknownOr(fix.courseCdeg, (v) => v >= 0 && v < 36000)
    && unknownOr(fix.hdopX100, (v) => v >= 0)
    && unknownOr(fix.satellites, (v) => v >= 0);
  return !ok;
}

/**
 * `zero`: exactly 0,0, the "empty field became zero" receiver bug.
 * @param {FilterInput} fix the fix.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {boolean} true to reject.
 */
export function isZero(fix, rules) {
  return on(rules, 'zero') && fix.latE7 === 0 && fix.lonE7 === 0;
}

/**
 * `future`: further ahead of the clock than maxFutureSkewMs.
 * @param {FilterInput} fix the fix.
 * @param {number} nowMs the clock.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {boolean} true to reject.
 */
export function isFuture(fix, nowMs, rules) {
  return on(rules, 'future') && fix.ts > nowMs + rules.maxFutureSkewMs;
}

/**
 * `past`: older than retentionMs (the store would only expire it).
 * @param {FilterInput} fix the fix.
 * @param {number} nowMs the clock.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {boolean} true to reject.
 */
export function isPast(fix, nowMs, rules) {
  return on(rules, 'past') && fix.ts < nowMs - rules.retentionMs;
}

/**
 * `accuracy`: HDOP above maxHdopX100 (an unknown HDOP passes).
 * @param {FilterInput} fix the fix.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {boolean} true to reject.
 */
export function isInaccurate(fix, rules) {
  return on(rules, 'accuracy') && fix.hdopX100 !== null && fix.hdopX100 > rules.maxHdopX100;
}

/**
 * The first filter of those that look at a fix alone that rejects it (FixFilterHandler.FirstRejecting).
 * @param {FilterInput} fix the fix.
 * @param {number} nowMs the clock.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {string|null} its name, or null when the fix passes them all.
 */
export function firstRejecting(fix, nowMs, rules) {
  if (isInvalid(fix, rules)) return 'invalid';
  if (isZero(fix, rules)) return 'zero';
  if (isFuture(fix, nowMs, rules)) return 'future';
  if (isPast(fix, nowMs, rules)) return 'past';
  if (isInaccurate(fix, rules)) return 'accuracy';
  return null;
}

/**
 * `max-speed`: reaching a fix from the car's previous accepted one, distanceCm away and elapsedMs
 * later, would need more than maxSpeedKmh (km/h = cm * 36 / ms, as ingest computes it).
 * @param {number} distanceCm the distance (src/geomath.js).
 * @param {number} elapsedMs the time between them; not judged when not positive.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {boolean} true to reject.
 */
export function isSpeedJump(distanceCm, elapsedMs, rules) {
  return on(rules, 'max-speed') && elapsedMs > 0 && distanceCm * 36 > rules.maxSpeedKmh * elapsedMs;
}
