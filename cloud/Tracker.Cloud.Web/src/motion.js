// Moving or stopped, as the cloud's ingest decides it (cloud/Tracker.Cloud.Core/Ingest/
// IngestOptions.cs, MovingThresholdMmps): a speed at or above 5 km/h, above the GNSS jitter of a
// parked car. When the receiver gave no speed, it is derived from the previous position, as the
// ingest's enrichment does.

/** 5 km/h in mm/s. */
export const MOVING_THRESHOLD_MMPS = 1389;

/** A derived speed needs two fixes at most this far apart (older ones say nothing about now). */
export const MAX_DERIVE_GAP_MS = 5 * 60 * 1000;

const EARTH_RADIUS_M = 6371008.8; // IUGG mean radius

/**
 * Great-circle distance (haversine).
 * @param {number} lat1 degrees.
 * @param {number} lon1 degrees.
 * @param {number} lat2 degrees.
 * @param {number} lon2 degrees.
 * @returns {number} metres.
 */
export function distanceM(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * The speed of a point: its own, or derived from the point before it.
 * @param {{ts: number, lat: number, lon: number, speedMmps: number|null}} point the newer point.
 * @param {{ts: number, lat: number, lon: number} | null} previous the older point, if any.
 * @returns {number|null} mm/s, or null when unknown.
 */
export function speedOf(point, previous) {
  if (point.speedMmps !== null) {
    return point.speedMmps;
  }
  if (previous === null) {
    return null;
  }
  const dt = point.ts - previous.ts;
  if (dt <= 0 || dt > MAX_DERIVE_GAP_MS) {
    return null;
  }
  return Math.round((distanceM(previous.lat, previous.lon, point.lat, point.lon) * 1e6) / dt);
}

/**
 * @param {number|null} speedMmps a speed, or null.
 * @returns {boolean|null} moving, stopped, or null when the speed is unknown.
 */
export function isMoving(speedMmps) {
  return speedMmps === null ? null : speedMmps >= MOVING_THRESHOLD_MMPS;
}
