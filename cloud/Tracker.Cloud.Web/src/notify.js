// Notifications (issue 16) in the browser: what GET/PUT/DELETE /subscriptions and GET /notifications
// take and give, read strictly. The server judges a subscription (cloud/Tracker.Cloud.Notify,
// SubscriptionParser and SubscriptionValidator: ids, names, the webhook's URL and where it may point,
// the secret, the address); the form sends what was typed and shows the server's reason word for
// word when it is refused, so the two never disagree. Pure logic: src/notifyview.js draws it.

import { EVENT_TYPES, TYPE_LABELS } from './alerts.js';
import { dateTime } from './timefmt.js';

/** The delivery states the API lists, with the words the panel uses. */
export const STATES = Object.freeze([
  { name: 'failed', label: 'Failed' },
  { name: 'pending', label: 'Retrying or waiting' },
  { name: 'delivered', label: 'Delivered' },
]);

const STATE_NAMES = new Set(STATES.map((s) => s.name));
const KNOWN_TYPES = new Set(EVENT_TYPES);

/** How many deliveries one page asks for. */
export const PAGE_SIZE = 50;

/** The longest text read from the API (its URLs are at most 2048 characters, errors 500). */
const MAX_TEXT = 4096;

const text = (v, max = MAX_TEXT) => typeof v === 'string' && v.length > 0 && v.length <= max;
const time = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * A fresh webhook secret: 32 bytes as 64 hex digits (the API takes 16 to 256 characters).
 * @param {(bytes: Uint8Array) => Uint8Array} [fill] fills the bytes (crypto.getRandomValues).
 * @returns {string} the secret.
 */
