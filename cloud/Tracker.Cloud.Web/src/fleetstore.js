// What the app knows about each car: its newest position, moving or stopped, its last status
// message, and from those its state for the map and the list. Pure (no DOM): the views read it
// once a frame through takeDirty() and takeTransitions(), so a burst of messages costs one
// repaint, not one per message.
//
// Live fixes arrive as the car sent them, before the cloud's ingest has looked at them. The store
// judges them as ingest does, step for step (cloud/Tracker.Cloud.Core/Ingest/IngestService.cs), with
// the rules of config.json's carRules: the filters that look at a fix alone, then in time order the
// duplicate and max-speed filters and the moving flag against the car's previous fix. A fix ingest
// would not store is not shown. The previous fix is the newest the store holds before it: it keeps a
// few recent fixes per car, so the backlog a car sends after a dead zone (newest first, then the rest
// oldest first) is judged against the fixes ingest judges it against. A fix older than all of them
// (a re-delivery from long ago) is judged against nothing, where ingest reads its store; it can never
// be the newest position, so the state shown does not depend on it.

import { stateOf } from './carrules.js';
import { firstRejecting, isSpeedJump } from './filters.js';
import { distanceCm } from './geomath.js';
import { isMoving, speedOf } from './motion.js';
import { lowerBound } from './trail.js';

/** Recent fixes kept per car, to judge a fix against the one before it. */
export const RECENT_FIXES = 16;

/** @typedef {'moving'|'stopped'|'offline'} CarStateName */

/**
 * @typedef {object} CarState
 * @property {string} carId the thing name.
 * @property {import('./point.js').Point|null} latest the newest position.
 * @property {Array<import('./point.js').Point>} recent the newest accepted fixes, time-ordered (at most RECENT_FIXES).
 * @property {boolean} moving from the newest position.
 * @property {boolean} offlineByStatus the last status said offline, and no fix came after it.
 * @property {import('./status.js').TrackerStatus|null} status the last status message.
 * @property {number|null} statusMs when it was received (browser clock).
 * @property {CarStateName} state the state shown.
 */

/** The cars, their states and what changed since the last frame. */
export class FleetStore {
  /**
   * @param {{rules: import('./carrules.js').CarRules, now?: () => number}} options the car rules
   *   (config.json's carRules) and the clock (injected in tests).
   */
  constructor(options) {
    if (options?.rules === null || typeof options?.rules !== 'object') {
      throw new TypeError('FleetStore needs the car rules (config.json carRules)');
    }
    this.rules = options.rules;
    this.now = options.now ?? Date.now;
    /** @type {Map<string, CarState>} */
    this.cars = new Map();
    this.counts = { moving: 0, stopped: 0, offline: 0 };
    /** @type {Set<string>} */
    this.dirty = new Set();
    /** @type {Array<{carId: string, from: CarStateName, to: CarStateName}>} */
    this.transitions = [];
    /** @type {Set<(carId: string, points: Array<import('./point.js').Point>) => void>} */
    this.fixListeners = new Set();
    /** @type {Set<(carId: string, status: import('./status.js').TrackerStatus) => void>} */
    this.statusListeners = new Set();
  }

  /**
   * The car's record, created (offline, no position) the first time it is seen.
   * @param {string} carId the thing name.
   * @returns {CarState} the record.
   */
  ensure(carId) {
    let car = this.cars.get(carId);
    if (car === undefined) {
      car = { carId, latest: null, recent: [], moving: false, offlineByStatus: false, status: null, statusMs: null, state: 'offline' };
      this.cars.set(carId, car);
      this.counts.offline++;
      this.dirty.add(carId);
    }
    return car;
  }

  /**
   * A position from the HTTP API (the initial state): ingest stored it, so it is taken as it is.
   * @param {string} carId the car.
   * @param {import('./point.js').Point} point its position.
   */
  applyLocation(carId, point) {
    const car = this.ensure(carId);
    if (!hasTime(car.recent, point.ts)) {
      remember(car, point);
    }
    if (car.latest === null || point.ts > car.latest.ts) {
      car.latest = point;
      if (point.moving !== null) {
        car.moving = point.moving;
      }
      this.dirty.add(carId);
    }
    this.classify(car);
  }

