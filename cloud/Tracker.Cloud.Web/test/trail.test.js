import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trail, lowerBound } from '../src/trail.js';
import { seeded } from '../test-support/random.js';

const p = (ts) => ({ ts, lat: ts / 1e6, lon: 0, speedMmps: null });

test('Trail_NewestFirstThenBacklog_EndsInTimeOrderWithTheNewestLatest', () => {
  // After a reconnect: the newest fix, then the backlog oldest first (Uplink/README.md).
  const trail = new Trail(100);
  assert.equal(trail.insert(p(100)), 'newest');
  assert.equal(trail.insert(p(10)), 'older');
  assert.equal(trail.insert(p(20)), 'older');
  assert.equal(trail.insert(p(30)), 'older');
  assert.equal(trail.insert(p(110)), 'newest');
  assert.deepEqual(trail.points.map((x) => x.ts), [10, 20, 30, 100, 110]);
  assert.equal(trail.latest.ts, 110);
});

test('Trail_SameTimeTwice_KeepsTheFirst', () => {
  const trail = new Trail(10);
  const first = p(5);
  trail.insert(first);
  assert.equal(trail.insert({ ...p(5), lat: 9 }), 'duplicate');
  assert.equal(trail.points.length, 1);
  assert.equal(trail.points[0], first);
});

test('Trail_OverCapacity_DropsTheOldest', () => {
  const trail = new Trail(3);
  for (const ts of [1, 2, 3, 4]) trail.insert(p(ts));
  assert.deepEqual(trail.points.map((x) => x.ts), [2, 3, 4]);
  assert.equal(trail.insert(p(0)), 'dropped');
  assert.equal(trail.insert(p(3.5)), 'older');
  assert.deepEqual(trail.points.map((x) => x.ts), [3, 3.5, 4]);
});

test('Trail_AnyArrivalOrder_IsSortedAndUnique', () => {
  const rnd = seeded(77);
  const trail = new Trail(1000);
  const seen = new Set();
  for (let i = 0; i < 2000; i++) {
    const ts = rnd.below(800);
    seen.add(ts);
    trail.insert(p(ts));
  }
  assert.deepEqual(trail.points.map((x) => x.ts), [...seen].sort((a, b) => a - b));
  assert.equal(trail.before(400).ts < 400, true);
  assert.equal(trail.before(-1), null);
});

test('lowerBound_FindsTheFirstNotLess', () => {
  const pts = [1, 3, 3, 7].map((ts) => ({ ts }));
  assert.deepEqual([0, 1, 2, 3, 7, 8].map((t) => lowerBound(pts, t)), [0, 0, 1, 1, 3, 4]);
});

test('Trail_ZeroCapacity_IsAProgrammingError', () => {
  assert.throws(() => new Trail(0), RangeError);
});
