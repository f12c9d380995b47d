// The map: Leaflet with the offline basemap (land from Natural Earth 1:50m via world-atlas,
// converted to GeoJSON at build time, always drawn), the local host's generated town when it
// serves one (streets with names, src/streets.js: the roads its simulated cars drive), and an
// online tile layer (config.json's tileUrl, OpenStreetMap by default) when a probe tile loads
// within a few seconds. Without internet (CI, a depot) nothing fails: the tiles are never offered.
//
// Which is the base: with a generated town, the town (real tiles would show other streets than
// the ones the cars drive; the layer control offers them); without one (a deployment with real
// cars, a replayed drive), the tiles when they can be reached.

import { TOWN_URL, drawTown, readTown } from './streets.js';

/** Where the build puts the basemap (scripts/build.mjs). */
export const BASEMAP_URL = 'basemap/land-50m.geojson';

/**
 * Probes a tile: resolves true when the image loads within the timeout, false otherwise. The
 * image is dropped either way.
 * @param {string} url the probe tile.
 * @param {number} timeoutMs how long to wait.
 * @returns {Promise<boolean>} whether tiles can be reached.
 */
export function probeTile(url, timeoutMs) {
  return new Promise((resolve) => {
    const img = new Image();
    let done = false;
    const finish = (ok) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      img.onload = null;
      img.onerror = null;
      img.src = '';
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    img.onload = () => finish(img.naturalWidth > 0);
    img.onerror = () => finish(false);
    img.referrerPolicy = 'no-referrer';
    img.src = url;
  });
}

/**
 * Creates the map in `element`.
 * @param {HTMLElement} element the container (it keeps its aria-label: Leaflet adds none).
 * @param {{tileUrl: string|null, tileProbeUrl: string|null, tileProbeTimeoutMs: number,
 *   tileAttribution: string}} config from config.json.
 * @returns {{map: any, focusRenderer: any, basemapLoaded: Promise<boolean>,
 *   townLoaded: Promise<boolean>, nearestStreet: (lat: number, lon: number) => string|null,
 *   info: () => {town: boolean, streets: number, labels: number, base: string, tiles: string|null,
 *   zoom: number, size: number[]}}}
 *   the map (the fleet's markers draw on a canvas of their own, src/fleetcanvas.js), an SVG
 *   renderer in a pane above the overlay pane for the car view, the basemap's and the town's
 *   arrival, the street nearest a point (null without a town), and what the map shows (tests).
 */
export function createMap(element, config) {
  const L = globalThis.L;
  const map = L.map(element, {
    center: [20, 0],
    zoom: 2,
    minZoom: 2,
    maxZoom: 19,
    worldCopyJump: true,
    preferCanvas: true,
    zoomSnap: 0.5,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Basemap: Natural Earth');

  // Below the tile pane (200), so that tiles, once they load, cover it.
  map.createPane('basemap').style.zIndex = '150';
  // Above the fleet markers (overlay pane 400), below popups and tooltips.
  map.createPane('focus').style.zIndex = '450';

  const basemapLoaded = fetch(BASEMAP_URL)
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((geojson) => {
      L.geoJSON(geojson, {
        pane: 'basemap',
        interactive: false,
        renderer: L.canvas({ pane: 'basemap', padding: 0.5 }),
        style: { color: '#9ca3af', weight: 0.6, fillColor: '#f1efe4', fillOpacity: 1 },
      }).addTo(map);
      return true;
    })
    .catch((e) => {
      console.warn('offline basemap not loaded', e);
      return false;
    });

  const state = { town: null, tiles: null };
  const plain = L.layerGroup().addTo(map);

  // The town, if the host has one (a 404 means none: a deployment, or cars replaying a log).
  const townLoaded = fetch(TOWN_URL, { cache: 'no-cache' })
    .then((r) => (r.ok ? r.json() : null))
    .then((geojson) => {
      const town = geojson === null ? null : readTown(geojson);
      if (town === null || town.streets.length === 0) return false;
      state.town = drawTown(map, town);
      // Framing, not a move the user asked for: at once, so that no zoom animation still running can
      // land after (and undo) the fleet's or a car's framing that follows.
      if (state.town.bounds !== null && map.getZoom() < 10) map.fitBounds(state.town.bounds, { animate: false });
      map.attributionControl.addAttribution('Streets: generated town');
      return true;
    })
    .catch((e) => {
      console.warn('town not loaded', e);
      return false;
    });

  if (config.tileUrl && config.tileProbeUrl) {
    Promise.all([probeTile(config.tileProbeUrl, config.tileProbeTimeoutMs), townLoaded]).then(([ok, hasTown]) => {
      if (!ok) return;
      const tiles = L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution, referrerPolicy: 'no-referrer' });
      state.tiles = config.tileUrl;
      const overlays = state.town === null ? {} : { 'Generated town streets': state.town.layer };
      L.control.layers({ 'Offline map': plain, 'Online tiles': tiles }, overlays, { collapsed: true }).addTo(map);
      if (!hasTown) {
        map.removeLayer(plain);
        tiles.addTo(map);
      }
    });
  }

  return {
    map,
    focusRenderer: L.svg({ pane: 'focus' }),
    basemapLoaded,
    townLoaded,
    nearestStreet: (lat, lon) => (state.town === null ? null : state.town.nearest(lat, lon)),
    info: () => ({
      town: state.town !== null,
      streets: state.town === null ? 0 : state.town.streets,
      labels: state.town === null ? 0 : state.town.labelsShown(),
      base: map.hasLayer(plain) ? 'plain' : state.tiles === null ? 'plain' : 'tiles',
      tiles: state.tiles,
      zoom: map.getZoom(),
      size: [map.getSize().x, map.getSize().y],
    }),
  };
}
