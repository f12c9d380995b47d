import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearSession, isOperator, loadSession, saveSession, sessionFromLogin } from '../src/session.js';
import { activeRental, cleanRentals, nextBoundary, nextRental } from '../src/rentals.js';
import { isCarId, parseTopic, fixesTopic, liveTopic, statusTopic } from '../src/topics.js';
import { mergeConfig, DEFAULT_CONFIG } from '../src/config.js';

function fakeStorage() {
  const map = new Map();
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)), removeItem: (k) => map.delete(k), map };
}

const LOGIN = { token: 'abc.def.ghi', user: 'ops', roles: ['operator'], expiresMs: 1764000000000 };

test('session_SavedThenLoaded_IsTheSame', () => {
  const storage = fakeStorage();
  saveSession(storage, sessionFromLogin(LOGIN));
  assert.deepEqual(loadSession(storage), LOGIN);
  clearSession(storage);
  assert.equal(loadSession(storage), null);
});

test('session_UnreadableStorage_IsNoSession', () => {
  const storage = fakeStorage();
  storage.setItem('tracker.session', '{not json');
  assert.equal(loadSession(storage), null);
  storage.setItem('tracker.session', JSON.stringify({ ...LOGIN, roles: 'operator' }));
  assert.equal(loadSession(storage), null);
  const throwing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); }, removeItem: () => { throw new Error('x'); } };
  assert.equal(loadSession(throwing), null);
  saveSession(throwing, LOGIN);
  clearSession(throwing);
});

test('sessionFromLogin_MissingFields_IsNull', () => {
  for (const key of Object.keys(LOGIN)) {
    const body = { ...LOGIN };
    delete body[key];
    assert.equal(sessionFromLogin(body), null, key);
  }
  assert.equal(sessionFromLogin(null), null);
  assert.equal(sessionFromLogin({ ...LOGIN, token: '' }), null);
  assert.equal(isOperator(LOGIN), true);
  assert.equal(isOperator({ ...LOGIN, roles: ['renter'] }), false);
});

const H = 3600000;
const rentals = cleanRentals([
  { carId: 'car-0001', fromMs: 10 * H, toMs: 20 * H },
  { carId: 'car-0002', fromMs: 30 * H, toMs: 40 * H },
  { carId: 'bad', fromMs: 5, toMs: 1 },
  null,
  { carId: 'car-0003' },
]);

test('rentals_Malformed_AreDropped', () => {
  assert.deepEqual(rentals.map((r) => r.carId), ['car-0001', 'car-0002']);
  assert.deepEqual(cleanRentals('x'), []);
});

test('activeRental_FromInclusiveToExclusive', () => {
  assert.equal(activeRental(rentals, 10 * H - 1), null);
  assert.equal(activeRental(rentals, 10 * H).carId, 'car-0001');
  assert.equal(activeRental(rentals, 20 * H), null);
  assert.equal(nextRental(rentals, 20 * H).carId, 'car-0002');
  assert.equal(nextRental(rentals, 35 * H), null);
});

test('nextBoundary_IsTheNextStartOrEnd', () => {
  assert.equal(nextBoundary(rentals, 0), 10 * H);
  assert.equal(nextBoundary(rentals, 15 * H), 20 * H);
  assert.equal(nextBoundary(rentals, 20 * H), 30 * H);
  assert.equal(nextBoundary(rentals, 40 * H), null);
});

test('topics_ThingNames_AreCheckedBeforeUse', () => {
  assert.equal(isCarId('car-0001'), true);
  assert.equal(isCarId('CAR_42:x'), true);
  for (const bad of ['', '+', '#', 'a/b', 'car 1', 'x'.repeat(129), 42, null]) assert.equal(isCarId(bad), false, String(bad));
  assert.equal(fixesTopic('car-1'), 'fleet/car-1/fixes');
  assert.equal(statusTopic('car-1'), 'fleet/car-1/status');
  assert.equal(liveTopic('car-1'), 'tracker/car-1/live');
});

test('parseTopic_OnlyFleetFixesAndStatus', () => {
  assert.deepEqual(parseTopic('fleet/car-0001/fixes'), { carId: 'car-0001', kind: 'fixes' });
  assert.deepEqual(parseTopic('fleet/car-0001/status'), { carId: 'car-0001', kind: 'status' });
  for (const t of ['fleet/car-0001/live', 'tracker/car-0001/live', 'fleet/+/fixes', 'fleet/a/b/fixes', 'fleet//fixes', '', 5]) {
    assert.equal(parseTopic(t), null, String(t));
  }
});

test('mergeConfig_KeepsOnlyWellTypedKeys', () => {
  assert.deepEqual(mergeConfig(null), DEFAULT_CONFIG);
  const c = mergeConfig({ apiBase: 'https://api.example', tileUrl: null, tileProbeTimeoutMs: -1, mqttUrl: 7, extra: 1 });
  assert.equal(c.apiBase, 'https://api.example');
  assert.equal(c.tileUrl, null);
  assert.equal(c.tileProbeTimeoutMs, 3000);
  assert.equal(c.mqttUrl, null);
  assert.equal('extra' in c, false);
});
