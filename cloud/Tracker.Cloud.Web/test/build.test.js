// scripts/build.mjs: deterministic, idempotent, loud on a missing input, and what it ships.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'tracker-web-build-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function build(...args) {
  return spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), ...args], { encoding: 'utf8' });
}

function tree(dir) {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[full.slice(dir.length + 1)] = readFileSync(full).toString('base64');
    }
  };
  walk(dir);
  return out;
}

const first = join(work, 'a');
const result = build('--out', first);

test('build_Succeeds_AndWritesTheApp', () => {
  assert.equal(result.status, 0, result.stderr);
  const files = Object.keys(tree(first));
  for (const f of ['index.html', 'main.js', 'wire.js', 'status.js', 'app.css', 'config.json', 'build-manifest.json',
    'vendor/leaflet.js', 'vendor/leaflet.css', 'vendor/images/layers.png', 'vendor/mqtt.min.js', 'basemap/land-50m.geojson']) {
    assert.ok(files.includes(f), `dist has no ${f}`);
  }
});

test('build_Twice_IsByteIdentical', () => {
  const second = join(work, 'b');
  assert.equal(build('--out', second).status, 0);
  assert.deepEqual(tree(second), tree(first));
  // Idempotent in place: building over an existing output gives the same tree.
  assert.equal(build('--out', second).status, 0);
  assert.deepEqual(tree(second), tree(first));
});

test('build_MissingInput_FailsNamingIt', () => {
  const r = build('--out', join(work, 'c'), '--modules', join(work, 'no-such-node-modules'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^build failed: missing input: .*leaflet\.js \(run npm ci\)/);
  const bad = build('--out');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--out needs a directory/);
});

test('build_Basemap_IsGeoJsonUnderAMegabyteWithNoRingAcrossTheWorld', () => {
  const text = readFileSync(join(first, 'basemap/land-50m.geojson'), 'utf8');
  assert.ok(text.length < 1024 * 1024, `${text.length} bytes`);
  const geojson = JSON.parse(text);
  assert.equal(geojson.type, 'FeatureCollection');
  const polygons = geojson.features[0].geometry.coordinates;
  assert.ok(polygons.length > 1000);
  for (const polygon of polygons) {
    for (const ring of polygon) {
      assert.ok(ring.length >= 4);
      assert.deepEqual(ring[0], ring[ring.length - 1], 'rings are closed');
      for (let i = 1; i < ring.length; i++) {
        // A jump of half the world between neighbours would draw a line across the map; only
        // the edge along a pole (Antarctica's, off a Mercator map) may run round the world.
        const alongPole = Math.abs(ring[i][1]) === 90 && ring[i][1] === ring[i - 1][1];
        assert.ok(alongPole || Math.abs(ring[i][0] - ring[i - 1][0]) < 180, `jump at ${ring[i - 1]} -> ${ring[i]}`);
      }
    }
  }
});

test('build_Manifest_ListsEveryFileWithItsHash', () => {
  const manifest = JSON.parse(readFileSync(join(first, 'build-manifest.json'), 'utf8'));
  const files = tree(first);
  assert.equal(manifest.files.length, Object.keys(files).length - 1);
  for (const f of manifest.files) assert.equal(Buffer.from(files[f.path], 'base64').length, f.bytes);
});
