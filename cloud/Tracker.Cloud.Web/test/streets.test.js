// The town map's reader and the street lookup (src/streets.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nearestStreet, readTown, streetWidth } from '../src/streets.js';
import { seeded } from '../test-support/random.js';

const town = {
  type: 'FeatureCollection',
  name: 'Generated town, seed 1',
  bbox: [-119.9, 39.4, -119.7, 39.6],
  features: [
    { type: 'Feature', properties: { kind: 'area', name: 'x' }, geometry: { type: 'Polygon', coordinates: [[[-119.9, 39.4], [-119.7, 39.4], [-119.7, 39.6], [-119.9, 39.4]]] } },
    { type: 'Feature', properties: { kind: 'street', name: 'Elm Street', class: 'residential', labels: [[-119.8, 39.5, -90]] }, geometry: { type: 'MultiLineString', coordinates: [[[-119.8, 39.49], [-119.8, 39.51]]] } },
    { type: 'Feature', properties: { kind: 'street', name: '14th Avenue', class: 'arterial', labels: [] }, geometry: { type: 'MultiLineString', coordinates: [[[-119.81, 39.5], [-119.79, 39.5]]] } },
  ],
};

test('readTown keeps the area and the streets with their classes and labels', () => {
  const t = readTown(town);
  assert.equal(t.streets.length, 2);
  assert.deepEqual(t.streets.map((s) => s.cls), ['residential', 'arterial']);
  assert.deepEqual(t.bbox, [-119.9, 39.4, -119.7, 39.6]);
  assert.ok(t.area !== null);
  assert.equal(t.streets[0].labels.length, 1);
});

test('readTown drops what is malformed and never throws', () => {
  for (const bad of [null, 1, 'x', [], {}, { type: 'Feature' }, { type: 'FeatureCollection' }]) {
    assert.equal(readTown(bad), null);
  }
  const t = readTown({
    type: 'FeatureCollection',
    bbox: [1, 2, 'x', 4],
    features: [
      null,
      { properties: { kind: 'street', name: 5 }, geometry: { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]]] } },
      { properties: { kind: 'street', name: 'A', class: 'spaceport' }, geometry: { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[0, 0]], [[999, 0], [0, 0]], 'x'] } },
      { properties: { kind: 'street', name: 'B' }, geometry: { type: 'MultiLineString', coordinates: [[['a', 0], [1, 1]]] } },
      { properties: { kind: 'street', name: 'C', labels: [[0, 0], [0, 0, 'x'], [0, 0, 10]] }, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } },
    ],
  });
  assert.equal(t.bbox, null);
  assert.deepEqual(t.streets.map((s) => [s.name, s.cls, s.lines.length]), [['A', 'residential', 1]]);
});

test('nearestStreet names the street under a car, and the crossing when it is at one', () => {
  const t = readTown(town);
  const segments = t.streets.flatMap((s) => s.lines.flatMap((l) => l.slice(1).map((b, i) => ({ name: s.name, a: l[i], b }))));
  assert.equal(nearestStreet(segments, 39.495, -119.80002), 'Elm Street');
  assert.equal(nearestStreet(segments, 39.50001, -119.805), '14th Avenue');
  assert.equal(nearestStreet(segments, 39.50001, -119.80001), 'Elm Street at 14th Avenue');
  assert.equal(nearestStreet(segments, 39.45, -119.85), null);
});

test('streets widen as the map zooms in and never vanish', () => {
  assert.equal(streetWidth(8, 16), 8);
  assert.equal(streetWidth(8, 18), 16);
  assert.equal(streetWidth(8, 14), 4);
  assert.ok(streetWidth(8, 2) >= 0.6);
});

// The API names trip ends with the same streets (Tracker.Cloud.Derive StreetLabeller); both read this corpus.
const corpus = JSON.parse(readFileSync(new URL('./fixtures/places-corpus.json', import.meta.url), 'utf8'));
const corpusSegments = () => {
  const t = readTown(corpus.town);
  return t.streets.flatMap((s) => s.lines.flatMap((l) => l.slice(1).map((b, i) => ({ name: s.name, a: l[i], b }))));
};

test('nearestStreet names every position of the corpus shared with the API as the API names it', () => {
  const segments = corpusSegments();
  assert.ok(corpus.cases.length >= 10);
  for (const c of corpus.cases) {
    assert.equal(nearestStreet(segments, c.latE7 / 1e7, c.lonE7 / 1e7), c.street, c.what);
  }
});

test('nearestStreet fuzzed with NaN, infinities and positions off the globe is a street of the town or null, never a throw', () => {
  const segments = corpusSegments();
  const names = new Set(['Elm Street', '14th Avenue', 'Ring Highway']);
  const r = seeded(1717);
  const odd = [NaN, Infinity, -Infinity, 1e308, -1e308, 91, -91, 181, -181, 0, 39.5, -119.8];
  for (let i = 0; i < 3000; i++) {
    const lat = i % 3 === 0 ? r.pick(odd) : 39.4 + (r.below(200000) / 1e6);
    const lon = i % 5 === 0 ? r.pick(odd) : -119.9 + (r.below(200000) / 1e6);
    const s = nearestStreet(segments, lat, lon);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) assert.equal(s, null, `${lat}, ${lon}`);
    assert.ok(s === null || names.has(s) || s.split(' at ').every((n) => names.has(n)), `${lat}, ${lon}: ${s}`);
  }
});
