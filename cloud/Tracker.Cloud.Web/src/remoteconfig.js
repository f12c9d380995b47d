// Remote configuration (issue 18) in the browser: what GET/PUT /cars/{id}/config, GET /groups,
// PUT /groups/{g} and GET/PUT /groups/{g}/config give and take, read strictly. The host judges a
// change (cloud/Tracker.Cloud.Local/Shadow/DesiredConfig.cs: known keys, JSON types, the SIM7080G's
// 1,024 bytes) and the car judges it again with the loader's rules
// (firmware/Tracker.Core/Control/README.md §1); the form sends what was typed and shows either
// refusal word for word, so the browser never has a third set of rules. Pure logic:
// src/remoteconfigview.js draws it.

import { carsFrom } from './notify.js';

/**
 * The settings the panel offers: the report policy and the uplink, the keys an operator changes
 * from the web (ShadowNames.cs lists every remotely settable key; the API takes the others too).
 */
export const SETTINGS = Object.freeze([
  { key: 'report.moving.minPeriodS', label: 'Moving: shortest period (s)', type: 'number' },
  { key: 'report.moving.maxPeriodS', label: 'Moving: longest period (s)', type: 'number' },
  { key: 'report.moving.minDistanceM', label: 'Moving: distance (m)', type: 'number' },
  { key: 'report.moving.headingDeg', label: 'Moving: heading change (°)', type: 'number' },
  { key: 'report.moving.minSpeedForHeadingKmh', label: 'Moving: speed for heading (km/h)', type: 'number' },
  { key: 'report.moving.speedDeltaKmh', label: 'Moving: speed change (km/h)', type: 'number' },
  { key: 'report.stopped.heartbeatS', label: 'Stopped: heartbeat (s)', type: 'number' },
  { key: 'report.stopped.staticRadiusM', label: 'Stopped: static radius (m)', type: 'number' },
  { key: 'report.movingThresholdKmh', label: 'Moving from (km/h)', type: 'number' },
  { key: 'report.stoppedThresholdKmh', label: 'Stopped below (km/h)', type: 'number' },
  { key: 'report.startDelayS', label: 'Start delay (s)', type: 'number' },
  { key: 'report.stopDelayS', label: 'Stop delay (s)', type: 'number' },
  { key: 'uplink.normalPeriodS', label: 'Uplink: normal period (s)', type: 'number' },
  { key: 'uplink.livePeriodS', label: 'Uplink: live period (s)', type: 'number' },
  { key: 'uplink.liveWhenMoving', label: 'Uplink: live when moving', type: 'boolean' },
  { key: 'uplink.maxWatchS', label: 'Uplink: longest watch (s)', type: 'number' },
  { key: 'uplink.statusPeriodS', label: 'Uplink: status period (s)', type: 'number' },
  { key: 'uplink.maxInFlight', label: 'Uplink: messages in flight', type: 'number' },
  { key: 'uplink.batchFixes', label: 'Uplink: fixes a batch', type: 'number' },
  { key: 'uplink.maxMessageBytes', label: 'Uplink: largest message (bytes)', type: 'number' },
  { key: 'uplink.ackTimeoutS', label: 'Uplink: acknowledgement timeout (s)', type: 'number' },
  { key: 'uplink.backoffBaseS', label: 'Uplink: first retry (s)', type: 'number' },
  { key: 'uplink.backoffCapS', label: 'Uplink: longest retry (s)', type: 'number' },
]);

/** A group name or car id as the host takes it (CarGroups.IsValidName, IsValidCarId): 1 to 128 letters, digits, ':', '_' or '-'. */
export const GROUP_NAME = /^[A-Za-z0-9:_-]{1,128}$/;
/** The longest key or text read (the host's keys are short; a loader message is at most a few hundred). */
const MAX_TEXT = 1024;
const MAX_KEYS = 128;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v, max = MAX_TEXT) => typeof v === 'string' && v.length > 0 && v.length <= max;
const version = (v) => Number.isSafeInteger(v) && v >= 0;

/** A setting's value as the shadow holds it: a finite number, true/false or a string; else undefined. */
function value(v) {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') return v.length <= MAX_TEXT ? v : undefined;
  return undefined;
}

/** A {key: value} map, or null when any entry is not one. */
function settings(v) {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return null;
  const entries = Object.entries(v);
  if (entries.length > MAX_KEYS) return null;
  const out = {};
  for (const [key, raw] of entries) {
    const read = value(raw);
    if (!text(key, 128) || read === undefined) return null;
    out[key] = read;
  }
  return out;
}

/**
 * Reads one car's config view (ConfigEndpoints.View): what is desired, what the car applied and
 * under which version, what waits for a restart, what is not applied yet, and the loader's last
 * refusal. Anything malformed is null, never guessed.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {car: string, version: number|null, desired: Record<string, any>, applied: Record<string, any>,
 *   appliedVersion: number|null, pending: string[], notApplied: Record<string, any>,
 *   refused: null | {version: number|null, code: string, key: string|null, message: string|null}}} the view.
 */
