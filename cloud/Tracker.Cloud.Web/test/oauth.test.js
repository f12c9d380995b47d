// src/oauth.js: the hosted-UI sign-in (authorization code + PKCE), refresh, revocation and sign-out,
// against a fake fetch and fake storage; the browser flow itself runs in tests/Tracker.Web.Tests
// against a real OpenID Connect provider.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import {
  appUrl, base64Url, beginSignIn, exchangeCode, fromBase64Url, idTokenClaims, pkceChallenge, readCallback,
  refreshDelayMs, refreshTokens, REFRESH_LEAD_MS, revokeRefreshToken, rolesFromGroups, sessionFromTokens,
  SIGN_IN_TTL_MS, signOutUrl, takePendingSignIn,
} from '../src/oauth.js';
import { mergeConfig } from '../src/config.js';
import { clearSession, leaveNotice, loadSession, saveSession, takeNotice } from '../src/session.js';

function fakeStorage() {
  const map = new Map();
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)), removeItem: (k) => map.delete(k), map };
}

const AUTH = mergeConfig({
  auth: {
    mode: 'oauth', clientId: 'client-1', authorizeUrl: 'https://x.auth.us-east-1.amazoncognito.com/oauth2/authorize',
    tokenUrl: 'https://x.auth.us-east-1.amazoncognito.com/oauth2/token', revokeUrl: 'https://x.auth.us-east-1.amazoncognito.com/oauth2/revoke',
    logoutUrl: 'https://x.auth.us-east-1.amazoncognito.com/logout', scopes: ['openid', 'email'],
  },
}).auth;

const part = (o) => base64Url(new TextEncoder().encode(JSON.stringify(o)));
const idToken = (claims) => `${part({ alg: 'RS256', kid: 'k' })}.${part(claims)}.c2ln`;

