import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GAP_SKIP_MS, Playback, sampleAt, segmentAt, speedsOf } from '../src/playback.js';
import { columnsOf, pathOf } from '../src/speedchart.js';
import { RULES } from '../test-support/car-rules.js';

const pt = (ts, lat, lon, speedMmps = null) => ({ ts, latE7: Math.round(lat * 1e7), lonE7: Math.round(lon * 1e7), lat, lon, speedMmps });

test('sampleAt_BetweenFixes_InterpolatesPositionAndSpeed', () => {
  const pts = [pt(0, 10, 20, 1000), pt(1000, 11, 22, 3000)];
  const s = sampleAt(pts, speedsOf(pts, RULES), 250);
  assert.deepEqual(s, { lat: 10.25, lon: 20.5, speedMmps: 1500, index: 0 });
  assert.deepEqual(sampleAt(pts, speedsOf(pts, RULES), -5), { lat: 10, lon: 20, speedMmps: 1000, index: 0 });
  assert.deepEqual(sampleAt(pts, speedsOf(pts, RULES), 5000), { lat: 11, lon: 22, speedMmps: 3000, index: 1 });
});

test('sampleAt_AcrossTheAntimeridian_DoesNotSweepRoundTheWorld', () => {
  const pts = [pt(0, 0, 179.9), pt(1000, 0, -179.9)];
  assert.equal(sampleAt(pts, speedsOf(pts, RULES), 500).lon, 179.9);
});

test('speedsOf_UnknownSpeed_IsDerivedFromTheFixBefore', () => {
  const pts = [pt(0, 0, 0, null), pt(10000, 0.001, 0, null), pt(20000, 0.001, 0, 500)];
  const speeds = speedsOf(pts, RULES);
  assert.equal(speeds[0], null);
  assert.ok(Math.abs(speeds[1] - 11119) < 5, String(speeds[1]));
  assert.equal(speeds[2], 500);
});

test('segmentAt_FindsTheFixAtOrBefore', () => {
  const pts = [0, 10, 20, 30].map((ts) => ({ ts }));
  assert.deepEqual([-1, 0, 5, 10, 29, 30, 99].map((t) => segmentAt(pts, t)), [0, 0, 0, 1, 2, 3, 3]);
});

test('Playback_Advance_RunsAtTheRateAndStopsAtTheEnd', () => {
  const pts = [pt(0, 0, 0), pt(60000, 0, 1), pt(120000, 0, 2)];
  const p = new Playback(pts, RULES);
  p.setRate(60);
  p.play();
  p.advance(500); // 0.5 s real = 30 s playback
  assert.equal(p.t, 30000);
  p.advance(10000);
  assert.equal(p.t, 120000);
  assert.equal(p.playing, false);
  p.play(); // from the end: starts again
  assert.equal(p.t, 0);
});

test('Playback_LongGap_IsJumped', () => {
  const pts = [pt(0, 0, 0), pt(1000, 0, 0), pt(1000 + GAP_SKIP_MS + 1, 0, 1), pt(2000 + GAP_SKIP_MS + 1, 0, 1)];
  const p = new Playback(pts, RULES);
  p.setRate(1);
  p.play();
  p.advance(1500);
  assert.equal(p.t, 1500);
  p.advance(16);
  assert.equal(p.t, 1000 + GAP_SKIP_MS + 1);
});

test('Playback_SeekAndRate_AreClampedAndValidated', () => {
  const p = new Playback([pt(100, 0, 0), pt(200, 0, 0)], RULES);
  p.seek(0);
  assert.equal(p.t, 100);
  p.seek(1e9);
  assert.equal(p.t, 200);
  p.setRate(-1);
  p.setRate(Number.NaN);
  assert.equal(p.rate, 60);
  assert.throws(() => new Playback([], RULES), RangeError);
});

test('Playback_OneFix_NeverPlays', () => {
  const p = new Playback([pt(5, 1, 1)], RULES);
  p.play();
  assert.equal(p.playing, false);
  assert.deepEqual(p.sample(), { lat: 1, lon: 1, speedMmps: null, index: 0 });
});

test('columnsOf_KeepsEachColumnsPeak', () => {
  const pts = Array.from({ length: 1000 }, (_, i) => ({ ts: i * 1000 }));
  const speeds = pts.map((_, i) => (i === 500 ? 99999 : i % 7 === 0 ? null : 1000));
  const cols = columnsOf(pts, speeds, 100);
  assert.equal(cols.length, 100);
  assert.equal(Math.max(...cols.map((c) => c.max)), 99999);
  const d = pathOf(cols, 100000);
  assert.match(d, /^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+$/);
});

test('pathOf_UnknownColumns_BreakTheLine', () => {
  assert.equal(pathOf([{ t: 0, max: 0 }, null, { t: 2, max: 10 }], 10), 'M100.0 120.0M500.0 0.0');
});
