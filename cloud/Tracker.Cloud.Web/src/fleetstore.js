// What the app knows about each car: its newest position, moving or stopped, its last status
// message, and from those its state for the map and the list. Pure (no DOM): the views read it
// once a frame through takeDirty() and takeTransitions(), so a burst of messages costs one
// repaint, not one per message.

import { isMoving, speedOf } from './motion.js';

/** A car is offline when its newest fix is older than this (the issue: "no fix for > 10 min"). */
export const OFFLINE_AFTER_MS = 10 * 60 * 1000;

/**
 * Fixes further ahead of the browser's clock than this are not taken as the newest position: a
 * tracker with a bad clock would otherwise pin its marker (the ingest's `future` filter does the
 * same for stored fixes).
 */
export const FUTURE_TOLERANCE_MS = 2 * 60 * 1000;

/** @typedef {'moving'|'stopped'|'offline'} CarStateName */

/**
 * @typedef {object} CarState
 * @property {string} carId the thing name.
 * @property {import('./point.js').Point|null} latest the newest position.
 * @property {boolean} moving from the newest position.
 * @property {boolean} offlineByStatus the last status said offline, and no fix came after it.
 * @property {import('./status.js').TrackerStatus|null} status the last status message.
 * @property {number|null} statusMs when it was received (browser clock).
 * @property {CarStateName} state the state shown.
 */

/** The cars, their states and what changed since the last frame. */
export class FleetStore {
  /**
   * @param {{now?: () => number}} [options] the clock (injected in tests).
   */
  constructor(options = {}) {
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
      car = { carId, latest: null, moving: false, offlineByStatus: false, status: null, statusMs: null, state: 'offline' };
      this.cars.set(carId, car);
      this.counts.offline++;
      this.dirty.add(carId);
    }
    return car;
  }

  /**
   * A position from the HTTP API (the initial state).
   * @param {string} carId the car.
   * @param {import('./point.js').Point} point its position.
   */
  applyLocation(carId, point) {
    const car = this.ensure(carId);
    if (this.acceptsAsLatest(car, point)) {
      car.latest = point;
      if (point.moving !== null) {
        car.moving = point.moving;
      }
      this.dirty.add(carId);
    }
    this.classify(car);
  }

  /**
   * The fixes of one live batch, in any order. A live fix also proves that the car is connected,
   * so it clears an offline status.
   * @param {string} carId the car.
   * @param {Array<import('./point.js').Point>} points the decoded fixes.
   */
  applyFixes(carId, points) {
    const car = this.ensure(carId);
    if (points.length === 0) {
      return;
    }
    const sorted = points.length === 1 ? points : [...points].sort((a, b) => a.ts - b.ts);
    for (const point of sorted) {
      if (this.acceptsAsLatest(car, point)) {
        const moving = isMoving(speedOf(point, car.latest));
        car.latest = point;
        if (moving !== null) {
          car.moving = moving;
        }
      }
    }
    car.offlineByStatus = false;
    this.dirty.add(carId);
    this.classify(car);
    for (const listener of this.fixListeners) {
      listener(carId, sorted);
    }
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
   * @param {CarState} car the car.
   * @param {import('./point.js').Point} point a candidate.
   * @returns {boolean} true when it is newer than the car's position and not in the future.
   */
  acceptsAsLatest(car, point) {
    if (point.ts > this.now() + FUTURE_TOLERANCE_MS) {
      return false;
    }
    return car.latest === null || point.ts > car.latest.ts;
  }

  /** @param {CarState} car the car to classify (counts and transitions follow). */
  classify(car) {
    const now = this.now();
    /** @type {CarStateName} */
    let state;
    if (car.offlineByStatus || car.latest === null || now - car.latest.ts > OFFLINE_AFTER_MS) {
      state = 'offline';
    } else {
      state = car.moving ? 'moving' : 'stopped';
    }
    if (state !== car.state) {
      this.counts[car.state]--;
      this.counts[state]++;
      this.transitions.push({ carId: car.carId, from: car.state, to: state });
      car.state = state;
      this.dirty.add(car.carId);
    }
  }
}
