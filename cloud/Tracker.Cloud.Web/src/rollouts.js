// Over-the-air rollouts (issue 18) in the browser: what GET /updates/images, GET /rollouts,
// GET /rollouts/{id}, POST /groups/{g}/rollouts, POST /rollouts/{id}/pause|resume|cancel and
// GET /cars/{id}/update give and take, read strictly. The host judges a rollout
// (cloud/Tracker.Cloud.Local/Jobs/RolloutEndpoints.cs and RolloutService.cs) and its reason is
// shown word for word. Each car's state is its IoT Jobs execution's (QUEUED, IN_PROGRESS with a
// step, SUCCEEDED, FAILED or REJECTED with a reason, CANCELED), or PENDING until the rollout's rate
// releases it. Pure logic: src/rolloutsview.js draws it.

/** A car's states in a rollout, in the order the panel counts them, with its words. */
export const CAR_STATES = Object.freeze([
  { name: 'PENDING', label: 'Waiting for release' },
  { name: 'QUEUED', label: 'Queued' },
  { name: 'IN_PROGRESS', label: 'In progress' },
  { name: 'SUCCEEDED', label: 'Succeeded' },
  { name: 'FAILED', label: 'Failed' },
  { name: 'REJECTED', label: 'Rejected' },
  { name: 'CANCELED', label: 'Canceled' },
]);

/** A rollout's states (RolloutService): running and paused are active; the rest are over. */
export const ROLLOUT_STATES = Object.freeze(['running', 'paused', 'completed', 'aborted', 'canceled']);

/** What an operator may do to a rollout in each state (409 otherwise). */
const ACTIONS = Object.freeze({ running: ['pause', 'cancel'], paused: ['resume', 'cancel'] });

/** The steps the car's job agent names while IN_PROGRESS (UpdateAgent.cs), in words. */
const STEPS = Object.freeze({ download: 'downloading', switching: 'switching to it' });

const CAR_STATE_NAMES = new Set(CAR_STATES.map((s) => s.name));
const LABELS = Object.fromEntries(CAR_STATES.map((s) => [s.name, s.label]));
/** A version as the car takes it (UpdateLimits.IsValidVersion): 1 to 32 of letters, digits, '.', '+', '-', not starting with '.'. */
const VERSION = /^[A-Za-z0-9+-][A-Za-z0-9.+-]{0,31}$/;
const MAX_TEXT = 1024;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v, max = MAX_TEXT) => typeof v === 'string' && v.length > 0 && v.length <= max;
const optionalText = (v, max = MAX_TEXT) => v === undefined || v === null || text(v, max);
const count = (v) => Number.isSafeInteger(v) && v >= 0;

/**
 * One image of GET /updates/images; malformed is null.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {version: string, size: number, sha256: string, keyId: string}} the image.
 */
export function readImage(json) {
  if (!isObject(json) || !text(json.version, 32) || !VERSION.test(json.version) || !count(json.size)) return null;
  if (!text(json.sha256, 64) || !/^[0-9a-f]{64}$/.test(json.sha256) || !text(json.keyId, 64)) return null;
  return { version: json.version, size: json.size, sha256: json.sha256, keyId: json.keyId };
}

/**
 * The images of GET /updates/images, newest version first (by the versions' numbers).
 * @param {unknown} json the parsed JSON.
 * @returns {null | {images: Array<NonNullable<ReturnType<typeof readImage>>>, dropped: number}} the images.
 */
export function readImages(json) {
  if (!isObject(json) || !Array.isArray(json.images)) return null;
  const read = json.images.map(readImage);
  const images = read.filter((i) => i !== null).sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }));
  return { images, dropped: read.length - images.length };
}

/**
 * One car of a rollout; malformed is null. A state this page does not know is kept by name.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {car: string, state: string, step: string|null, reason: string|null}} the car.
 */
export function readRolloutCar(json) {
  if (!isObject(json) || !text(json.car, 128) || !text(json.state, 32) || !/^[A-Z_]+$/.test(json.state)) return null;
  if (!optionalText(json.step, 64) || !optionalText(json.reason)) return null;
  return { car: json.car, state: json.state, step: json.step ?? null, reason: json.reason ?? null };
}

/**
 * A rollout as GET /rollouts/{id} (with its cars) or GET /rollouts (without) gives it.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {id: string, group: string, version: string, state: string, ratePerMinute: number,
 *   abort: null | {failurePercent: number, minCount: number}, abortReason: string|null, created: string,
 *   released: number, counts: Record<string, number>, cars: Array<NonNullable<ReturnType<typeof readRolloutCar>>>|null,
 *   droppedCars: number}} the rollout; cars null when the answer had none.
 */
