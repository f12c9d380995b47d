// The live connection: MQTT 3.1.1 over WebSocket. mqtt.js does the protocol; this wraps it in the
// few operations the app needs, each with an outcome, turns its events into one connection state
// for the header, and owns reconnecting. Two ways in (config.json's mqttAuthorizer):
//
// - the local host's broker: ws(s)://<host>/mqtt, username = user, password = the token;
// - an AWS IoT Core custom authorizer (and the local broker with --auth oidc, which does what IoT
//   Core does): wss://<endpoint>/mqtt?x-amz-customauthorizer-name=<name>&<token key>=<token>, no
//   username or password. A browser can set neither headers on a WebSocket nor the TLS ALPN
//   protocol "mqtt" that IoT Core needs before it reads a CONNECT's username and password, so the
//   upgrade's query string is the one place it can put them (AWS IoT developer guide,
//   "Connecting to AWS IoT Core by using custom authentication", MQTT over WebSockets).
//
// The URL is built again on every attempt (mqtt.js transformWsUrl), so a reconnect carries the
// session's current token. A refused or dropped connection is tried again with exponential
// backoff and jitter: IoT Core refuses a token close to its end, ends a connection when the token
// or the rental it serves ends, and a network drops.
//
// QoS 0 throughout: the live map wants the newest fix, not every fix (history has them all), and
// a QoS 0 subscription needs no session state on the broker.

import { liveClientId } from './liveclientid.js';

/** @typedef {'connecting'|'connected'|'reconnecting'|'refused'|'closed'} LiveState */

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes that mean "these credentials, not now". */
const CONNACK_BAD_CREDENTIALS = 4;
const CONNACK_NOT_AUTHORIZED = 5;

/** The first retry comes after about this long; each further one waits twice as long. */
export const RETRY_BASE_MS = 1000;

/** The longest wait between two attempts. */
export const RETRY_MAX_MS = 60_000;

/** A connection that lasted this long was a success: the next drop starts the backoff again. */
export const STABLE_MS = 20_000;

/**
 * The wait before attempt `attempt` (1 = the first retry): RETRY_BASE_MS doubling up to
 * RETRY_MAX_MS, scaled by a random factor in [0.5, 1) so a fleet of browsers dropped at once
 * (a broker restart) does not come back at once.
 * @param {number} attempt the retry, from 1.
 * @param {() => number} random Math.random.
 * @returns {number} the delay, ms.
 */
export function retryDelayMs(attempt, random) {
  const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(Math.max(attempt, 1) - 1, 16));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * The broker's WebSocket URL for a page at `location`.
 * @param {{protocol: string, host: string}} location the page's location.
 * @param {string|null} configured an explicit URL from config.json, or null.
 * @param {{name: string, tokenParameter: string}|null} [authorizer] the custom authorizer, if any.
 * @param {string} [token] the token, with an authorizer.
 * @returns {string} ws(s)://host/mqtt, with the authorizer's query when there is one.
 */
