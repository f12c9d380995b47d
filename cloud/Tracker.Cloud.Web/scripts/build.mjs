// Builds the web app into dist/ (or --out DIR): plain node, no bundler. The app is vanilla ES
// modules, so "building" is copying them with the vendored libraries and converting the offline
// basemap from TopoJSON to GeoJSON.
//
//   node scripts/build.mjs [--out DIR] [--modules DIR]
//
// Deterministic and idempotent: the output directory is emptied first, files are written in a
// fixed order, nothing depends on the clock or the machine, and build-manifest.json lists every
// file with its SHA-256, so two builds of the same inputs are byte-identical. A missing input
// (most often: `npm ci` was not run) stops the build with exit code 1 and a message naming it.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

class BuildError extends Error {}

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new BuildError(`${name} needs a directory`);
  return resolve(value);
}

function need(path, hint) {
  if (!existsSync(path)) {
    const shown = relative(root, path);
    throw new BuildError(`missing input: ${shown.startsWith('..') ? path : shown}${hint ? ` (${hint})` : ''}`);
  }
  return path;
}

/** Every file under dir, sorted, as paths relative to dir with '/' separators. */
function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/**
 * Land polygons from Natural Earth 1:50m (world-atlas land-50m.json) as GeoJSON, coordinates
 * rounded to 0.01 degree (about 1.1 km), with points that the rounding makes equal dropped. At
 * 1:50 million a line 0.5 mm wide covers 25 km of ground, so the rounding removes nothing the
 * data holds, and it brings the file from 1.1 MB to under 1 MB.
 */
function convertBasemap(modules) {
  const topoPath = need(join(modules, 'world-atlas/land-50m.json'), 'run npm ci');
  // The package's CommonJS build (its src/ is ES modules without "type": "module").
  const { feature } = createRequire(import.meta.url)(need(join(modules, 'topojson-client/dist/topojson-client.js'), 'run npm ci'));
  let topology;
  try {
    topology = JSON.parse(readFileSync(topoPath, 'utf8'));
  } catch (e) {
    throw new BuildError(`${topoPath} is not JSON: ${e.message}`);
  }
  if (!topology || topology.type !== 'Topology' || !topology.objects || !topology.objects.land) {
    throw new BuildError(`${topoPath} has no 'land' object`);
  }
  const land = feature(topology, topology.objects.land);
  const geometries = land.type === 'FeatureCollection' ? land.features.map((f) => f.geometry) : [land.geometry];
  const round = (v) => Math.round(v * 100) / 100;
  const ring = (coords) => {
    const out = [];
    // world-atlas is spherical (made for d3-geo, which cuts at the antimeridian itself): a ring
    // that crosses it jumps from +180 to -180, and Leaflet, drawing in the plane, would join the
    // two with a line across the world. So longitudes are unwrapped (shifted by 360 at a jump),
    // and a ring that goes round a pole (Antarctica) is closed along that pole.
    let offset = 0;
    let previous = null;
    for (const [x0, y] of coords) {
      if (previous !== null) {
        const d = x0 + offset - previous;
        if (d > 180) offset -= 360;
        else if (d < -180) offset += 360;
      }
      const x = x0 + offset;
      previous = x;
      const p = [round(x), round(y)];
      const last = out[out.length - 1];
      if (last === undefined || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
    }
    // Unwrapping may leave the ring a turn or more away: bring its middle back into [-180, 180].
    if (out.length > 0) {
      const mean = out.reduce((sum, p) => sum + p[0], 0) / out.length;
      const shift = -360 * Math.round(mean / 360);
      if (shift !== 0) for (const p of out) p[0] = round(p[0] + shift);
    }
    if (out.length > 0 && Math.abs(out[out.length - 1][0] - out[0][0]) >= 180) {
      const pole = out.reduce((sum, p) => sum + p[1], 0) < 0 ? -90 : 90;
      out.push([out[out.length - 1][0], pole], [out[0][0], pole], [...out[0]]);
    }
    return out;
  };
  const polygons = [];
  for (const g of geometries) {
    const list = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    for (const polygon of list) {
      // A ring needs four positions (RFC 7946 §3.1.6): tiny islands that round away are dropped,
      // and so are rings with no height (the pole itself, a line in the plane).
      const rings = polygon.map(ring).filter((r) => r.length >= 4 && r.some((p) => p[1] !== r[0][1]));
      if (rings.length > 0) polygons.push(rings);
    }
  }
  if (polygons.length === 0) {
    throw new BuildError('the basemap came out empty');
  }
  return JSON.stringify({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { source: 'Natural Earth 1:50m land, via world-atlas 2' }, geometry: { type: 'MultiPolygon', coordinates: polygons } }],
  });
}

