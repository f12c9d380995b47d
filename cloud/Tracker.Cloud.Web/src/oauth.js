// Sign-in at a hosted UI (Cognito's, or an OpenID Connect provider at the same paths): OAuth 2.0
// authorization code with PKCE for a public client (RFC 6749 §4.1, RFC 7636, S256), then the
// refresh_token grant (RFC 6749 §6), revocation (RFC 7009) and the hosted UI's sign-out. No
// secret: a browser cannot keep one. Every network call returns an outcome, never throws.
//
// The ID token is the bearer the API and the live authorizer take (it carries cognito:groups and
// aud). Its payload is read here only to show who is signed in and to check the nonce; its
// signature is the servers' to check, not the page's.

const PENDING_KEY = 'tracker.signin';

/** How long a started sign-in may take before its state is thrown away. */
export const SIGN_IN_TTL_MS = 10 * 60 * 1000;

/** Roles read from the groups claim, as the servers read them (IdentityClaims.ParseRoles). */
const ROLE_NAMES = { operator: 'operator', operators: 'operator', renter: 'renter', renters: 'renter' };

/**
 * @param {Uint8Array} bytes raw bytes.
 * @returns {string} base64url without padding (RFC 4648 §5).
 */
export function base64Url(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * @param {string} text base64url, with or without padding.
 * @returns {string|null} the decoded UTF-8 text, or null when it is not base64url of UTF-8.
 */
export function fromBase64Url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/**
 * @param {{getRandomValues: (a: Uint8Array) => Uint8Array}} crypto Web Crypto.
 * @param {number} bytes how many random bytes.
 * @returns {string} them, base64url.
 */
export function randomToken(crypto, bytes = 32) {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * The PKCE S256 challenge of a verifier (RFC 7636 §4.2).
 * @param {{subtle: SubtleCrypto}} crypto Web Crypto.
 * @param {string} verifier the code verifier.
 * @returns {Promise<string>} BASE64URL(SHA256(ASCII(verifier))).
 */
export async function pkceChallenge(crypto, verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/**
 * The app's own address, where the hosted UI sends the browser back after sign-in and sign-out
 * (the client's registered callback and sign-out URL): origin and path, `index.html` dropped.
 * @param {{origin: string, pathname: string}} location the page's location.
 * @returns {string} the URL.
 */
export function appUrl(location) {
  return location.origin + location.pathname.replace(/index\.html$/, '');
}

/**
 * Starts a sign-in: keeps the state, the PKCE verifier and the nonce for the callback, and gives
 * the hosted UI's authorization URL to send the browser to.
 * @param {import('./config.js').OAuthAuth} auth the sign-in settings.
 * @param {{crypto: Crypto, storage: Storage, redirectUri: string, returnHash?: string, now: number}} deps
 * @returns {Promise<string>} the URL.
 */
export async function beginSignIn(auth, deps) {
  const state = randomToken(deps.crypto, 16);
  const verifier = randomToken(deps.crypto, 32);
  const nonce = randomToken(deps.crypto, 16);
  const pending = { state, verifier, nonce, redirectUri: deps.redirectUri, returnHash: deps.returnHash ?? '', createdMs: deps.now };
  try {
    deps.storage.setItem(PENDING_KEY, JSON.stringify(pending));
  } catch {
    // Without storage the callback cannot be matched; it will say so.
  }
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: deps.redirectUri,
    scope: auth.scopes.join(' '),
    state,
    nonce,
    code_challenge: await pkceChallenge(deps.crypto, verifier),
    code_challenge_method: 'S256',
  });
  return `${auth.authorizeUrl}${auth.authorizeUrl.includes('?') ? '&' : '?'}${params}`;
}

/**
 * Reads the hosted UI's answer from the page's query string (RFC 6749 §4.1.2).
 * @param {string} search location.search.
 * @returns {{code: string, state: string}|{error: string, description: string, state: string|null}|null}
 *   the code, the error, or null when the page is not a sign-in callback.
 */
export function readCallback(search) {
  const q = new URLSearchParams(search);
  if (q.has('error')) {
    return { error: q.get('error') ?? '', description: q.get('error_description') ?? '', state: q.get('state') };
  }
  const code = q.get('code');
  const state = q.get('state');
  if (code === null || state === null) return null;
  return { code, state };
}

/**
 * Takes the pending sign-in for a callback's state, once.
 * @param {Storage} storage sessionStorage.
 * @param {string|null} state the callback's state.
 * @param {number} now Date.now().
 * @returns {{verifier: string, nonce: string, redirectUri: string, returnHash: string}|null} the
 *   pending sign-in, or null when there is none, it is stale, or the state differs (a forged or
 *   replayed callback, RFC 6749 §10.12).
 */
export function takePendingSignIn(storage, state, now) {
  let pending;
  try {
    pending = JSON.parse(storage.getItem(PENDING_KEY) ?? 'null');
    storage.removeItem(PENDING_KEY);
  } catch {
    return null;
  }
  if (pending === null || typeof pending !== 'object' || typeof pending.state !== 'string'
    || pending.state !== state || typeof pending.verifier !== 'string' || typeof pending.nonce !== 'string'
    || typeof pending.redirectUri !== 'string' || !Number.isFinite(pending.createdMs)
    || now - pending.createdMs > SIGN_IN_TTL_MS || now < pending.createdMs - 60_000) {
    return null;
  }
  return { verifier: pending.verifier, nonce: pending.nonce, redirectUri: pending.redirectUri, returnHash: typeof pending.returnHash === 'string' ? pending.returnHash : '' };
}

/**
 * POSTs a form to the token or revocation endpoint.
 * @returns {Promise<{ok: true, body: any}|{ok: false, status: number, error: string, description: string}>}
 */
async function postForm(fetchImpl, url, fields) {
  let response;
  let text;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
      cache: 'no-store',
      credentials: 'omit',
    });
    text = await response.text();
  } catch (e) {
    return { ok: false, status: 0, error: 'unreachable', description: String(e && e.message ? e.message : e) };
  }
  let body = null;
  try {
    body = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body !== null && typeof body === 'object' && typeof body.error === 'string' ? body.error : `http_${response.status}`;
    const description = body !== null && typeof body === 'object' && typeof body.error_description === 'string' ? body.error_description : '';
    return { ok: false, status: response.status, error, description };
  }
  if (body === null || typeof body !== 'object') {
    return { ok: false, status: response.status, error: 'invalid_response', description: 'the token endpoint did not answer JSON' };
  }
  return { ok: true, body };
}

