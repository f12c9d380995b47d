// History playback: a clock over the loaded fixes that runs at a chosen rate, and the position
// and speed at any instant (linear between fixes). Pure: the car view drives it from
// requestAnimationFrame and draws what it says.

import { speedOf } from './motion.js';

/** Rates offered, in playback seconds per real second. */
export const RATES = [1, 10, 30, 60, 300, 900];

/**
 * A gap between fixes longer than this (the car parked, or out of coverage) is jumped over
 * during playback rather than played as minutes of stillness.
 */
export const GAP_SKIP_MS = 5 * 60 * 1000;

/**
 * Each point's speed: its own, or derived from the point before (as the ingest's enrichment).
 * @param {Array<import('./point.js').Point>} points time-ordered.
 * @param {import('./carrules.js').CarRules} rules the car rules (how far back a speed is derived).
 * @returns {Array<number|null>} mm/s per point.
 */
export function speedsOf(points, rules) {
  return points.map((p, i) => speedOf(p, i === 0 ? null : points[i - 1], rules));
}

/**
 * The index i with points[i].ts <= t < points[i + 1].ts (clamped to the ends).
 * @param {Array<{ts: number}>} points time-ordered, not empty.
 * @param {number} t the time.
 * @returns {number} the index.
 */
export function segmentAt(points, t) {
  let lo = 0;
  let hi = points.length - 1;
  if (t <= points[0].ts) return 0;
  if (t >= points[hi].ts) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].ts <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Where the car was at time t.
 * @param {Array<import('./point.js').Point>} points time-ordered, not empty.
 * @param {Array<number|null>} speeds from speedsOf.
 * @param {number} t the time.
 * @returns {{lat: number, lon: number, speedMmps: number|null, index: number}} interpolated.
 */
export function sampleAt(points, speeds, t) {
  const i = segmentAt(points, t);
  const a = points[i];
  const b = points[i + 1];
  if (b === undefined || t <= a.ts || Math.abs(b.lon - a.lon) > 180) {
    // At an end, or across the antimeridian (interpolating would sweep round the world).
    return { lat: a.lat, lon: a.lon, speedMmps: speeds[i], index: i };
  }
  const f = (t - a.ts) / (b.ts - a.ts);
  const sa = speeds[i];
  const sb = speeds[i + 1];
  return {
    lat: a.lat + (b.lat - a.lat) * f,
    lon: a.lon + (b.lon - a.lon) * f,
    speedMmps: sa === null || sb === null ? (f < 0.5 ? sa : sb) : Math.round(sa + (sb - sa) * f),
    index: i,
  };
}

/** The playback clock over one loaded range. */
export class Playback {
  /**
   * @param {Array<import('./point.js').Point>} points time-ordered, not empty.
   * @param {import('./carrules.js').CarRules} rules the car rules (config.json's carRules).
   */
  constructor(points, rules) {
    if (points.length === 0) {
      throw new RangeError('nothing to play');
    }
    this.points = points;
    this.speeds = speedsOf(points, rules);
    this.start = points[0].ts;
    this.end = points[points.length - 1].ts;
    this.t = this.start;
    this.rate = 60;
    this.playing = false;
  }

  /** Starts playing; from the beginning again if at the end. */
  play() {
    if (this.t >= this.end) {
      this.t = this.start;
    }
    this.playing = this.end > this.start;
  }

  /** Stops where it is. */
  pause() {
    this.playing = false;
  }

  /**
   * @param {number} t the time to show (clamped to the range).
   */
  seek(t) {
    this.t = Math.min(this.end, Math.max(this.start, t));
  }

  /**
   * @param {number} rate playback seconds per real second (positive).
   */
  setRate(rate) {
    if (rate > 0 && Number.isFinite(rate)) {
      this.rate = rate;
    }
  }

  /**
   * Moves the clock on by `realMs` of real time, jumping gaps longer than GAP_SKIP_MS; stops at
   * the end.
   * @param {number} realMs real time elapsed since the last call.
   */
  advance(realMs) {
    if (!this.playing) {
      return;
    }
    const i = segmentAt(this.points, this.t);
    const next = this.points[i + 1];
    let t = this.t + realMs * this.rate;
    if (next !== undefined && next.ts - this.points[i].ts > GAP_SKIP_MS && t < next.ts) {
      t = next.ts;
    }
    this.t = Math.min(this.end, t);
    if (this.t >= this.end) {
      this.playing = false;
    }
  }

  /** @returns {{lat: number, lon: number, speedMmps: number|null, index: number}} the position now. */
  sample() {
    return sampleAt(this.points, this.speeds, this.t);
  }
}
