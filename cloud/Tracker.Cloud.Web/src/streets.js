// The generated town's streets on the map: the local host serves them (map/town.geojson, the very
// polylines its simulated cars drive along), so the map shows where a car is even offline. Streets
// are drawn OpenStreetMap-style on one canvas (a pale casing under a coloured line, wider as you
// zoom in), and their names along them from zoom 12 (the ring), 13 (arterials) and 15 (every
// street), only those in view, thinned out at low zoom so that names never crowd. Absent on a deployment without a generated town: then nothing is drawn.

/** Where the host serves the town, relative to the page. */
export const TOWN_URL = 'map/town.geojson';

/** Most labels on screen at once: enough for any street-level view, cheap for the DOM. */
const MAX_LABELS = 250;

/** Least distance on screen between two names of one street, pixels (then a town view stays readable). */
const LABEL_GAP_PX = 260;

/** The export's spacing of label anchors along a street, metres (Tracker.Simulation TownMap.LabelSpacingM). */
const ANCHOR_SPACING_M = 600;

/** Line colours and widths by class: casing (outline) and fill, widths in pixels at zoom 16. */
const STYLE = Object.freeze({
  highway: { casing: '#b45309', fill: '#f59e0b', width: 9 },
  arterial: { casing: '#c9a227', fill: '#fde68a', width: 7 },
  ramp: { casing: '#c9a227', fill: '#fde68a', width: 6 },
  residential: { casing: '#c9c4ba', fill: '#ffffff', width: 5 },
});

/** The lowest zoom at which a class's names show. */
const LABEL_ZOOM = Object.freeze({ highway: 12, arterial: 13, ramp: 15, residential: 15 });

/**
 * Line width at a zoom: the zoom-16 width, halving every two levels out, never under a hairline.
 * @param {number} base width at zoom 16.
 * @param {number} zoom the map's zoom.
 * @returns {number} pixels.
 */
export function streetWidth(base, zoom) {
  return Math.max(0.6, base * 2 ** ((zoom - 16) / 2));
}

/**
 * Checks the parsed town and keeps what can be drawn: the area polygon and the streets, each
 * with its name, class and label anchors. Anything malformed is dropped, never thrown.
 * @param {any} geojson the parsed file.
 * @returns {{name: string, bbox: number[]|null, area: any|null, streets: Array<{name: string, cls: string, lines: number[][][], labels: number[][]}>}|null}
 */
export function readTown(geojson) {
  if (geojson === null || typeof geojson !== 'object' || geojson.type !== 'FeatureCollection' || !Array.isArray(geojson.features)) {
    return null;
  }
  const point = (p) => Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1])
    && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
  let area = null;
  const streets = [];
  for (const f of geojson.features) {
    const props = f?.properties ?? {};
    const g = f?.geometry;
    if (props.kind === 'area' && g?.type === 'Polygon' && Array.isArray(g.coordinates)) {
      area = f;
    } else if (props.kind === 'street' && g?.type === 'MultiLineString' && Array.isArray(g.coordinates) && typeof props.name === 'string') {
      const lines = g.coordinates.filter((l) => Array.isArray(l) && l.length >= 2 && l.every(point));
      const cls = Object.hasOwn(STYLE, props.class) ? props.class : 'residential';
      const labels = Array.isArray(props.labels) ? props.labels.filter((l) => point(l) && Number.isFinite(l[2])) : [];
      if (lines.length > 0) streets.push({ name: props.name, cls, lines, labels });
    }
  }
  const box = Array.isArray(geojson.bbox) && geojson.bbox.length === 4 && geojson.bbox.every(Number.isFinite) ? geojson.bbox : null;
  return { name: typeof geojson.name === 'string' ? geojson.name : 'Town', bbox: box, area, streets };
}

/** @param {string} text @returns {string} the text with HTML's special characters escaped. */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/**
 * Draws the town on the map: the built-up area, the streets (casing then fill, highways on top)
 * and the names of those in view.
 * @param {any} map the Leaflet map.
 * @param {ReturnType<typeof readTown>} town what readTown kept.
 * @returns {{layer: any, labelsShown: () => number, streets: number, bounds: any|null, nearest: (lat: number, lon: number) => string|null}}
 */
