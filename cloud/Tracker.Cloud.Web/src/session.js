// The signed-in session, kept in sessionStorage (per tab; gone when the tab closes). Anything
// unreadable there is treated as no session. Two kinds: the local host's dev login (a token
// until it expires) and a hosted-UI sign-in (kind 'oauth': an ID token, renewed with the refresh
// token before it ends; src/oauth.js).

const KEY = 'tracker.session';
const NOTICE_KEY = 'tracker.notice';

/**
 * @typedef {{token: string, user: string, roles: string[], expiresMs: number,
 *   kind?: 'local'|'oauth', issuedMs?: number, refreshToken?: string|null}} Session
 */

/**
 * Checks the body of POST /auth/login (contract: {token, user, roles, expiresMs}).
 * @param {any} body the parsed JSON.
 * @returns {Session|null} the session, or null when a field is missing or of the wrong type.
 */
export function sessionFromLogin(body) {
  if (body === null || typeof body !== 'object') {
    return null;
  }
  const { token, user, roles, expiresMs } = body;
  if (typeof token !== 'string' || token.length === 0 || typeof user !== 'string'
    || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string') || !Number.isFinite(expiresMs)) {
    return null;
  }
  return { token, user, roles: [...roles], expiresMs };
}

/**
 * @param {any} stored a parsed stored session.
 * @returns {Session|null} it, checked, or null.
 */
function checkStored(stored) {
  const base = sessionFromLogin(stored);
  if (base === null || stored.kind !== 'oauth') return base;
  if (!Number.isFinite(stored.issuedMs) || !(stored.refreshToken === null || (typeof stored.refreshToken === 'string' && stored.refreshToken.length > 0))) {
    return null;
  }
  return { ...base, kind: 'oauth', issuedMs: stored.issuedMs, refreshToken: stored.refreshToken };
}

/**
 * A message for the next page load (the sign-in view after the hosted UI's sign-out).
 * @param {Storage} storage sessionStorage.
 * @param {string} text the message.
 */
export function leaveNotice(storage, text) {
  try {
    storage.setItem(NOTICE_KEY, text);
  } catch {
    // The message is lost; nothing else is.
  }
}

/**
 * @param {Storage} storage sessionStorage.
 * @returns {string} the message left for this load, once, or ''.
 */
export function takeNotice(storage) {
  try {
    const text = storage.getItem(NOTICE_KEY);
    storage.removeItem(NOTICE_KEY);
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}

/**
 * @param {Storage} storage sessionStorage (or a fake).
 * @returns {Session|null} the stored session, or null.
 */
export function loadSession(storage) {
  let text;
  try {
    text = storage.getItem(KEY);
  } catch {
    return null; // storage disabled by the browser's privacy settings
  }
  if (text === null) {
    return null;
  }
  try {
    return checkStored(JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * @param {Storage} storage sessionStorage (or a fake).
 * @param {Session} session the session to keep.
 */
export function saveSession(storage, session) {
  try {
    storage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage full or disabled: the session lasts as long as the page instead.
  }
}

/**
 * @param {Storage} storage sessionStorage (or a fake).
 */
export function clearSession(storage) {
  try {
    storage.removeItem(KEY);
  } catch {
    // Nothing to clear.
  }
}

/**
 * @param {Session} session the session.
 * @returns {boolean} true for an operator.
 */
export function isOperator(session) {
  return session.roles.includes('operator');
}
