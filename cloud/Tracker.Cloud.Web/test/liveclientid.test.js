import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connectLive } from '../src/live.js';
import { liveClientId, ownerTag, sha256, tokenSubject } from '../src/liveclientid.js';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const jwt = (claims) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

test('sha256_KnownAnswers_FromFips180', () => {
  assert.equal(hex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(hex(sha256(new TextEncoder().encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    hex(sha256(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test('sha256_EveryLengthAroundTheBlockEdges_AsNodeCrypto', () => {
  for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4097]) {
    const bytes = randomBytes(length);
    assert.equal(hex(sha256(bytes)), createHash('sha256').update(bytes).digest('hex'), `length ${length}`);
  }
});

test('ownerTag_IsTheFirst32HexOfSha256OfTheSubject_AsTheAuthorizer', () => {
  // The same values as Tracker.Cloud.Tests LiveClientIdsTests (the authorizer's side).
  assert.equal(ownerTag('4c8e2a1f-renter-0001'), 'e2544cf48a07f0a2c9171086f22abcac');
  assert.equal(ownerTag('opérateur-ü'), '8b49a223a9ccff9a06d622ac50420247');
});

test('tokenSubject_ReadsSub_AndGarbageIsNull', () => {
  assert.equal(tokenSubject(jwt({ sub: 'u-1', exp: 1 })), 'u-1');
  for (const bad of ['', 'jwt', 'a.b', 'a.!!!.c', `e30.${Buffer.from('not json').toString('base64url')}.s`, jwt({ sub: 7 }), jwt({ sub: '' }), jwt([1]), jwt(null), 'a.b.c.d', undefined, `e30.${Buffer.from([0xff, 0xfe]).toString('base64url')}.s`]) {
    assert.equal(tokenSubject(bad), null, String(bad));
  }
});

test('liveClientId_CarriesTheOwnerTag_ThenRandomHex', () => {
  const id = liveClientId(jwt({ sub: '4c8e2a1f-renter-0001' }), () => 0.5);
  assert.equal(id, 'web-e2544cf48a07f0a2c9171086f22abcac-8000000080000000');
  assert.ok(id.length <= 128 && /^web-[0-9a-f]{32}-[0-9a-f]{16}$/.test(id));
  assert.equal(liveClientId('opaque', () => 0), 'web-0000000000000000');
});

test('connectLive_ClientIdFromTheTokensSubject', () => {
  const lib = { calls: [], connect(url, options) { lib.calls.push(options); return { on() {}, reconnect() {} }; } };
  const token = jwt({ sub: 'op-7' });
  connectLive({ mqttLib: lib, url: 'wss://h/mqtt', authorizer: { name: 'a', tokenParameter: 'token' }, user: 'op', getToken: () => token, onMessage: () => {}, onState: () => {}, random: () => 0.25 });
  assert.equal(lib.calls[0].clientId, `web-${ownerTag('op-7')}-4000000040000000`);
});
