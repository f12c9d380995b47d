// Fleet events in the browser (issue 16): what the live feed (fleet/{car}/events, operators only)
// and the API (GET /events, /cars/{id}/events) send, read strictly, and kept by id so that a
// revision (an overspeed episode written when confirmed and again when it ends), a replay's
// re-emission, an acknowledgement or a withdrawal updates one entry instead of adding another.
// Pure logic: the panel and the toasts (src/alertsview.js) draw what this keeps.

import { isCarId } from './topics.js';

/** Every event type the Derive stage emits (cloud/Tracker.Cloud.Derive/README.md, "Events"). */
export const EVENT_TYPES = Object.freeze([
  'geofence-enter', 'geofence-exit', 'overspeed', 'ignition-on', 'ignition-off', 'moving', 'stopped',
  'offline', 'online', 'power-lost', 'power-restored', 'low-battery', 'towing',
  'rental-started', 'rental-ended', 'rental-not-returned',
]);

const KNOWN = new Set(EVENT_TYPES);

/**
 * The types an operator is told about at once (a toast) and that the alerts panel lists by
 * default; an event the cloud flags `alert` (a renter leaving their rental's zone, a parked car
 * going offline with its ignition on) is one too, whatever its type.
 */
export const ALERT_TYPES = Object.freeze(['overspeed', 'geofence-exit', 'power-lost', 'low-battery', 'towing', 'rental-not-returned']);

const ALERTING = new Set(ALERT_TYPES);

/** The type names people read. */
export const TYPE_LABELS = Object.freeze({
  'geofence-enter': 'Entered zone', 'geofence-exit': 'Left zone', overspeed: 'Overspeed', 'ignition-on': 'Ignition on',
  'ignition-off': 'Ignition off', moving: 'Moving', stopped: 'Stopped', offline: 'Offline', online: 'Back online',
  'power-lost': 'Main power lost', 'power-restored': 'Main power restored', 'low-battery': 'Low car battery', towing: 'Towing',
  'rental-started': 'Rental started', 'rental-ended': 'Rental ended', 'rental-not-returned': 'Rental not returned',
});

/** The longest id or subject read (the API's ids are about 60 characters). */
const MAX_TEXT = 256;

/** Most events kept in the browser; the oldest go first (the API holds them all). */
export const MAX_KEPT = 2000;

const finite = (v) => typeof v === 'number' && Number.isFinite(v);
const optionalNumber = (v) => (v === undefined || v === null ? null : finite(v) ? v : undefined);
const text = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT;

/**
 * Reads one event as the API or the live feed sends it. Anything malformed is refused (null),
 * never guessed at: a wrong type, a bad car id, a time that is not a number.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {carId: string, id: string, type: string, ts: number, subject: string|null,
 *   endTs: number|null, durationMs: number|null, lat: number|null, lon: number|null,
 *   speedMmps: number|null, limitMmps: number|null, voltageMv: number|null, distanceM: number|null,
 *   alert: boolean, late: boolean, pending: boolean, withdrawn: boolean,
 *   acknowledgedBy: string|null, acknowledgedMs: number|null}} the event, or null.
 */
export function readEvent(json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  if (!isCarId(json.carId) || !text(json.id)) return null;
  if (json.withdrawn === true && json.type === undefined) {
    // The live feed's withdrawal: only the key.
    return { carId: json.carId, id: json.id, withdrawnOnly: true };
  }
  if (!KNOWN.has(json.type) || !finite(json.ts) || json.ts < 0) return null;
  const numbers = {};
  for (const name of ['endTs', 'durationMs', 'speedMmps', 'limitMmps', 'voltageMv', 'distanceM', 'acknowledgedMs']) {
    const v = optionalNumber(json[name]);
    if (v === undefined) return null;
    numbers[name] = v;
  }
  let lat = null;
  let lon = null;
  if (json.lat !== undefined || json.lon !== undefined) {
    if (!finite(json.lat) || !finite(json.lon) || Math.abs(json.lat) > 90 || Math.abs(json.lon) > 180) return null;
    lat = json.lat;
    lon = json.lon;
  }
  if (json.subject !== undefined && json.subject !== null && !text(json.subject)) return null;
  if (json.acknowledgedBy !== undefined && json.acknowledgedBy !== null && !text(json.acknowledgedBy)) return null;
  return {
    carId: json.carId,
    id: json.id,
    type: json.type,
    ts: json.ts,
    subject: json.subject ?? null,
    lat,
    lon,
    ...numbers,
    alert: json.alert === true,
    late: json.late === true,
    pending: json.pending === true,
    withdrawn: json.withdrawn === true,
    acknowledgedBy: json.acknowledgedBy ?? null,
  };
}

/**
 * Reads a live-feed message's bytes.
 * @param {Uint8Array|string} payload the message.
 * @returns the event (see readEvent), or null when it is not one.
 */
export function parseEventMessage(payload) {
  let textPayload;
  try {
    textPayload = typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return null;
  }
  if (textPayload.length > 16 * 1024) return null;
  try {
    return readEvent(JSON.parse(textPayload));
  } catch {
    return null;
  }
}

/**
 * @param {{type: string, alert: boolean}} e an event.
 * @returns {boolean} whether operators are told at once.
 */
export function isAlert(e) {
  return e.alert || ALERTING.has(e.type);
}

