// What moving, stopped, offline and filtered mean for a car: the rules the cloud's ingest stores by and
// its API answers by (cloud/Tracker.Cloud.Core/Cars/CarRules.cs). The app has no values of its own: it
// reads them from config.json's `carRules`, which the local host serves from the rules its ingest and
// API apply, and which scripts/config-from-stack.mjs writes from an AWS stack's `CarRules` output.
// A test feeds one corpus to both sides and compares (test/carstate.test.js, and
// tests/Tracker.Cloud.Tests, CarStateCorpusTests, which writes test/fixtures/car-state-corpus.json).

/** Every ingest filter, in the order ingest runs them (cloud/Tracker.Cloud.Core/Ingest/FixFilter.cs). */
export const FILTER_NAMES = Object.freeze(['invalid', 'zero', 'future', 'past', 'accuracy', 'max-speed', 'duplicate']);

/**
 * @typedef {object} CarRules
 * @property {number} movingThresholdMmps a speed at or above this is moving.
 * @property {number} maxSpeedDerivationGapMs a missing speed is derived from the previous fix at most this far back.
 * @property {number} offlineAfterMs a car whose newest fix is older than this is offline.
 * @property {ReadonlySet<string>} filters the filters that run (FILTER_NAMES).
 * @property {number} maxFutureSkewMs `future`: a fix further ahead of the clock than this.
 * @property {number} retentionMs `past`: a fix older than this.
 * @property {number} maxHdopX100 `accuracy`: an HDOP x100 above this.
 * @property {number} maxSpeedKmh `max-speed`: a jump from the previous fix faster than this.
 */

const NUMBERS = ['movingThresholdMmps', 'maxSpeedDerivationGapMs', 'offlineAfterMs', 'maxFutureSkewMs', 'retentionMs', 'maxHdopX100', 'maxSpeedKmh'];

/**
 * The rules from config.json, checked: every number a positive integer (maxFutureSkewMs may be 0), the
 * filters a list of known names. Anything else is no rules at all, never half of them.
 * @param {any} raw the parsed `carRules` value.
 * @returns {Readonly<CarRules>|null} the rules, or null when missing or malformed.
 */
export function readCarRules(raw) {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const rules = {};
  for (const key of NUMBERS) {
    const v = raw[key];
    const least = key === 'maxFutureSkewMs' ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < least) return null;
    rules[key] = v;
  }
  if (!Array.isArray(raw.filters) || !raw.filters.every((f) => FILTER_NAMES.includes(f))) return null;
  rules.filters = Object.freeze(new Set(raw.filters));
  return Object.freeze(rules);
}

/**
 * @param {Readonly<CarRules>} rules the rules.
 * @param {number} latestTs the newest fix's time, epoch ms.
 * @param {boolean} moving whether that fix is moving.
 * @param {number} nowMs now.
 * @returns {'moving'|'stopped'|'offline'} the state (CarRules.StateOf).
 */
export function stateOf(rules, latestTs, moving, nowMs) {
  if (nowMs - latestTs > rules.offlineAfterMs) return 'offline';
  return moving ? 'moving' : 'stopped';
}
