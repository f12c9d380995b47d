// A car's recent positions in time order. Live fixes do not arrive in time order: after a
// reconnect the tracker sends its newest fix first, so the map is current at once, then the
// backlog oldest first (firmware/Tracker.Core/Uplink/README.md, "Newest first after a
// reconnect"). So each point is inserted where its time belongs, and the newest is the one with
// the greatest time, not the last to arrive.

/**
 * Where `ts` belongs in points sorted by ts: the first index whose ts is not less.
 * @param {Array<{ts: number}>} points sorted by ts.
 * @param {number} ts the time.
 * @returns {number} 0 to points.length.
 */
export function lowerBound(points, ts) {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].ts < ts) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** A bounded, time-ordered list of points with one point per time. */
export class Trail {
  /**
   * @param {number} capacity most points kept; past it the oldest go.
   */
  constructor(capacity) {
    if (!(capacity >= 1)) {
      throw new RangeError('capacity must be at least 1');
    }
    this.capacity = capacity;
    /** @type {Array<import('./point.js').Point>} */
    this.points = [];
  }

  /** The newest point, or null. */
  get latest() {
    return this.points.length === 0 ? null : this.points[this.points.length - 1];
  }

  /**
   * Inserts a point in time order.
   * @param {import('./point.js').Point} point the point.
   * @returns {'newest'|'older'|'duplicate'|'dropped'} newest: it is now the latest; older: it went
   *   into the past; duplicate: a point with that time is there already (kept as it was); dropped:
   *   older than everything in a full trail.
   */
  insert(point) {
    const points = this.points;
    const at = lowerBound(points, point.ts);
    if (at < points.length && points[at].ts === point.ts) {
      return 'duplicate';
    }
    if (points.length >= this.capacity && at === 0) {
      return 'dropped';
    }
    const newest = at === points.length;
    if (newest) {
      points.push(point);
    } else {
      points.splice(at, 0, point);
    }
    if (points.length > this.capacity) {
      points.splice(0, points.length - this.capacity);
    }
    return newest ? 'newest' : 'older';
  }

  /**
   * The point just before a time, for a derived speed.
   * @param {number} ts the time.
   * @returns {import('./point.js').Point|null} the latest point older than ts.
   */
  before(ts) {
    const at = lowerBound(this.points, ts);
    return at === 0 ? null : this.points[at - 1];
  }

  /** Forgets every point. */
  clear() {
    this.points.length = 0;
  }
}
