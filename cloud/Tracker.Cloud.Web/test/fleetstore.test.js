import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetStore } from '../src/fleetstore.js';
import { pointFromFix } from '../src/point.js';
import { RULES } from '../test-support/car-rules.js';

const OFFLINE_AFTER_MS = RULES.offlineAfterMs;

const T0 = 1_800_000_000_000;

function fixAt(ts, speedMmps, lat = 39.5) {
  return pointFromFix({ ts, latE7: Math.round(lat * 1e7), lonE7: -1198000000, altCm: null, speedMmps, courseCdeg: null, hdopX100: null, satellites: null, mode: 3, quality: 1 });
}

function storeAt(ms) {
  const clock = { now: ms };
  return { clock, store: new FleetStore({ rules: RULES, now: () => clock.now }) };
}

test('FleetStore_NewCar_IsOfflineUntilItHasAPosition', () => {
  const { store } = storeAt(T0);
  store.ensure('car-1');
  assert.equal(store.cars.get('car-1').state, 'offline');
  assert.deepEqual(store.counts, { moving: 0, stopped: 0, offline: 1 });
});

test('FleetStore_Location_TakesTheCloudsMovingFlag', () => {
  const { store } = storeAt(T0);
  store.applyLocation('car-1', { ...fixAt(T0 - 1000, 0), moving: true });
  store.applyLocation('car-2', { ...fixAt(T0 - 1000, 20000), moving: false });
  assert.equal(store.cars.get('car-1').state, 'moving');
  assert.equal(store.cars.get('car-2').state, 'stopped');
  assert.deepEqual(store.counts, { moving: 1, stopped: 1, offline: 0 });
});

test('FleetStore_LiveFixes_MovingAtFiveKmhAndAbove', () => {
  const { store } = storeAt(T0);
  store.applyFixes('car-1', [fixAt(T0, 1389)]);
  assert.equal(store.cars.get('car-1').state, 'moving');
  store.applyFixes('car-1', [fixAt(T0 + 1000, 1388)]);
  assert.equal(store.cars.get('car-1').state, 'stopped');
});

test('FleetStore_FixWithoutSpeed_DerivesItFromThePreviousPosition', () => {
  const { store } = storeAt(T0 + 10000);
  store.applyFixes('car-1', [fixAt(T0, 0, 39.5)]);
  // 0.001 degree of latitude (111 m) in 10 s: 11 m/s.
  store.applyFixes('car-1', [fixAt(T0 + 10000, null, 39.501)]);
  assert.equal(store.cars.get('car-1').state, 'moving');
});

test('FleetStore_NewestFirstThenBacklog_LatestIsTheNewestByTime', () => {
  const { store } = storeAt(T0 + 60000);
  store.applyFixes('car-1', [fixAt(T0 + 60000, 0)]);
  store.applyFixes('car-1', [fixAt(T0 + 10000, 20000), fixAt(T0 + 20000, 20000)]);
  assert.equal(store.cars.get('car-1').latest.ts, T0 + 60000);
  assert.equal(store.cars.get('car-1').state, 'stopped');
});

test('FleetStore_FixFromTheFuture_IsNotTakenAsLatest', () => {
  const { store } = storeAt(T0);
  store.applyFixes('car-1', [fixAt(T0 - 5000, 0)]);
  store.applyFixes('car-1', [fixAt(T0 + 3600000, 0)]);
  assert.equal(store.cars.get('car-1').latest.ts, T0 - 5000);
});

test('FleetStore_OfflineStatus_UntilAFixOrAnOnlineStatus', () => {
  const { store } = storeAt(T0);
  store.applyFixes('car-1', [fixAt(T0, 0)]);
  store.applyStatus('car-1', { kind: 'offline' });
  assert.equal(store.cars.get('car-1').state, 'offline');
  store.applyStatus('car-1', { kind: 'online', moving: false });
  assert.equal(store.cars.get('car-1').state, 'stopped');
  store.applyStatus('car-1', { kind: 'offline' });
  store.applyFixes('car-1', [fixAt(T0 + 1000, 5000)]);
  assert.equal(store.cars.get('car-1').state, 'moving');
});

test('FleetStore_NoFixForTheOfflineTime_GoesOfflineOnRefresh', () => {
  const { clock, store } = storeAt(T0);
  store.applyFixes('car-1', [fixAt(T0, 0)]);
  clock.now = T0 + OFFLINE_AFTER_MS;
  store.refresh();
  assert.equal(store.cars.get('car-1').state, 'stopped');
  clock.now = T0 + OFFLINE_AFTER_MS + 1;
  store.refresh();
  assert.equal(store.cars.get('car-1').state, 'offline');
  assert.deepEqual(store.counts, { moving: 0, stopped: 0, offline: 1 });
});

test('FleetStore_DirtyAndTransitions_AreTakenOnce', () => {
  const { store } = storeAt(T0);
  store.applyFixes('car-1', [fixAt(T0, 0)]);
  store.applyFixes('car-2', [fixAt(T0, 9000)]);
  assert.deepEqual(store.takeDirty().sort(), ['car-1', 'car-2']);
  assert.deepEqual(store.takeDirty(), []);
  assert.deepEqual(store.takeTransitions(), [
    { carId: 'car-1', from: 'offline', to: 'stopped' },
    { carId: 'car-2', from: 'offline', to: 'moving' },
  ]);
  assert.deepEqual(store.takeTransitions(), []);
});

test('FleetStore_Listeners_HearFixesInTimeOrder', () => {
  const { store } = storeAt(T0);
  const heard = [];
  store.fixListeners.add((carId, points) => heard.push([carId, points.map((x) => x.ts)]));
  store.applyFixes('car-1', [fixAt(T0, 0), fixAt(T0 - 2000, 0), fixAt(T0 - 1000, 0)]);
  assert.deepEqual(heard, [['car-1', [T0 - 2000, T0 - 1000, T0]]]);
});

test('FleetStore_CountsStayConsistent_OverManyCars', () => {
  const { clock, store } = storeAt(T0);
  for (let i = 0; i < 1000; i++) store.applyFixes(`car-${i}`, [fixAt(T0 - i * 1000, i % 3 === 0 ? 9000 : 0)]);
  clock.now = T0 + OFFLINE_AFTER_MS - 500 * 1000;
  store.refresh();
  const counts = { moving: 0, stopped: 0, offline: 0 };
  for (const car of store.cars.values()) counts[car.state]++;
  assert.deepEqual(store.counts, counts);
  assert.equal(counts.offline, 499);
});