  /**
   * The fixes of one live batch, in any order, judged as ingest judges them. A live fix also
   * proves that the car is connected, so it clears an offline status.
   * @param {string} carId the car.
   * @param {Array<import('./point.js').Point>} points the decoded fixes.
   * @returns {Array<string|null>} for each point, in the order given: the name of the filter that
   *   rejects it (as ingest counts it), or null when it is accepted.
   */
  applyFixes(carId, points) {
    const car = this.ensure(carId);
    if (points.length === 0) {
      return [];
    }
    const rules = this.rules;
    const nowMs = this.now();
    /** @type {Array<string|null>} */
    const verdicts = points.map((p) => firstRejecting(p, nowMs, rules));
    const order = points.map((_, i) => i).filter((i) => verdicts[i] === null).sort((a, b) => points[a].ts - points[b].ts || a - b);
    /** @type {Array<import('./point.js').Point>} */
    const accepted = [];
    let previous = order.length === 0 ? null : before(car.recent, points[order[0]].ts);
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      const point = points[i];
      if (k > 0 && points[order[k - 1]].ts === point.ts) {
        verdicts[i] = 'duplicate';
        continue;
      }
      if (previous !== null) {
        const elapsedMs = point.ts - previous.ts;
        if (isSpeedJump(distanceCm(previous.latE7, previous.lonE7, point.latE7, point.lonE7), elapsedMs, rules)) {
          verdicts[i] = 'max-speed';
          continue; // the previous accepted fix stays the reference
        }
      }
      const judged = { ...point, moving: isMoving(speedOf(point, previous, rules), rules) };
      previous = judged;
      if (hasTime(car.recent, point.ts)) {
        verdicts[i] = 'duplicate'; // stored already: ingest's store answers so, and keeps the first
        continue;
      }
      remember(car, judged);
      accepted.push(judged);
      if (car.latest === null || judged.ts > car.latest.ts) {
        car.latest = judged;
        car.moving = judged.moving;
      }
    }
    car.offlineByStatus = false;
    this.dirty.add(carId);
    this.classify(car);
    if (accepted.length > 0) {
      for (const listener of this.fixListeners) {
        listener(carId, accepted);
      }
    }
    return verdicts;
  }

  /**
   * A status message (decoded), or the `offline` will.
   * @param {string} carId the car.
   * @param {import('./status.js').TrackerStatus} status the status.
   */
  applyStatus(carId, status) {
    const car = this.ensure(carId);
    car.status = status;
    car.statusMs = this.now();
    car.offlineByStatus = status.kind === 'offline';
    this.dirty.add(carId);
    this.classify(car);
    for (const listener of this.statusListeners) {
      listener(carId, status);
    }
  }

  /** Re-ages every car (a car goes offline by silence, with no message to say so). */
  refresh() {
    for (const car of this.cars.values()) {
      this.classify(car);
    }
  }

  /**
   * The cars changed since the last call.
   * @returns {string[]} car ids.
   */
  takeDirty() {
    const ids = [...this.dirty];
    this.dirty.clear();
    return ids;
  }

  /**
   * The state changes since the last call, for the aria-live announcements.
   * @returns {Array<{carId: string, from: CarStateName, to: CarStateName}>} in order.
   */
  takeTransitions() {
    const list = this.transitions;
    this.transitions = [];
    return list;
  }

  /**
   * Offline when the newest fix is older than the rules' offlineAfterMs, as the API says too; here
   * also when there is none yet, and when the car's connection dropped (its `offline` will: the live
   * map hears it, the API sees no connections) until a fix or an online status comes.
   * @param {CarState} car the car to classify (counts and transitions follow).
   */
  classify(car) {
    /** @type {CarStateName} */
    const state = car.offlineByStatus || car.latest === null ? 'offline' : stateOf(this.rules, car.latest.ts, car.moving, this.now());
    if (state !== car.state) {
      this.counts[car.state]--;
      this.counts[state]++;
      this.transitions.push({ carId: car.carId, from: car.state, to: state });
      car.state = state;
      this.dirty.add(car.carId);
    }
  }
}

/**
 * @param {Array<{ts: number}>} recent time-ordered.
 * @param {number} ts a time.
 * @returns {boolean} whether a fix with that time is there.
 */
function hasTime(recent, ts) {
  const at = lowerBound(recent, ts);
  return at < recent.length && recent[at].ts === ts;
}

/**
 * @param {Array<import('./point.js').Point>} recent time-ordered.
 * @param {number} ts a time.
 * @returns {import('./point.js').Point|null} the newest fix strictly before it, as the store's GetBefore.
 */
function before(recent, ts) {
  const at = lowerBound(recent, ts);
  return at === 0 ? null : recent[at - 1];
}

/**
 * Keeps a fix among the car's recent ones (time-ordered, the oldest go first).
 * @param {CarState} car the car.
 * @param {import('./point.js').Point} point an accepted fix.
 */
function remember(car, point) {
  const recent = car.recent;
  recent.splice(lowerBound(recent, point.ts), 0, point);
  if (recent.length > RECENT_FIXES) {
    recent.shift();
  }
}
