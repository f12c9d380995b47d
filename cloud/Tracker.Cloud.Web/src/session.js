// The signed-in session, kept in sessionStorage (per tab; gone when the tab closes), as the
// issue asks. Anything unreadable there is treated as no session.

const KEY = 'tracker.session';

/**
 * @typedef {{token: string, user: string, roles: string[], expiresMs: number}} Session
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
    return sessionFromLogin(JSON.parse(text));
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