const kmh = (mmps) => `${Math.round(mmps * 0.0036)} km/h`;

function duration(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * One line about the event, for the panel, the toast, the car's timeline and the playback.
 * @param {ReturnType<typeof readEvent>} e the event.
 * @returns {string} the text.
 */
export function describe(e) {
  const parts = [TYPE_LABELS[e.type] ?? e.type];
  if (e.type === 'overspeed' && e.speedMmps !== null) {
    parts.push(`${kmh(e.speedMmps)}${e.limitMmps !== null ? ` (limit ${kmh(e.limitMmps)})` : ''}`);
  }
  if ((e.type === 'geofence-enter' || e.type === 'geofence-exit') && e.subject) parts.push(e.subject);
  if ((e.type === 'power-lost' || e.type === 'low-battery') && e.voltageMv !== null) parts.push(`${(e.voltageMv / 1000).toFixed(1)} V`);
  if (e.type === 'towing' && e.distanceM !== null) parts.push(`${Math.round(e.distanceM)} m`);
  if (e.durationMs !== null && e.durationMs > 0) parts.push(`for ${duration(e.durationMs)}`);
  else if (e.endTs !== null && e.endTs > e.ts) parts.push(`for ${duration(e.endTs - e.ts)}`);
  return parts.join(' · ');
}

/**
 * The events the browser knows, by id. `apply` says what a message changed, so the caller knows
 * when to toast: once per event, when it first stands as an alert (not pending, not withdrawn).
 */
export class EventBook {
  constructor({ maxKept = MAX_KEPT } = {}) {
    /** @type {Map<string, any>} key `${carId}|${id}` */
    this.events = new Map();
    this.maxKept = maxKept;
    /** Ids already toasted, so a revision or a replay never toasts again. */
    this.told = new Set();
  }

  static key(carId, id) {
    return `${carId}|${id}`;
  }

  /**
   * Takes an event (or a withdrawal) from the live feed or the API.
   * @param {any} e what readEvent returned.
   * @param {{fromList?: boolean}} [how] fromList: listed by the API (old news: never toasted).
   * @returns {{changed: boolean, toast: boolean, event: any}} what it did.
   */
  apply(e, how = {}) {
    const key = EventBook.key(e.carId, e.id);
    const before = this.events.get(key) ?? null;
    if (e.withdrawnOnly) {
      if (before === null || before.withdrawn) return { changed: false, toast: false, event: before };
      const after = { ...before, withdrawn: true };
      this.events.set(key, after);
      return { changed: true, toast: false, event: after };
    }
    // The first acknowledgement stands: a live revision (which carries none) keeps it.
    const after = before !== null && before.acknowledgedBy !== null && e.acknowledgedBy === null
      ? { ...e, acknowledgedBy: before.acknowledgedBy, acknowledgedMs: before.acknowledgedMs }
      : e;
    this.events.set(key, after);
    this.trim();
    const stands = !after.pending && !after.withdrawn;
    const toast = stands && isAlert(after) && !how.fromList && !this.told.has(key) && after.acknowledgedBy === null;
    if (stands && isAlert(after)) this.told.add(key);
    return { changed: true, toast, event: after };
  }

  trim() {
    if (this.events.size <= this.maxKept) return;
    const oldest = [...this.events.entries()].sort((a, b) => a[1].ts - b[1].ts).slice(0, this.events.size - this.maxKept);
    for (const [key] of oldest) this.events.delete(key);
  }

  /**
   * @param {string} carId the car.
   * @param {string} id the event.
   * @returns {any|null} the event.
   */
  get(carId, id) {
    return this.events.get(EventBook.key(carId, id)) ?? null;
  }

  /**
   * The events to show, newest first.
   * @param {{type?: string, carId?: string, alertsOnly?: boolean, withdrawn?: boolean, from?: number, to?: number}} [filter]
   *   type: one type ('' or undefined: any); carId: a car id or part of one; alertsOnly: only
   *   alerts; withdrawn: include withdrawn ones; from/to: the event's time range.
   * @returns {any[]} the events.
   */
  list(filter = {}) {
    const car = (filter.carId ?? '').trim().toLowerCase();
    const out = [];
    for (const e of this.events.values()) {
      if (e.withdrawn && !filter.withdrawn) continue;
      if (filter.type && e.type !== filter.type) continue;
      if (filter.alertsOnly && !isAlert(e)) continue;
      if (car !== '' && !e.carId.toLowerCase().includes(car)) continue;
      if (filter.from !== undefined && e.ts < filter.from) continue;
      if (filter.to !== undefined && e.ts > filter.to) continue;
      out.push(e);
    }
    return out.sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : -1));
  }

  /** @returns {number} alerts that stand and nobody has acknowledged. */
  get unacknowledged() {
    let n = 0;
    for (const e of this.events.values()) {
      if (!e.withdrawn && !e.pending && isAlert(e) && e.acknowledgedBy === null) n++;
    }
    return n;
  }
}

/**
 * The newest event at or before a playback time (the history playback's readout).
 * @param {any[]} events events sorted by ts, oldest first.
 * @param {number} t the time.
 * @returns {any|null} the event.
 */
export function eventAt(events, t) {
  let lo = 0;
  let hi = events.length - 1;
  let found = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].ts <= t) {
      found = events[mid];
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
