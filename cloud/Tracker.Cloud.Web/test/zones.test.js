import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distanceM, isZoneId, newZoneId, readZone, refusalText, zoneBody } from '../src/zones.js';
import { seeded } from '../test-support/random.js';

test('zoneBody_APolygon_IsSentWithSevenDecimals', () => {
  const made = zoneBody({ name: ' Depot ', shape: { kind: 'polygon', points: [[39.123456789, -119.8], [39.2, -119.8], [39.2, -119.7]] } });
  assert.deepEqual(made, { ok: true, body: { name: 'Depot', scope: 'fleet', returnZone: false, polygon: [[39.1234568, -119.8], [39.2, -119.8], [39.2, -119.7]] } });
});

test('zoneBody_ACircle_RoundsItsRadius_AndAnEditKeepsItsScope', () => {
  const made = zoneBody({ name: 'Lot', scope: 'rental', rentalId: 'r1', returnZone: true, shape: { kind: 'circle', lat: 1, lon: 2, radiusM: 150.6 } });
  assert.deepEqual(made.body, { name: 'Lot', scope: 'rental', rentalId: 'r1', returnZone: true, circle: { lat: 1, lon: 2, radiusM: 151 } });
});

test('zoneBody_Unfinished_SaysWhatIsMissing', () => {
  assert.match(zoneBody({ name: '', shape: null }).error, /name/);
  assert.match(zoneBody({ name: 'a', shape: { kind: 'polygon', points: [[1, 2], [2, 3]] } }).error, /at least 3/);
  assert.match(zoneBody({ name: 'a', shape: { kind: 'circle', lat: 1, lon: 2, radiusM: null } }).error, /edge/);
});

test('readZone_WhatTheApiLists_IsRead_AndMalformedOnesDropped', () => {
  assert.equal(readZone({ id: 'depot-1', name: 'Depot', scope: 'fleet', returnZone: true, circle: { lat: 1, lon: 2, radiusM: 100 } }).shape.kind, 'circle');
  assert.equal(readZone({ id: 'p', name: 'P', polygon: [[1, 2], [1, 3], [2, 3]] }).shape.points.length, 3);
  for (const bad of [null, {}, { id: 'a b', name: 'x', circle: { lat: 1, lon: 2, radiusM: 1 } }, { id: 'a', name: 'x', circle: { lat: 100, lon: 2, radiusM: 1 } },
    { id: 'a', name: 'x', circle: { lat: 1, lon: 2, radiusM: -1 } }, { id: 'a', name: 'x', polygon: [[1, 2], [1, 3]] },
    { id: 'a', name: 'x', polygon: [[1, 2], [1, 'x'], [2, 3]] }, { id: 'a', name: 'x' }]) {
    assert.equal(readZone(bad), null, JSON.stringify(bad));
  }
});

test('readZone_RandomJson_NeverThrows', () => {
  const r = seeded(7);
  const values = [null, 0, -1, 1e9, 'x', [], {}, [1, 2], [[1, 2]], true, NaN];
  for (let i = 0; i < 2000; i++) {
    const json = { id: r.pick(['z', 'a b', '', 5]), name: r.pick(['n', 3]), circle: r.pick([undefined, { lat: r.pick(values), lon: r.pick(values), radiusM: r.pick(values) }]), polygon: r.pick([undefined, ...values]) };
    readZone(json);
  }
});

test('newZoneId_IsAValidPathId_AndDiffersForTheSameName', () => {
  const r = seeded(3);
  const random = () => r.next() / 2 ** 32;
  const a = newZoneId('Depot Nord / Ost', random);
  const b = newZoneId('Depot Nord / Ost', random);
  assert.ok(isZoneId(a) && isZoneId(b), `${a} ${b}`);
  assert.notEqual(a, b);
  assert.ok(isZoneId(newZoneId('!!!', random)));
});

test('refusalText_ShowsTheServersReason', () => {
  assert.equal(refusalText({ status: 400, problem: { title: 'Bad request', detail: "'zone' the polygon intersects itself." } }), "The zone was refused: 'zone' the polygon intersects itself.");
  assert.match(refusalText({ status: 0, problem: { title: 'x' } }), /cannot be reached/);
});

test('distanceM_OneDegreeOfLatitude_IsAbout111Km', () => {
  assert.ok(Math.abs(distanceM(0, 0, 1, 0) - 111_195) < 10);
});