export function brokerUrl(location, configured, authorizer = null, token = '') {
  const base = typeof configured === 'string' && configured.length > 0
    ? configured
    : `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
  if (authorizer === null) return base;
  const query = `x-amz-customauthorizer-name=${encodeURIComponent(authorizer.name)}&${encodeURIComponent(authorizer.tokenParameter)}=${encodeURIComponent(token)}`;
  return `${base}${base.includes('?') ? '&' : '?'}${query}`;
}

/**
 * Connects, and keeps the connection up until end().
 * @param {{mqttLib: {connect: Function}, url: string, user: string, getToken: () => string,
 *   authorizer?: {name: string, tokenParameter: string}|null,
 *   onMessage: (topic: string, payload: Uint8Array) => void,
 *   onState: (state: LiveState, detail?: string) => void,
 *   onConnect?: () => void, onRefused?: () => void, random?: () => number,
 *   timers?: {setTimeout: Function, clearTimeout: Function}, now?: () => number}} options the
 *   mqtt.js module (the global `mqtt` in the browser), where (url without the authorizer's
 *   query) and who (the token is asked for at every attempt), and the callbacks; onRefused runs
 *   when the broker refuses the credentials, before the next attempt (time to renew a token).
 * @returns the connection.
 */
export function connectLive(options) {
  const random = options.random ?? Math.random;
  const timers = options.timers ?? globalThis;
  const now = options.now ?? Date.now;
  const authorizer = options.authorizer ?? null;
  // web-{owner tag}-{random}: the broker refuses a client id that is not its user's (liveclientid.js).
  const clientId = liveClientId(options.getToken(), random);
  const client = options.mqttLib.connect(authorizer === null ? options.url : brokerUrl(null, options.url, authorizer, options.getToken()), {
    ...(authorizer === null ? { username: options.user, password: options.getToken() } : {}),
    protocolVersion: 4,
    clientId,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 0, // reconnecting is ours: backoff, and a fresh token each time
    connectTimeout: 10000,
    // mqtt.js keeps subscriptions for a reconnect only while it does the reconnecting itself
    // (reconnectPeriod > 0); this wrapper reconnects, so it subscribes again itself (below).
    resubscribe: false,
    // The current token on every attempt, not the one of the first.
    transformWsUrl: (url, opts) => {
      if (authorizer === null) {
        opts.password = options.getToken();
        return url;
      }
      return brokerUrl(null, url.split('?')[0], authorizer, options.getToken());
    },
    // mqtt.js would otherwise run its keepalive timer in a Worker made from a blob: URL, which a
    // Content-Security-Policy of script-src 'self' forbids.
    timerVariant: 'native',
  });
  let ended = false;
  let attempt = 0;
  let connectedAt = null;
  let refused = false;
  let retryTimer = null;
  let everConnected = false;
  /** Filters subscribed, granted or not: a reconnect asks for each again. */
  const filters = new Set();
  const state = (s, detail) => {
    if (!ended) options.onState(s, detail);
  };

  const scheduleRetry = () => {
    if (ended || retryTimer !== null) return;
    attempt += 1;
    const delay = retryDelayMs(attempt, random);
    state(refused ? 'refused' : 'reconnecting', `next attempt in ${Math.ceil(delay / 1000)} s`);
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      if (ended) return;
      refused = false;
      state('connecting');
      client.reconnect();
    }, delay);
  };

  state('connecting');
  client.on('connect', () => {
    connectedAt = now();
    refused = false;
    if (everConnected && filters.size > 0) client.subscribe([...filters], { qos: 0 });
    everConnected = true;
    state('connected');
    options.onConnect?.();
  });
  client.on('error', (err) => {
    const code = err && typeof err === 'object' ? err.code : undefined;
    if (code === CONNACK_BAD_CREDENTIALS || code === CONNACK_NOT_AUTHORIZED) {
      refused = true;
      options.onRefused?.();
    }
  });
  client.on('close', () => {
    if (ended) return;
    if (connectedAt !== null && now() - connectedAt >= STABLE_MS) attempt = 0;
    connectedAt = null;
    scheduleRetry();
  });
  client.on('message', (topic, payload) => {
    if (!ended) options.onMessage(topic, payload);
  });

  return {
    clientId,

    /**
     * Subscribes to each filter on its own SUBSCRIBE, so that a refusal (SUBACK 0x80) names the
     * filter it refused. Filters are subscribed again after every reconnect.
     * @param {string[]} wanted topic filters.
     * @returns {Promise<{granted: string[], refused: string[]}>} the outcome per filter.
     */
    async subscribe(wanted) {
      for (const filter of wanted) filters.add(filter);
      const results = await Promise.all(wanted.map((filter) => new Promise((resolve) => {
        client.subscribe(filter, { qos: 0 }, (err, granted) => {
          const refusedFilter = err || !Array.isArray(granted) || granted.some((g) => (g.qos & 0x80) !== 0);
          resolve({ filter, ok: !refusedFilter });
        });
      })));
      return {
        granted: results.filter((r) => r.ok).map((r) => r.filter),
        refused: results.filter((r) => !r.ok).map((r) => r.filter),
      };
    },

    /**
     * @param {string[]} dropped topic filters to drop.
     */
    unsubscribe(dropped) {
      for (const filter of dropped) filters.delete(filter);
      if (!ended) client.unsubscribe(dropped);
    },

    /**
     * Publishes a short text, QoS 0 (queued by mqtt.js while reconnecting).
     * @param {string} topic the topic.
     * @param {string} text the payload.
     */
    publish(topic, text) {
      if (!ended) client.publish(topic, text, { qos: 0, retain: false });
    },

    /** @returns {boolean} true while connected. */
    get connected() {
      return client.connected === true;
    },

    /** Disconnects for good. */
    end() {
      if (!ended) {
        ended = true;
        if (retryTimer !== null) timers.clearTimeout(retryTimer);
        retryTimer = null;
        client.end(true);
        options.onState('closed');
      }
    },
  };
}