/**
 * Exchanges an authorization code (RFC 6749 §4.1.3, with the PKCE verifier).
 * @param {import('./config.js').OAuthAuth} auth the sign-in settings.
 * @param {{code: string, verifier: string, redirectUri: string}} grant the callback's code.
 * @param {typeof fetch} fetchImpl fetch.
 * @returns the token response, or why not.
 */
export function exchangeCode(auth, grant, fetchImpl) {
  return postForm(fetchImpl, auth.tokenUrl, {
    grant_type: 'authorization_code',
    client_id: auth.clientId,
    code: grant.code,
    redirect_uri: grant.redirectUri,
    code_verifier: grant.verifier,
  });
}

/**
 * Gets new tokens with the refresh token (RFC 6749 §6).
 * @param {import('./config.js').OAuthAuth} auth the sign-in settings.
 * @param {string} refreshToken the refresh token.
 * @param {typeof fetch} fetchImpl fetch.
 * @returns the token response, or why not.
 */
export function refreshTokens(auth, refreshToken, fetchImpl) {
  return postForm(fetchImpl, auth.tokenUrl, { grant_type: 'refresh_token', client_id: auth.clientId, refresh_token: refreshToken });
}

/**
 * Revokes the refresh token (RFC 7009; Cognito's /oauth2/revoke), so it cannot mint tokens after
 * sign-out. Best effort: sign-out goes on whatever the answer.
 * @param {import('./config.js').OAuthAuth} auth the sign-in settings.
 * @param {string} refreshToken the refresh token.
 * @param {typeof fetch} fetchImpl fetch.
 * @returns the outcome.
 */
export function revokeRefreshToken(auth, refreshToken, fetchImpl) {
  if (auth.revokeUrl === null) return Promise.resolve({ ok: true, body: {} });
  return postForm(fetchImpl, auth.revokeUrl, { token: refreshToken, token_type_hint: 'refresh_token', client_id: auth.clientId });
}

/**
 * The hosted UI's sign-out URL (Cognito's /logout: client_id and a registered logout_uri), which
 * ends the hosted UI's own session and comes back to the app.
 * @param {import('./config.js').OAuthAuth} auth the sign-in settings.
 * @param {string} returnUrl where to come back to.
 * @returns {string|null} the URL, or null when the deployment names none.
 */