test('pkceChallenge_MatchesRfc7636AppendixB', async () => {
  assert.equal(await pkceChallenge(webcrypto, 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('base64Url_RoundTrips_AndRejectsWhatIsNot', () => {
  const text = 'ünïcödé €';
  assert.equal(fromBase64Url(base64Url(new TextEncoder().encode(text))), text);
  for (const bad of ['a+b', 'a/b', 'a=', '/w', null, 5]) assert.equal(fromBase64Url(bad), null, String(bad));
});

test('beginSignIn_AsksForACodeWithS256_AndKeepsStateVerifierNonce', async () => {
  const storage = fakeStorage();
  const url = new URL(await beginSignIn(AUTH, { crypto: webcrypto, storage, redirectUri: 'https://app.example/', returnHash: '#car/car-1', now: 1000 }));
  const q = url.searchParams;
  assert.equal(url.origin + url.pathname, AUTH.authorizeUrl);
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('client_id'), 'client-1');
  assert.equal(q.get('redirect_uri'), 'https://app.example/');
  assert.equal(q.get('scope'), 'openid email');
  assert.equal(q.get('code_challenge_method'), 'S256');
  const pending = JSON.parse(storage.map.get('tracker.signin'));
  assert.equal(q.get('state'), pending.state);
  assert.equal(q.get('nonce'), pending.nonce);
  assert.equal(q.get('code_challenge'), await pkceChallenge(webcrypto, pending.verifier));
  assert.ok(pending.verifier.length >= 43 && pending.verifier.length <= 128, 'RFC 7636 §4.1: 43 to 128 characters');

  assert.equal(takePendingSignIn(storage, 'forged', 2000), null, 'another state is refused');
  assert.equal(takePendingSignIn(storage, pending.state, 2000), null, 'and the pending sign-in is gone, so it cannot be replayed');
});

test('takePendingSignIn_OnceAndOnlyWhileFresh', async () => {
  const storage = fakeStorage();
  await beginSignIn(AUTH, { crypto: webcrypto, storage, redirectUri: 'https://app.example/', now: 0 });
  const { state } = JSON.parse(storage.map.get('tracker.signin'));
  const taken = takePendingSignIn(storage, state, 5000);
  assert.equal(taken.redirectUri, 'https://app.example/');
  assert.equal(takePendingSignIn(storage, state, 5000), null);

  await beginSignIn(AUTH, { crypto: webcrypto, storage, redirectUri: 'https://app.example/', now: 0 });
  const stale = JSON.parse(storage.map.get('tracker.signin')).state;
  assert.equal(takePendingSignIn(storage, stale, SIGN_IN_TTL_MS + 1), null);
  storage.setItem('tracker.signin', '{not json');
  assert.equal(takePendingSignIn(storage, 'x', 0), null);
});

test('readCallback_CodeOrErrorOrNothing', () => {
  assert.deepEqual(readCallback('?code=abc&state=s1'), { code: 'abc', state: 's1' });
  assert.deepEqual(readCallback('?error=access_denied&state=s1'), { error: 'access_denied', description: '', state: 's1' });
  assert.equal(readCallback(''), null);
  assert.equal(readCallback('?code=abc'), null);
});

function fakeFetch(respond) {
  const calls = [];
  const impl = async (url, init) => {
    calls.push({ url, init, form: new URLSearchParams(init.body) });
    return respond(url, init);
  };
  impl.calls = calls;
  return impl;
}
const reply = (status, body) => ({ ok: status < 300, status, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) });

test('exchangeCode_PostsTheVerifier_AndReadsErrors', async () => {
  const ok = fakeFetch(() => reply(200, { id_token: 'x', expires_in: 3600 }));
  const r = await exchangeCode(AUTH, { code: 'c', verifier: 'v', redirectUri: 'https://app.example/' }, ok);
  assert.equal(r.ok, true);
  const { url, init, form } = ok.calls[0];
  assert.equal(url, AUTH.tokenUrl);
  assert.equal(init.method, 'POST');
  assert.equal(init.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(form), { grant_type: 'authorization_code', client_id: 'client-1', code: 'c', redirect_uri: 'https://app.example/', code_verifier: 'v' });

  const refused = await exchangeCode(AUTH, { code: 'c', verifier: 'v', redirectUri: 'r' }, fakeFetch(() => reply(400, { error: 'invalid_grant', error_description: 'code used' })));
  assert.deepEqual(refused, { ok: false, status: 400, error: 'invalid_grant', description: 'code used' });
  const html = await exchangeCode(AUTH, { code: 'c', verifier: 'v', redirectUri: 'r' }, fakeFetch(() => reply(502, '<html>')));
  assert.equal(html.error, 'http_502');
  const down = await exchangeCode(AUTH, { code: 'c', verifier: 'v', redirectUri: 'r' }, fakeFetch(() => { throw new TypeError('Failed to fetch'); }));
  assert.equal(down.status, 0);
  const notJson = await exchangeCode(AUTH, { code: 'c', verifier: 'v', redirectUri: 'r' }, fakeFetch(() => reply(200, 'nope')));
  assert.equal(notJson.error, 'invalid_response');
});

test('refreshAndRevoke_SendTheRefreshToken', async () => {
  const f = fakeFetch(() => reply(200, {}));
  await refreshTokens(AUTH, 'rt', f);
  await revokeRefreshToken(AUTH, 'rt', f);
  assert.deepEqual(Object.fromEntries(f.calls[0].form), { grant_type: 'refresh_token', client_id: 'client-1', refresh_token: 'rt' });
  assert.equal(f.calls[1].url, AUTH.revokeUrl);
  assert.deepEqual(Object.fromEntries(f.calls[1].form), { token: 'rt', token_type_hint: 'refresh_token', client_id: 'client-1' });
});

test('signOutUrl_IsCognitosLogoutWithClientAndReturn', () => {
  const url = new URL(signOutUrl(AUTH, 'https://app.example/'));
  assert.equal(url.origin + url.pathname, AUTH.logoutUrl);
  assert.equal(url.searchParams.get('client_id'), 'client-1');
  assert.equal(url.searchParams.get('logout_uri'), 'https://app.example/');
  assert.equal(signOutUrl({ ...AUTH, logoutUrl: null }, 'x'), null);
  assert.equal(appUrl({ origin: 'https://d1.cloudfront.net', pathname: '/index.html' }), 'https://d1.cloudfront.net/');
});

test('sessionFromTokens_ReadsWhoAndRoles_AndCountsTheLifetimeOnThisClock', () => {
  const claims = { sub: 'u-1', 'cognito:username': 'ann', 'cognito:groups': ['operators', 'other'], iat: 5_000_000, exp: 5_003_600, nonce: 'n1' };
  const made = sessionFromTokens({ id_token: idToken(claims), refresh_token: 'rt', expires_in: 3600 }, { now: 1000, nonce: 'n1' });
  assert.equal(made.ok, true);
  assert.deepEqual(made.session, { token: made.session.token, user: 'ann', roles: ['operator'], expiresMs: 1000 + 3_600_000, issuedMs: 1000, refreshToken: 'rt', kind: 'oauth' });

  const shorter = sessionFromTokens({ id_token: idToken({ ...claims, exp: claims.iat + 600 }), expires_in: 3600 }, { now: 0, previous: { refreshToken: 'kept' } });
  assert.equal(shorter.session.expiresMs, 600_000);
  assert.equal(shorter.session.refreshToken, 'kept', 'a refresh answer without a refresh token keeps the old one (Cognito does not rotate it)');

  assert.equal(sessionFromTokens({ id_token: idToken(claims) }, { now: 0, nonce: 'other' }).ok, false);
  for (const body of [null, {}, { id_token: 'a.b' }, { id_token: idToken({ sub: '' , exp: 1 }) }, { id_token: idToken({ sub: 'x' }) }, { id_token: idToken({ sub: 'x', exp: 5 }) }]) {
    assert.equal(sessionFromTokens(body, { now: 0 }).ok, false, JSON.stringify(body));
  }
});

test('rolesFromGroups_ReadsAsTheServersDo', () => {
  assert.deepEqual(rolesFromGroups(['renters']), ['renter']);
  assert.deepEqual(rolesFromGroups(['Operators', 'renter']), ['operator', 'renter']);
  assert.deepEqual(rolesFromGroups('[operators renters]'), ['operator', 'renter']);
  assert.deepEqual(rolesFromGroups(undefined), []);
  assert.deepEqual(rolesFromGroups([1, null, 'admins']), []);
});

test('refreshDelayMs_TenMinutesEarly_OrHalfwayForShortTokens', () => {
  assert.equal(refreshDelayMs({ issuedMs: 0, expiresMs: 3_600_000 }, 0), 3_600_000 - REFRESH_LEAD_MS);
  assert.equal(refreshDelayMs({ issuedMs: 0, expiresMs: 600_000 }, 0), 300_000);
  assert.equal(refreshDelayMs({ issuedMs: 0, expiresMs: 600_000 }, 900_000), 0);
});

test('idTokenClaimsAndSessionFromTokens_NeverThrowOnGarbage', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const alphabet = 'ab.-_=+/{}":eyJ0\u00e9 ';
  for (let i = 0; i < 20000; i++) {
    const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    idTokenClaims(text);
    sessionFromTokens({ id_token: text, expires_in: random() * 10 }, { now: 0 });
  }
});

test('mergeConfig_TakesAUsableOAuthSignInOnly', () => {
  assert.equal(AUTH.mode, 'oauth');
  assert.deepEqual(AUTH.scopes, ['openid', 'email']);
  const base = { mode: 'oauth', clientId: 'c', authorizeUrl: 'https://a/oauth2/authorize', tokenUrl: 'https://a/oauth2/token' };
  assert.equal(mergeConfig({ auth: base }).auth.revokeUrl, null);
  assert.deepEqual(mergeConfig({ auth: { ...base, scopes: ['email'] } }).auth.scopes, ['openid', 'email']);
  assert.equal(mergeConfig({ auth: { ...base, tokenUrl: 'http://10.0.0.1/token' } }).auth.mode, 'local', 'credentials never go over plain http off this machine');
  assert.equal(mergeConfig({ auth: { ...base, tokenUrl: 'http://127.0.0.1:9/token', authorizeUrl: 'http://localhost:9/a' } }).auth.mode, 'oauth');
  for (const bad of [{ ...base, clientId: '' }, { ...base, authorizeUrl: 'javascript:alert(1)' }, { mode: 'saml' }, 'oauth', null]) {
    assert.equal(mergeConfig({ auth: bad }).auth.mode, 'local', JSON.stringify(bad));
  }
  assert.deepEqual(mergeConfig({ mqttAuthorizer: { name: 'tracker-dev-live', tokenParameter: 'token' } }).mqttAuthorizer, { name: 'tracker-dev-live', tokenParameter: 'token' });
  for (const bad of [{ name: 'a b', tokenParameter: 'token' }, { name: 'x' }, 'x', { name: 'x', tokenParameter: 'a&b' }]) {
    assert.equal(mergeConfig({ mqttAuthorizer: bad }).mqttAuthorizer, null, JSON.stringify(bad));
  }
});

test('session_OAuthKind_RoundTrips_AndANoticeIsReadOnce', () => {
  const storage = fakeStorage();
  const session = { token: 'a.b.c', user: 'ann', roles: ['renter'], expiresMs: 10, issuedMs: 1, refreshToken: 'rt', kind: 'oauth' };
  saveSession(storage, session);
  assert.deepEqual(loadSession(storage), session);
  saveSession(storage, { ...session, refreshToken: 5 });
  assert.equal(loadSession(storage), null);
  clearSession(storage);
  leaveNotice(storage, 'You have signed out.');
  assert.equal(takeNotice(storage), 'You have signed out.');
  assert.equal(takeNotice(storage), '');
});