export function drawTown(map, town) {
  const L = globalThis.L;
  map.createPane('town').style.zIndex = '240';
  map.createPane('streets').style.zIndex = '260';
  const labelPane = map.createPane('streetLabels');
  labelPane.style.zIndex = '380';
  labelPane.style.pointerEvents = 'none';
  labelPane.setAttribute('aria-hidden', 'true');

  const group = L.layerGroup();
  if (town.area !== null) {
    L.geoJSON(town.area, {
      pane: 'town',
      interactive: false,
      style: { stroke: false, fillColor: '#e9e5dc', fillOpacity: 1 },
    }).addTo(group);
  }

  const renderer = L.canvas({ pane: 'streets', padding: 0.5 });
  const order = ['residential', 'ramp', 'arterial', 'highway'];
  const lines = [];
  for (const part of ['casing', 'fill']) {
    for (const cls of order) {
      for (const street of town.streets.filter((s) => s.cls === cls)) {
        const latlngs = street.lines.map((line) => line.map(([lon, lat]) => [lat, lon]));
        const line = L.polyline(latlngs, { renderer, interactive: false, lineCap: 'round', lineJoin: 'round', color: STYLE[cls][part] });
        line.trackerStyle = { cls, part };
        line.addTo(group);
        lines.push(line);
      }
    }
  }
  const restyle = () => {
    const zoom = map.getZoom();
    for (const line of lines) {
      const { cls, part } = line.trackerStyle;
      const w = streetWidth(STYLE[cls].width, zoom);
      line.setStyle({ weight: part === 'casing' ? w + Math.max(1, w / 4) : w });
    }
  };

  const anchors = [];
  for (const street of town.streets) {
    street.labels.forEach(([lon, lat, angle], index) => {
      anchors.push({ lat, lon, angle, index, name: street.name, minZoom: LABEL_ZOOM[street.cls], marker: null });
    });
  }
  const labels = L.layerGroup();
  let shown = 0;
  const relabel = () => {
    labels.clearLayers();
    shown = 0;
    if (!map.hasLayer(group)) return;
    const zoom = map.getZoom();
    const view = map.getBounds().pad(0.1);
    // Web Mercator metres per pixel at the town's latitude: every n-th anchor keeps names LABEL_GAP_PX apart.
    const metresPerPixel = (40075016.7 * Math.cos((map.getCenter().lat * Math.PI) / 180)) / (256 * 2 ** zoom);
    const stride = Math.max(1, Math.round((LABEL_GAP_PX * metresPerPixel) / ANCHOR_SPACING_M));
    for (const a of anchors) {
      if (shown >= MAX_LABELS) break;
      if (zoom < a.minZoom || a.index % stride !== 0 || !view.contains([a.lat, a.lon])) continue;
      if (a.marker === null) {
        a.marker = L.marker([a.lat, a.lon], {
          pane: 'streetLabels',
          interactive: false,
          keyboard: false,
          icon: L.divIcon({
            className: 'street-label',
            html: `<span style="transform: translate(-50%, -50%) rotate(${a.angle}deg)">${escapeHtml(a.name)}</span>`,
            iconSize: [0, 0],
          }),
        });
      }
      a.marker.addTo(labels);
      shown++;
    }
  };
  group.addTo(map);
  labels.addTo(map);
  restyle();
  relabel();
  map.on('zoomend', restyle);
  map.on('zoomend moveend', relabel);
  map.on('overlayadd overlayremove', relabel);

  const segments = [];
  for (const street of town.streets) {
    for (const line of street.lines) {
      for (let i = 1; i < line.length; i++) segments.push({ name: street.name, a: line[i - 1], b: line[i] });
    }
  }

  return {
    layer: group,
    labels,
    labelsShown: () => shown,
    streets: town.streets.length,
    bounds: town.bbox === null ? null : L.latLngBounds([town.bbox[1], town.bbox[0]], [town.bbox[3], town.bbox[2]]),
    nearest: (lat, lon) => nearestStreet(segments, lat, lon),
  };
}

/**
 * The street nearest a point, and the next one if it is a crossing close by ("Elm Street at
 * 14th Avenue"), or null when no street is within 60 m (a car off the map, or a replayed drive).
 * @param {Array<{name: string, a: number[], b: number[]}>} segments the streets' segments, [lon, lat].
 * @param {number} lat latitude.
 * @param {number} lon longitude.
 * @returns {string|null} the description.
 */
export function nearestStreet(segments, lat, lon) {
  const mx = 111320 * Math.cos((lat * Math.PI) / 180);
  const my = 110540;
  const byName = new Map();
  for (const s of segments) {
    const ax = (s.a[0] - lon) * mx; const ay = (s.a[1] - lat) * my;
    const bx = (s.b[0] - lon) * mx; const by = (s.b[1] - lat) * my;
    const dx = bx - ax; const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2));
    const d = Math.hypot(ax + t * dx, ay + t * dy);
    if (d < (byName.get(s.name) ?? Infinity)) byName.set(s.name, d);
  }
  const near = [...byName.entries()].filter(([, d]) => d <= 60).sort((p, q) => p[1] - q[1]);
  if (near.length === 0) return null;
  if (near.length > 1 && near[1][1] <= 25) return `${near[0][0]} at ${near[1][0]}`;
  return near[0][0];
}
