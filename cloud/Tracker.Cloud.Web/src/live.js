// The live connection: MQTT 3.1.1 over WebSocket to the host's broker (contract: ws://<host>/mqtt,
// subprotocol mqtt, username = user, password = the JWT). mqtt.js does the protocol; this wraps
// it in the few operations the app needs, each with an outcome, and turns its events into one
// connection state for the header.
//
// QoS 0 throughout: the live map wants the newest fix, not every fix (history has them all), and
// a QoS 0 subscription needs no session state on the broker.

/** @typedef {'connecting'|'connected'|'reconnecting'|'refused'|'closed'} LiveState */

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes that retrying will not fix. */
const CONNACK_BAD_CREDENTIALS = 4;
const CONNACK_NOT_AUTHORIZED = 5;

/**
 * The broker's WebSocket URL for a page at `location`.
 * @param {{protocol: string, host: string}} location the page's location.
 * @param {string|null} configured an explicit URL from config.json, or null.
 * @returns {string} ws(s)://host/mqtt.
 */
export function brokerUrl(location, configured) {
  if (typeof configured === 'string' && configured.length > 0) {
    return configured;
  }
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
}

/**
 * Connects, and keeps reconnecting until end() or a refusal.
 * @param {{mqttLib: {connect: Function}, url: string, user: string, token: string,
 *   onMessage: (topic: string, payload: Uint8Array) => void,
 *   onState: (state: LiveState, detail?: string) => void,
 *   onConnect?: () => void, random?: () => number}} options the mqtt.js module (the global
 *   `mqtt` in the browser), where and who, and the callbacks.
 * @returns the connection.
 */
export function connectLive(options) {
  const random = options.random ?? Math.random;
  const clientId = `web-${Math.floor(random() * 0x100000000).toString(16).padStart(8, '0')}`;
  const client = options.mqttLib.connect(options.url, {
    username: options.user,
    password: options.token,
    protocolVersion: 4,
    clientId,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 3000,
    connectTimeout: 10000,
    resubscribe: true,
    // mqtt.js would otherwise run its keepalive timer in a Worker made from a blob: URL, which a
    // Content-Security-Policy of script-src 'self' forbids.
    timerVariant: 'native',
  });
  let ended = false;
  const state = (s, detail) => {
    if (!ended || s === 'closed') options.onState(s, detail);
  };

  state('connecting');
  client.on('connect', () => {
    state('connected');
    options.onConnect?.();
  });
  client.on('reconnect', () => state('reconnecting'));
  client.on('offline', () => state('reconnecting'));
  client.on('error', (err) => {
    const code = err && typeof err === 'object' ? err.code : undefined;
    if (code === CONNACK_BAD_CREDENTIALS || code === CONNACK_NOT_AUTHORIZED) {
      // Retrying with the same token would be refused again, every few seconds.
      ended = true;
      client.end(true);
      options.onState('refused', String(err.message ?? err));
    }
  });
  client.on('message', (topic, payload) => {
    if (!ended) options.onMessage(topic, payload);
  });

  return {
    clientId,

    /**
     * Subscribes to each filter on its own SUBSCRIBE, so that a refusal (SUBACK 0x80) names the
     * filter it refused.
     * @param {string[]} filters topic filters.
     * @returns {Promise<{granted: string[], refused: string[]}>} the outcome per filter.
     */
    async subscribe(filters) {
      const results = await Promise.all(filters.map((filter) => new Promise((resolve) => {
        client.subscribe(filter, { qos: 0 }, (err, granted) => {
          const refused = err || !Array.isArray(granted) || granted.some((g) => (g.qos & 0x80) !== 0);
          resolve({ filter, ok: !refused });
        });
      })));
      return {
        granted: results.filter((r) => r.ok).map((r) => r.filter),
        refused: results.filter((r) => !r.ok).map((r) => r.filter),
      };
    },

    /**
     * @param {string[]} filters topic filters to drop.
     */
    unsubscribe(filters) {
      if (!ended) client.unsubscribe(filters);
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
        client.end(true);
        options.onState('closed');
      }
    },
  };
}