export function newSecret(fill = (b) => globalThis.crypto.getRandomValues(b)) {
  return [...fill(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * An id for a new subscription: its name's letters and digits, then a random suffix so that two
 * subscriptions of one name never replace each other (the API's ids: 1 to 64 of [A-Za-z0-9_-]).
 * @param {string} name the name typed.
 * @param {string} suffix random hex.
 * @returns {string} the id.
 */
export function subscriptionId(name, suffix) {
  const slug = String(name ?? '').toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${slug || 'subscription'}-${String(suffix).replace(/[^a-z0-9]/gi, '').slice(0, 12) || '0'}`;
}

/**
 * The car group as typed: ids separated by commas, spaces or lines; none means every car.
 * @param {string} typed the field.
 * @returns {string[]} the ids, each once, in the order typed.
 */
export function carsFrom(typed) {
  return [...new Set(String(typed ?? '').split(/[\s,;]+/).filter((c) => c !== ''))];
}

/**
 * The body of PUT /subscriptions/{id} from the form. Empty URL or address: no such channel (the
 * server refuses a subscription with neither, and says so). `secret` null on an edit keeps the
 * stored secret (the API never shows it); on a new webhook the caller passes a fresh one.
 * @param {{name: string, types: string[], cars: string, webhookUrl: string, email: string,
 *   enabled: boolean, secret: string|null}} form what the form holds.
 * @returns {{name: string, types: string[], cars: string[], webhook?: {url: string, secret?: string},
 *   email?: string, enabled: boolean}} the body.
 */
export function subscriptionBody(form) {
  const body = {
    name: String(form.name ?? '').trim(),
    types: (form.types ?? []).filter((t) => KNOWN_TYPES.has(t)),
    cars: carsFrom(form.cars),
    enabled: form.enabled !== false,
  };
  const url = String(form.webhookUrl ?? '').trim();
  if (url !== '') {
    body.webhook = { url };
    if (form.secret !== null && form.secret !== undefined) body.webhook.secret = String(form.secret);
  }
  const email = String(form.email ?? '').trim();
  if (email !== '') body.email = email;
  return body;
}

/**
 * Reads one subscription as GET /subscriptions lists it; anything malformed is dropped (null),
 * never guessed. An event type this page does not know is kept by name (a newer server).
 * @param {unknown} json the parsed JSON.
 * @returns {null | {id: string, name: string, types: string[], cars: string[], webhookUrl: string|null,
 *   email: string|null, enabled: boolean}} the subscription.
 */
export function readSubscription(json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  if (!text(json.id, 64) || !/^[A-Za-z0-9_-]+$/.test(json.id) || !text(json.name, 100)) return null;
  const list = (v, max) => (v === undefined ? [] : Array.isArray(v) && v.length <= max && v.every((x) => text(x, 128)) ? v : null);
  const types = list(json.types, 64);
  const cars = list(json.cars, 1000);
  if (types === null || cars === null) return null;
  let webhookUrl = null;
  if (json.webhook !== undefined && json.webhook !== null) {
    if (typeof json.webhook !== 'object' || !text(json.webhook.url, 2048)) return null;
    webhookUrl = json.webhook.url;
  }
  let email = null;
  if (json.email !== undefined && json.email !== null) {
    if (!text(json.email, 254)) return null;
    email = json.email;
  }
  if (json.enabled !== undefined && typeof json.enabled !== 'boolean') return null;
  return { id: json.id, name: json.name, types: [...types], cars: [...cars], webhookUrl, email, enabled: json.enabled !== false };
}

/**
 * The subscriptions of a GET /subscriptions answer, by name, and how many were unreadable.
 * @param {unknown} data the parsed JSON.
 * @returns {{subscriptions: Array<NonNullable<ReturnType<typeof readSubscription>>>, dropped: number} | null}
 *   null when the answer is not a list of subscriptions at all.
 */
export function readSubscriptions(data) {
  if (data === null || typeof data !== 'object' || !Array.isArray(data.subscriptions)) return null;
  const read = data.subscriptions.map(readSubscription);
  const subscriptions = read.filter((s) => s !== null).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { subscriptions, dropped: read.length - subscriptions.length };
}

/**
 * What a subscription covers and where it goes, in words.
 * @param {NonNullable<ReturnType<typeof readSubscription>>} s the subscription.
 * @returns {{what: string, who: string, where: string}} the event types, the cars, the channels.
 */
export function subscriptionText(s) {
  const what = s.types.length === 0 ? 'Every event type' : s.types.map((t) => TYPE_LABELS[t] ?? t).join(', ');
  const who = s.cars.length === 0 ? 'every car' : s.cars.length <= 5 ? `cars ${s.cars.join(', ')}` : `${s.cars.length} cars (${s.cars.slice(0, 3).join(', ')}, …)`;
  const where = [s.webhookUrl === null ? null : `webhook ${s.webhookUrl}`, s.email === null ? null : `e-mail ${s.email}`].filter((x) => x !== null).join('; ');
  return { what, who, where };
}

/**
 * Reads one notification (a delivery) as GET /notifications lists it; malformed ones are dropped.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {deliveryId: string, carId: string, eventId: string, subscriptionId: string,
 *   channel: 'webhook'|'email', target: string, state: string, attempts: number, nextAttemptMs: number,
 *   lastError: string|null, createdMs: number, deliveredMs: number|null, summary: string}} the delivery.
 */
export function readNotification(json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  for (const name of ['deliveryId', 'carId', 'eventId', 'subscriptionId', 'target']) {
    if (!text(json[name])) return null;
  }
  if (json.channel !== 'webhook' && json.channel !== 'email') return null;
  if (!STATE_NAMES.has(json.state)) return null;
  if (!Number.isSafeInteger(json.attempts) || json.attempts < 0 || !time(json.nextAttemptMs) || !time(json.createdMs)) return null;
  if (json.lastError !== undefined && json.lastError !== null && !text(json.lastError)) return null;
  if (json.deliveredMs !== undefined && json.deliveredMs !== null && !time(json.deliveredMs)) return null;
  if (json.summary !== undefined && typeof json.summary !== 'string') return null;
  return {
    deliveryId: json.deliveryId,
    carId: json.carId,
    eventId: json.eventId,
    subscriptionId: json.subscriptionId,
    channel: json.channel,
    target: json.target,
    state: json.state,
    attempts: json.attempts,
    nextAttemptMs: json.nextAttemptMs,
    lastError: json.lastError ?? null,
    createdMs: json.createdMs,
    deliveredMs: json.deliveredMs ?? null,
    summary: json.summary ?? '',
  };
}

/**
 * A page of GET /notifications: the readable deliveries newest first, how many were not, the cursor.
 * @param {unknown} data the parsed JSON.
 * @returns {{notifications: Array<NonNullable<ReturnType<typeof readNotification>>>, dropped: number,
 *   nextCursor: string|null} | null} null when the answer is not a page at all.
 */
export function readNotificationPage(data) {
  if (data === null || typeof data !== 'object' || !Array.isArray(data.notifications)) return null;
  if (data.nextCursor !== undefined && data.nextCursor !== null && !text(data.nextCursor, 1024)) return null;
  const read = data.notifications.map(readNotification);
  const notifications = read.filter((n) => n !== null);
  return { notifications, dropped: read.length - notifications.length, nextCursor: data.nextCursor ?? null };
}

/**
 * Where a delivery stands, in words: "Delivered at …", "Retrying: attempt 3 failed (HTTP 500);
 * next attempt at …", "Failed after 10 attempts: HTTP 500".
 * @param {NonNullable<ReturnType<typeof readNotification>>} n the delivery.
 * @param {(ms: number) => string} [format] how a time is written.
 * @returns {string} the text.
 */
export function deliveryStateText(n, format = dateTime) {
  const tries = `${n.attempts} attempt${n.attempts === 1 ? '' : 's'}`;
  if (n.state === 'delivered') return `Delivered${n.deliveredMs === null ? '' : ` at ${format(n.deliveredMs)}`} (${tries})`;
  if (n.state === 'failed') return `Failed after ${tries}: ${n.lastError ?? 'no reason recorded'}`;
  if (n.attempts === 0) return `Waiting: first attempt at ${format(n.nextAttemptMs)}`;
  return `Retrying: ${tries} failed (${n.lastError ?? 'no reason recorded'}); next attempt at ${format(n.nextAttemptMs)}`;
}

/**
 * What to tell the user when the server refused: its reason, word for word.
 * @param {string} what what was refused ("The subscription").
 * @param {{status: number, problem: {title: string, detail?: string}}} outcome the API's refusal.
 * @returns {string} the message.
 */
export function refusalText(what, outcome) {
  if (outcome.status === 0) return `The server cannot be reached: ${what.toLowerCase()} is not saved. Try again.`;
  return `${what} was refused: ${outcome.problem.detail ?? outcome.problem.title}`;
}
