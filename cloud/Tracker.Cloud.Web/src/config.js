// Deployment settings, read from config.json beside index.html. The build writes the local
// defaults; the local host serves its own when it signs users in elsewhere (--auth oidc), and on
// AWS the stack writes it from its own resources (cloud/Tracker.Cloud.Infra, Web/WebHosting.cs).
// Missing or malformed: the defaults, which suit the local host. A key of the wrong type is
// dropped, never half-used. `carRules` (what moving, stopped, offline and filtered mean) has no
// default: the app takes them only from the host that applies them (src/carrules.js).

import { readCarRules } from './carrules.js';

/**
 * @typedef {{mode: 'local'}} LocalAuth the local host's dev login (POST /auth/login).
 * @typedef {{mode: 'oauth', clientId: string, authorizeUrl: string, tokenUrl: string,
 *   revokeUrl: string|null, logoutUrl: string|null, scopes: string[]}} OAuthAuth sign-in at a
 *   hosted UI (Cognito's): OAuth 2.0 authorization code with PKCE.
 * @typedef {{name: string, tokenParameter: string}} MqttAuthorizer an IoT Core custom authorizer,
 *   named with the token in the WebSocket URL's query string.
 * @typedef {{apiBase: string, mqttUrl: string|null, mqttAuthorizer: MqttAuthorizer|null,
 *   auth: LocalAuth|OAuthAuth, tileUrl: string|null, tileProbeUrl: string|null,
 *   tileProbeTimeoutMs: number, tileAttribution: string,
 *   carRules: Readonly<import('./carrules.js').CarRules>|null}} AppConfig
 */

/** @type {AppConfig} */
export const DEFAULT_CONFIG = Object.freeze({
  apiBase: '',
  mqttUrl: null,
  mqttAuthorizer: null,
  auth: Object.freeze({ mode: 'local' }),
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  tileProbeUrl: 'https://tile.openstreetmap.org/0/0/0.png',
  tileProbeTimeoutMs: 3000,
  tileAttribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  carRules: null,
});

/** IoT Core's token key names and authorizer names: letters, digits, _ and - (AWS IoT API, CreateAuthorizer). */
const AUTHORIZER_TEXT = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * An endpoint the browser may send credentials to: https, or http on a loopback host (a local
 * provider standing in for Cognito).
 * @param {any} value the configured URL.
 * @returns {boolean} whether it is one.
 */
export function isCredentialUrl(value) {
  if (typeof value !== 'string') return false;
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * @param {any} raw the parsed `auth` object.
 * @returns {LocalAuth|OAuthAuth|null} the sign-in, or null when it is not usable.
 */
function readAuth(raw) {
  if (raw === null || typeof raw !== 'object') return null;
  if (raw.mode === 'local') return DEFAULT_CONFIG.auth;
  if (raw.mode !== 'oauth' || typeof raw.clientId !== 'string' || raw.clientId.length === 0
    || !isCredentialUrl(raw.authorizeUrl) || !isCredentialUrl(raw.tokenUrl)) {
    return null;
  }
  const optionalUrl = (v) => (isCredentialUrl(v) ? v : null);
  const scopes = Array.isArray(raw.scopes) && raw.scopes.every((s) => typeof s === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))
    ? [...raw.scopes] : ['openid'];
  if (!scopes.includes('openid')) scopes.unshift('openid');
  return Object.freeze({
    mode: 'oauth',
    clientId: raw.clientId,
    authorizeUrl: raw.authorizeUrl,
    tokenUrl: raw.tokenUrl,
    revokeUrl: optionalUrl(raw.revokeUrl),
    logoutUrl: optionalUrl(raw.logoutUrl),
    scopes: Object.freeze(scopes),
  });
}

/**
 * Merges a parsed config over the defaults, keeping only keys of the right type.
 * @param {any} raw the parsed JSON.
 * @returns {AppConfig} the config.
 */
export function mergeConfig(raw) {
  const out = { ...DEFAULT_CONFIG };
  if (raw === null || typeof raw !== 'object') {
    return out;
  }
  for (const key of ['apiBase', 'tileAttribution']) {
    if (typeof raw[key] === 'string') out[key] = raw[key];
  }
  for (const key of ['mqttUrl', 'tileUrl', 'tileProbeUrl']) {
    if (typeof raw[key] === 'string' || raw[key] === null) out[key] = raw[key];
  }
  if (Number.isFinite(raw.tileProbeTimeoutMs) && raw.tileProbeTimeoutMs > 0) {
    out.tileProbeTimeoutMs = raw.tileProbeTimeoutMs;
  }
  const auth = readAuth(raw.auth);
  if (auth !== null) out.auth = auth;
  out.carRules = readCarRules(raw.carRules);
  const a = raw.mqttAuthorizer;
  if (a !== null && typeof a === 'object' && typeof a.name === 'string' && typeof a.tokenParameter === 'string'
    && AUTHORIZER_TEXT.test(a.name) && AUTHORIZER_TEXT.test(a.tokenParameter)) {
    out.mqttAuthorizer = Object.freeze({ name: a.name, tokenParameter: a.tokenParameter });
  }
  return out;
}

/**
 * @returns {Promise<AppConfig>} config.json merged over the defaults.
 */
export async function loadConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    return response.ok ? mergeConfig(await response.json()) : mergeConfig(null);
  } catch {
    return mergeConfig(null);
  }
}
