// The browser and the API agree about a car: the car-state corpus (test/fixtures/car-state-corpus.json)
// holds batches as cars send them and what the cloud's ingest and API made of them (written by
// tests/Tracker.Cloud.Tests, CarStateCorpus.cs, which holds the file to the C# side). Here the same
// batches, decoded from the same bytes, go through the web app's store; it must reject the same fixes
// by the same filters, keep the same ones, and show the same newest position, moving flag and state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCarRules, stateOf, FILTER_NAMES } from '../src/carrules.js';
import { FleetStore } from '../src/fleetstore.js';
import { distanceCm } from '../src/geomath.js';
import { pointFromFix } from '../src/point.js';
import { decodeBatch } from '../src/wire.js';
import { CORPUS, RULES } from '../test-support/car-rules.js';

const bytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));

/**
 * @param {object} c a corpus case.
 * @returns {{rejected: Array<object>, stored: number[], latest: {ts: number, moving: boolean}|null, state: string}} what the store says.
 */
function runInTheBrowser(c) {
  const clock = { now: 0 };
  const store = new FleetStore({ rules: RULES, now: () => clock.now });
  const rejected = [];
  const accepted = new Set();
  for (const batch of c.batches) {
    clock.now = batch.receivedMs;
    const decoded = decodeBatch(bytes(batch.hex));
    assert.ok(decoded.ok, `${c.name}: the batch does not decode (${decoded.error})`);
    const points = decoded.fixes.map(pointFromFix);
    const verdicts = store.applyFixes(c.carId, points);
    const counts = {};
    verdicts.forEach((v, i) => {
      if (v === null) accepted.add(points[i].ts);
      else counts[v] = (counts[v] ?? 0) + 1;
    });
    rejected.push(counts);
  }
  clock.now = c.nowMs;
  store.refresh();
  const car = store.cars.get(c.carId);
  return {
    rejected,
    stored: [...accepted].sort((a, b) => a - b),
    latest: car.latest === null ? null : { ts: car.latest.ts, moving: car.moving },
    state: car.state,
  };
}

test('CarStateCorpus_TheBrowserAgreesWithIngestAndTheApi_OnEveryCase', () => {
  assert.ok(CORPUS.cases.length >= 60);
  for (const c of CORPUS.cases) {
    const seen = runInTheBrowser(c);
    assert.deepEqual(seen.rejected, c.expected.rejected, `${c.name}: filters`);
    assert.deepEqual(seen.stored, c.expected.stored, `${c.name}: the fixes kept`);
    assert.deepEqual(seen.latest, c.expected.latest, `${c.name}: the newest position`);
    // Without a position the API answers 404; the map shows the car offline.
    assert.equal(seen.state, c.expected.state ?? 'offline', `${c.name}: the state`);
  }
});

test('CarStateCorpus_GeoMathPort_GivesTheFirmwaresDistances', () => {
  assert.ok(CORPUS.distances.length >= 300);
  for (const [lat1, lon1, lat2, lon2, cm] of CORPUS.distances) {
    assert.equal(distanceCm(lat1, lon1, lat2, lon2), cm, `${lat1},${lon1} to ${lat2},${lon2}`);
  }
});

test('readCarRules_TheCorpusRules_ReadWhole', () => {
  assert.deepEqual([...RULES.filters], FILTER_NAMES);
  assert.equal(RULES.offlineAfterMs, CORPUS.rules.offlineAfterMs);
  assert.ok(Object.isFrozen(RULES));
});

test('readCarRules_MissingOrMalformed_IsNoRulesAtAll', () => {
  const good = CORPUS.rules;
  for (const bad of [
    undefined, null, 7, 'rules', [], {},
    { ...good, movingThresholdMmps: -1 },
    { ...good, offlineAfterMs: '1800000' },
    { ...good, maxSpeedKmh: 1.5 },
    { ...good, maxHdopX100: Number.NaN },
    { ...good, filters: 'zero' },
    { ...good, filters: ['zero', 'static'] },
  ]) {
    assert.equal(readCarRules(bad), null, JSON.stringify(bad));
  }
  assert.notEqual(readCarRules({ ...good, maxFutureSkewMs: 0, filters: [] }), null);
});

test('FleetStore_WithoutRules_Refuses', () => {
  assert.throws(() => new FleetStore({}), TypeError);
  assert.throws(() => new FleetStore({ rules: null }), TypeError);
});

test('stateOf_IsOfflinePastTheOfflineTime_ElseMovingOrStopped', () => {
  const t = 1_000_000;
  assert.equal(stateOf(RULES, t, true, t + RULES.offlineAfterMs), 'moving');
  assert.equal(stateOf(RULES, t, false, t + RULES.offlineAfterMs), 'stopped');
  assert.equal(stateOf(RULES, t, false, t + RULES.offlineAfterMs + 1), 'offline');
});
