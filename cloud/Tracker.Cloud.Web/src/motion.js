// Moving or stopped, as the cloud's ingest decides it (cloud/Tracker.Cloud.Core/Cars/Motion.cs) with the
// thresholds of config.json's carRules: a speed at or above movingThresholdMmps is moving; a fix
// without a speed gets the average from the car's previous fix, when that is at most
// maxSpeedDerivationGapMs earlier, measured with the firmware's integer distance (src/geomath.js);
// an unknown speed is not moving.

import { distanceCm } from './geomath.js';

/**
 * The speed at a fix: its own, or derived from the fix before it (Motion.SpeedMmps).
 * @param {{ts: number, latE7: number, lonE7: number, speedMmps: number|null}} point the newer fix.
 * @param {{ts: number, latE7: number, lonE7: number} | null} previous the car's previous fix, if any.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {number|null} mm/s, or null when unknown.
 */
export function speedOf(point, previous, rules) {
  if (point.speedMmps !== null) {
    return point.speedMmps;
  }
  if (previous === null) {
    return null;
  }
  const dt = point.ts - previous.ts;
  if (dt <= 0 || dt > rules.maxSpeedDerivationGapMs) {
    return null;
  }
  const cm = distanceCm(previous.latE7, previous.lonE7, point.latE7, point.lonE7);
  // mm/s = cm * 10 / (ms / 1000), rounded to nearest, as ingest's integer division does.
  return Math.min(2147483647, Math.floor((cm * 10000 + Math.floor(dt / 2)) / dt));
}

/**
 * @param {number|null} speedMmps a speed, or null.
 * @param {import('./carrules.js').CarRules} rules the rules.
 * @returns {boolean} moving (Motion.IsMoving): unknown is not moving.
 */
export function isMoving(speedMmps, rules) {
  return speedMmps !== null && speedMmps >= rules.movingThresholdMmps;
}