export function readCarConfig(json) {
  if (!isObject(json) || !text(json.car, 128) || !GROUP_NAME.test(json.car)) return null;
  if (json.version !== undefined && json.version !== null && !version(json.version)) return null;
  if (json.appliedVersion !== undefined && json.appliedVersion !== null && !version(json.appliedVersion)) return null;
  const desired = settings(json.desired);
  const applied = settings(json.applied);
  const notApplied = settings(json.notApplied);
  if (desired === null || applied === null || notApplied === null) return null;
  let pending = [];
  if (json.pending !== undefined && json.pending !== null) {
    if (!Array.isArray(json.pending) || json.pending.length > MAX_KEYS || !json.pending.every((k) => text(k, 128))) return null;
    pending = [...json.pending];
  }
  let refused = null;
  if (json.refused !== undefined && json.refused !== null) {
    const r = json.refused;
    if (!isObject(r) || !text(r.code, 64)) return null;
    if (r.ver !== undefined && r.ver !== null && !version(r.ver)) return null;
    if (r.key !== undefined && r.key !== null && !text(r.key, 128)) return null;
    if (r.msg !== undefined && r.msg !== null && !text(r.msg)) return null;
    refused = { version: r.ver ?? null, code: r.code, key: r.key ?? null, message: r.msg ?? null };
  }
  return {
    car: json.car, version: json.version ?? null, desired, applied, appliedVersion: json.appliedVersion ?? null, pending, notApplied, refused,
  };
}

/**
 * A group's config (GET /groups/{g}/config, or a PUT's answer): its cars' views by id, and how many
 * could not be read.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {group: string, cars: Array<NonNullable<ReturnType<typeof readCarConfig>>>, dropped: number, failed: string[]}}
 *   null when it is not a group's config at all.
 */
export function readGroupConfig(json) {
  if (!isObject(json) || !text(json.group, 128) || !Array.isArray(json.cars)) return null;
  const read = json.cars.map(readCarConfig);
  const cars = read.filter((c) => c !== null).sort((a, b) => a.car.localeCompare(b.car));
  const failed = Array.isArray(json.failed) ? json.failed.filter((f) => text(f)) : [];
  return { group: json.group, cars, dropped: read.length - cars.length, failed };
}

/**
 * The groups of GET /groups, by name; a malformed group is dropped and counted.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {groups: Array<{group: string, cars: string[]}>, dropped: number}} the groups.
 */
export function readGroups(json) {
  if (!isObject(json) || !Array.isArray(json.groups)) return null;
  const read = json.groups.map((g) => (isObject(g) && text(g.group, 128) && GROUP_NAME.test(g.group) && Array.isArray(g.cars) && g.cars.every((c) => text(c, 128))
    ? { group: g.group, cars: [...g.cars] } : null));
  const groups = read.filter((g) => g !== null).sort((a, b) => a.group.localeCompare(b.group));
  return { groups, dropped: read.length - groups.length };
}

/**
 * A typed value as the JSON the API takes: a number for a number field when it reads as one
 * (else the text, for the API to refuse with its reason), true/false for a boolean field.
 * @param {{type: string}} setting the setting.
 * @param {string} typed what was typed or chosen.
 * @returns {number|boolean|string} the value.
 */
export function typedValue(setting, typed) {
  const t = String(typed).trim();
  if (setting.type === 'boolean') return t === 'true' ? true : t === 'false' ? false : t;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/**
 * The body of PUT .../config from the form: only the fields filled in (an empty field leaves
 * that setting as it is). Null when nothing is filled, so nothing is sent.
 * @param {Record<string, string>} typed the form's fields by key.
 * @returns {{cfg: Record<string, number|boolean|string>} | null} the body.
 */
export function configBody(typed) {
  const cfg = {};
  for (const setting of SETTINGS) {
    const t = typed[setting.key];
    if (t === undefined || t === null || String(t).trim() === '') continue;
    cfg[setting.key] = typedValue(setting, t);
  }
  return Object.keys(cfg).length === 0 ? null : { cfg };
}

/** The body of PUT /groups/{g}: the car ids as typed (commas, spaces or lines). */
export function groupBody(typed) {
  return { cars: carsFrom(typed) };
}

/** A value as shown: numbers and booleans as they are, strings quoted; none as an em dash. */
export function valueText(v) {
  if (v === undefined || v === null) return '—';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Where a car's config stands, in words: "Applied config version 12", "Waiting for the car: ...",
 * "Waiting for a restart: cell.rat".
 * @param {NonNullable<ReturnType<typeof readCarConfig>>} c the view.
 * @returns {{applied: string, waiting: string|null, pending: string|null, refused: string|null}} the lines.
 */
export function configStateText(c) {
  const applied = c.appliedVersion === null ? 'Has not reported a config yet' : `Applied config version ${c.appliedVersion}`;
  const keys = Object.keys(c.notApplied).filter((k) => !c.pending.includes(k));
  const waiting = keys.length === 0 ? null : `Not applied yet: ${keys.map((k) => `${k} = ${valueText(c.notApplied[k])}`).join(', ')}`;
  const pending = c.pending.length === 0 ? null : `Waiting for a restart: ${c.pending.join(', ')}`;
  return { applied, waiting, pending, refused: refusalByCarText(c.refused) };
}

/**
 * The loader's last refusal as the car reported it, its message word for word.
 * @param {NonNullable<ReturnType<typeof readCarConfig>>['refused']} r the refusal.
 * @returns {string|null} the text, or null when there is none.
 */
export function refusalByCarText(r) {
  if (r === null) return null;
  const what = r.version === null ? 'a change' : `version ${r.version}`;
  const key = r.key === null ? '' : ` (${r.key})`;
  return `The car refused ${what}: ${r.code}${key}${r.message === null ? '' : `: ${r.message}`}`;
}

/** True while a car has something desired that it has not applied (the view keeps reading it). */
export function isSettling(c) {
  return c.refused === null && Object.keys(c.notApplied).some((k) => !c.pending.includes(k));
}