export function signOutUrl(auth, returnUrl) {
  if (auth.logoutUrl === null) return null;
  const params = new URLSearchParams({ client_id: auth.clientId, logout_uri: returnUrl });
  return `${auth.logoutUrl}${auth.logoutUrl.includes('?') ? '&' : '?'}${params}`;
}

/**
 * @param {string} idToken a compact JWS.
 * @returns {object|null} its payload, or null when it is not one.
 */
export function idTokenClaims(idToken) {
  const parts = typeof idToken === 'string' ? idToken.split('.') : [];
  if (parts.length !== 3) return null;
  const text = fromBase64Url(parts[1]);
  if (text === null) return null;
  try {
    const claims = JSON.parse(text);
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? claims : null;
  } catch {
    return null;
  }
}

/**
 * @param {any} groups the cognito:groups claim.
 * @returns {string[]} the roles in it: operator, renter.
 */
export function rolesFromGroups(groups) {
  const list = Array.isArray(groups) ? groups : typeof groups === 'string' ? groups.split(/[\s,[\]"]+/) : [];
  const roles = new Set();
  for (const g of list) {
    const role = typeof g === 'string' ? ROLE_NAMES[g.toLowerCase()] : undefined;
    if (role !== undefined) roles.add(role);
  }
  return [...roles].sort();
}

/**
 * Makes a session of a token response. The session's end is counted on this browser's clock
 * from the token's own lifetime (exp - iat, or expires_in), so a skewed clock does not cut a
 * session short or stretch it.
 * @param {any} body the token endpoint's JSON.
 * @param {{now: number, nonce?: string|null, previous?: {refreshToken: string}|null}} context
 *   when it arrived, the nonce the sign-in sent (callbacks only), and the session it refreshes.
 * @returns {{ok: true, session: import('./session.js').Session}|{ok: false, error: string}} the session, or why not.
 */
export function sessionFromTokens(body, context) {
  if (body === null || typeof body !== 'object' || typeof body.id_token !== 'string') {
    return { ok: false, error: 'the token response has no id_token' };
  }
  const claims = idTokenClaims(body.id_token);
  if (claims === null || typeof claims.sub !== 'string' || claims.sub.length === 0 || !Number.isFinite(claims.exp)) {
    return { ok: false, error: 'the ID token is malformed' };
  }
  if (context.nonce !== undefined && context.nonce !== null && claims.nonce !== context.nonce) {
    return { ok: false, error: 'the ID token answers another sign-in (nonce)' };
  }
  const lifetimes = [];
  if (Number.isFinite(claims.iat) && claims.exp > claims.iat) lifetimes.push(claims.exp - claims.iat);
  if (Number.isFinite(body.expires_in) && body.expires_in > 0) lifetimes.push(body.expires_in);
  if (lifetimes.length === 0) return { ok: false, error: 'the token response says nothing of its lifetime' };
  const lifetimeMs = Math.min(...lifetimes) * 1000;
  const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token.length > 0 ? body.refresh_token : context.previous?.refreshToken ?? null;
  const user = [claims['cognito:username'], claims.email, claims.sub].find((v) => typeof v === 'string' && v.length > 0);
  return {
    ok: true,
    session: {
      token: body.id_token,
      user,
      roles: rolesFromGroups(claims['cognito:groups']),
      expiresMs: context.now + lifetimeMs,
      issuedMs: context.now,
      refreshToken,
      kind: 'oauth',
    },
  };
}

/** How long before the end a session is refreshed: 10 minutes, or half its life if that is shorter. */
export const REFRESH_LEAD_MS = 10 * 60 * 1000;

/**
 * When to refresh a session: early enough that the live authorizer, which refuses a token with
 * less than 5 minutes left (IoT Core's shortest connection), never sees an old one.
 * @param {{expiresMs: number, issuedMs?: number}} session the session.
 * @param {number} now Date.now().
 * @returns {number} the delay from now, ms (0: now).
 */
export function refreshDelayMs(session, now) {
  const lifetime = Number.isFinite(session.issuedMs) ? session.expiresMs - session.issuedMs : REFRESH_LEAD_MS * 2;
  const lead = Math.min(REFRESH_LEAD_MS, lifetime / 2);
  return Math.max(0, session.expiresMs - lead - now);
}