export function readRollout(json) {
  if (!isObject(json) || !text(json.id, 64) || !/^[A-Za-z0-9_-]+$/.test(json.id) || !text(json.group, 128) || !text(json.version, 32)) return null;
  if (!ROLLOUT_STATES.includes(json.state) || !Number.isSafeInteger(json.ratePerMinute) || json.ratePerMinute < 1 || !count(json.released)) return null;
  if (!text(json.created, 64) || Number.isNaN(Date.parse(json.created)) || !optionalText(json.abortReason)) return null;
  let abort = null;
  if (json.abort !== undefined && json.abort !== null) {
    if (!isObject(json.abort) || !Number.isSafeInteger(json.abort.failurePercent) || !Number.isSafeInteger(json.abort.minCount)) return null;
    abort = { failurePercent: json.abort.failurePercent, minCount: json.abort.minCount };
  }
  const counts = {};
  if (json.counts !== undefined && json.counts !== null) {
    if (!isObject(json.counts)) return null;
    for (const [state, n] of Object.entries(json.counts)) {
      if (!/^[A-Z_]{1,32}$/.test(state) || !count(n)) return null;
      counts[state] = n;
    }
  }
  let cars = null;
  let droppedCars = 0;
  if (json.cars !== undefined && json.cars !== null) {
    if (!Array.isArray(json.cars)) return null;
    const read = json.cars.map(readRolloutCar);
    cars = read.filter((c) => c !== null);
    droppedCars = read.length - cars.length;
  }
  return {
    id: json.id, group: json.group, version: json.version, state: json.state, ratePerMinute: json.ratePerMinute, abort,
    abortReason: json.abortReason ?? null, created: json.created, released: json.released, counts, cars, droppedCars,
  };
}

/**
 * The rollouts of GET /rollouts, newest first as the host lists them.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {rollouts: Array<NonNullable<ReturnType<typeof readRollout>>>, dropped: number}} the rollouts.
 */
export function readRollouts(json) {
  if (!isObject(json) || !Array.isArray(json.rollouts)) return null;
  const read = json.rollouts.map(readRollout);
  const rollouts = read.filter((r) => r !== null);
  return { rollouts, dropped: read.length - rollouts.length };
}

/**
 * A car's update view (GET /cars/{id}/update): the version it last reported running, and its
 * state in its latest rollout, if any.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {car: string, version: string|null, rollout: string|null, target: string|null,
 *   state: string|null, step: string|null, reason: string|null}} the view.
 */
export function readCarUpdate(json) {
  if (!isObject(json) || !text(json.car, 128) || !optionalText(json.version, 32)) return null;
  for (const name of ['rollout', 'target', 'state', 'step', 'reason']) {
    if (!optionalText(json[name])) return null;
  }
  return {
    car: json.car, version: json.version ?? null, rollout: json.rollout ?? null, target: json.target ?? null,
    state: json.state ?? null, step: json.step ?? null, reason: json.reason ?? null,
  };
}

/**
 * The body of POST /groups/{g}/rollouts from the form. Numbers that read as whole numbers are sent
 * as numbers, anything else as typed, for the host to refuse with its reason; no failure percentage
 * means no abort criterion.
 * @param {{version: string, ratePerMinute: string, failurePercent: string, minCount: string}} form the fields.
 * @returns {{version: string, ratePerMinute: number|string, abort?: {failurePercent: number|string, minCount?: number|string}}} the body.
 */
export function rolloutBody(form) {
  const number = (typed) => {
    const t = String(typed ?? '').trim();
    return /^\d{1,9}$/.test(t) ? Number(t) : t;
  };
  const body = { version: String(form.version ?? '').trim(), ratePerMinute: number(form.ratePerMinute) };
  const percent = String(form.failurePercent ?? '').trim();
  if (percent !== '') {
    body.abort = { failurePercent: number(percent) };
    if (String(form.minCount ?? '').trim() !== '') body.abort.minCount = number(form.minCount);
  }
  return body;
}

/** The actions an operator may take on a rollout in this state: pause, resume, cancel. */
export function actionsFor(state) {
  return ACTIONS[state] ?? [];
}

/** True while a rollout can still change (the view keeps reading it). */
export function isActive(rollout) {
  return rollout.state === 'running' || rollout.state === 'paused';
}

/**
 * A car's state in words: "In progress: downloading", "Failed: Digest", "Succeeded".
 * @param {{state: string|null, step: string|null, reason: string|null}} c the car.
 * @returns {string} the text.
 */
export function carStateText(c) {
  if (c.state === null) return 'In no rollout';
  const label = LABELS[c.state] ?? c.state;
  if (c.state === 'IN_PROGRESS' && c.step !== null) return `${label}: ${STEPS[c.step] ?? c.step}`;
  if (c.reason !== null) return `${label}: ${c.reason}`;
  return label;
}

/** The state's CSS word (lower case, or "other" for one this page does not know). */
export function stateClass(state) {
  return CAR_STATE_NAMES.has(state) ? state.toLowerCase().replace('_', '-') : 'other';
}

/**
 * A rollout's progress in words: "2 of 3 succeeded, 1 in progress; 3 released".
 * @param {NonNullable<ReturnType<typeof readRollout>>} r the rollout.
 * @returns {string} the text.
 */
export function progressText(r) {
  const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
  const parts = CAR_STATES.filter((s) => (r.counts[s.name] ?? 0) > 0 && s.name !== 'SUCCEEDED').map((s) => `${r.counts[s.name]} ${s.label.toLowerCase()}`);
  const known = new Set(CAR_STATES.map((s) => s.name));
  for (const [state, n] of Object.entries(r.counts)) if (!known.has(state) && n > 0) parts.push(`${n} ${state}`);
  const done = `${r.counts.SUCCEEDED ?? 0} of ${total} succeeded`;
  return `${[done, ...parts].join(', ')}; ${r.released} released`;
}

/** A rollout's settings in words: "10 cars a minute, abort at 50 % failed of at least 2". */
export function settingsText(r) {
  const rate = `${r.ratePerMinute} car${r.ratePerMinute === 1 ? '' : 's'} a minute`;
  return r.abort === null ? `${rate}, no abort criterion` : `${rate}, abort at ${r.abort.failurePercent} % failed of at least ${r.abort.minCount}`;
}

/** An image's size in words (KiB below a MiB). */
export function sizeText(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
