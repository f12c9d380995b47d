// One position as the app keeps it, from either source: a Location of the HTTP API
// (contract: GET /cars/{id}/location) or a fix decoded from a live batch (src/wire.js).
// Coordinates come from the integer 1e-7 degree values in both cases, so the two agree exactly.

/**
 * @typedef {object} Point
 * @property {number} ts epoch ms of the fix.
 * @property {number} latE7 latitude, 1e-7 degrees (an integer: distances are measured on these, as ingest does).
 * @property {number} lonE7 longitude, 1e-7 degrees.
 * @property {number} lat degrees.
 * @property {number} lon degrees.
 * @property {number|null} speedMmps mm/s, or null.
 * @property {number|null} courseCdeg 0.01 degree, or null.
 * @property {number|null} altCm cm, or null.
 * @property {number|null} hdopX100 HDOP x100, or null.
 * @property {number|null} satellites or null.
 * @property {number} mode 2 or 3.
 * @property {number} quality 1 to 8.
 * @property {boolean|null} moving as the cloud's rules classify it: from the API, or computed by the
 *   FleetStore for a live fix (null until then).
 */

const orNull = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A Location of the HTTP API, checked: anything without a numeric time and position is refused.
 * @param {any} loc the parsed JSON object.
 * @returns {Point|null} the point, or null when it lacks ts, latE7 or lonE7.
 */
export function pointFromLocation(loc) {
  if (loc === null || typeof loc !== 'object') {
    return null;
  }
  const ts = orNull(loc.ts);
  const latE7 = orNull(loc.latE7);
  const lonE7 = orNull(loc.lonE7);
  if (ts === null || latE7 === null || lonE7 === null) {
    return null;
  }
  return {
    ts,
    latE7: Math.round(latE7),
    lonE7: Math.round(lonE7),
    lat: latE7 / 1e7,
    lon: lonE7 / 1e7,
    speedMmps: orNull(loc.speedMmps),
    courseCdeg: orNull(loc.courseCdeg),
    altCm: orNull(loc.altCm),
    hdopX100: orNull(loc.hdopX100),
    satellites: orNull(loc.satellites),
    mode: orNull(loc.mode) ?? 3,
    quality: orNull(loc.quality) ?? 1,
    moving: typeof loc.moving === 'boolean' ? loc.moving : null,
  };
}

/**
 * A fix from src/wire.js.
 * @param {{ts: number, latE7: number, lonE7: number, altCm: number|null, speedMmps: number|null,
 *   courseCdeg: number|null, hdopX100: number|null, satellites: number|null, mode: number,
 *   quality: number}} fix the decoded fix.
 * @returns {Point} the point.
 */
export function pointFromFix(fix) {
  return {
    ts: fix.ts,
    latE7: fix.latE7,
    lonE7: fix.lonE7,
    lat: fix.latE7 / 1e7,
    lon: fix.lonE7 / 1e7,
    speedMmps: fix.speedMmps,
    courseCdeg: fix.courseCdeg,
    altCm: fix.altCm,
    hdopX100: fix.hdopX100,
    satellites: fix.satellites,
    mode: fix.mode,
    quality: fix.quality,
    moving: null,
  };
}