async function build() {
  const out = option('--out', join(root, 'dist'));
  const modules = option('--modules', join(root, 'node_modules'));
  const src = need(join(root, 'src'));
  need(join(src, 'index.html'));

  /** @type {Array<[string, Buffer|string]>} output path -> content, in a fixed order */
  const files = [];

  // The app: every file of src/, as it is.
  for (const name of listFiles(src)) {
    files.push([name, readFileSync(join(src, name))]);
  }
  const html = readFileSync(join(src, 'index.html'), 'utf8');
  // A CSP of script-src 'self' forbids inline scripts and handlers: refuse to build one.
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html) || /\son[a-z]+\s*=/i.test(html)) {
    throw new BuildError('src/index.html has an inline script or event handler attribute; move it into a module');
  }

  // Vendored libraries, from node_modules (the versions package-lock.json pins).
  const leaflet = join(modules, 'leaflet/dist');
  const vendor = [
    [join(leaflet, 'leaflet.js'), 'vendor/leaflet.js'],
    [join(leaflet, 'leaflet.css'), 'vendor/leaflet.css'],
    [join(leaflet, 'images/layers.png'), 'vendor/images/layers.png'],
    [join(leaflet, 'images/layers-2x.png'), 'vendor/images/layers-2x.png'],
    [join(leaflet, 'images/marker-icon.png'), 'vendor/images/marker-icon.png'],
    [join(leaflet, 'images/marker-icon-2x.png'), 'vendor/images/marker-icon-2x.png'],
    [join(leaflet, 'images/marker-shadow.png'), 'vendor/images/marker-shadow.png'],
    [join(modules, 'leaflet/LICENSE'), 'vendor/LICENSE-leaflet.txt'],
    [join(modules, 'mqtt/dist/mqtt.min.js'), 'vendor/mqtt.min.js'],
    [join(modules, 'mqtt/LICENSE.md'), 'vendor/LICENSE-mqtt.txt'],
    [join(modules, 'world-atlas/LICENSE'), 'basemap/LICENSE-world-atlas.txt'],
  ];
  for (const [from, to] of vendor) {
    files.push([to, readFileSync(need(from, 'run npm ci'))]);
  }
  files.push(['basemap/land-50m.geojson', convertBasemap(modules)]);
  files.push(['basemap/README.txt', 'Land polygons: Natural Earth (public domain), 1:50m, as redistributed in TopoJSON by the world-atlas npm package (ISC licence, LICENSE-world-atlas.txt), converted to GeoJSON by scripts/build.mjs.\n']);
  files.push(['config.json', `${JSON.stringify({
    apiBase: '',
    mqttUrl: null,
    tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    tileProbeUrl: 'https://tile.openstreetmap.org/0/0/0.png',
    tileProbeTimeoutMs: 3000,
  }, null, 2)}\n`]);

  files.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const manifest = files.map(([name, content]) => ({
    path: name,
    bytes: Buffer.byteLength(content),
    sha256: createHash('sha256').update(content).digest('hex'),
  }));

  rmSync(out, { recursive: true, force: true });
  for (const [name, content] of files) {
    const path = join(out, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  writeFileSync(join(out, 'build-manifest.json'), `${JSON.stringify({ files: manifest }, null, 1)}\n`);

  const total = manifest.reduce((n, f) => n + f.bytes, 0);
  const basemap = manifest.find((f) => f.path === 'basemap/land-50m.geojson');
  console.log(`built ${relative(process.cwd(), out) || out}: ${manifest.length} files, ${(total / 1024).toFixed(0)} KiB (basemap ${(basemap.bytes / 1024).toFixed(0)} KiB)`);
}

build().catch((e) => {
  console.error(`build failed: ${e instanceof BuildError ? e.message : e.stack ?? e}`);
  process.exit(1);
});
