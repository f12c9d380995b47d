// The map: Leaflet with the offline basemap (land from Natural Earth 1:50m via world-atlas,
// converted to GeoJSON at build time, always drawn), and OpenStreetMap tiles on top only when a
// probe tile loads within a few seconds. Without internet (CI, a depot) nothing fails and nothing
// is broken: the tiles are simply never added.

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
 * @returns {{map: any, fleetRenderer: any, focusRenderer: any, basemapLoaded: Promise<boolean>}}
 *   the map, a canvas renderer for the fleet's markers (1,000 circles cost one canvas, not 1,000
 *   DOM nodes), an SVG renderer in a pane above it for the car view, and the basemap's arrival.
 */
export function createMap(element, config) {
  const L = globalThis.L;
  const map = L.map(element, {
    center: [20, 0],
    zoom: 2,
    minZoom: 2,
    maxZoom: 18,
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

  if (config.tileUrl && config.tileProbeUrl) {
    probeTile(config.tileProbeUrl, config.tileProbeTimeoutMs).then((ok) => {
      if (ok) {
        L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution, referrerPolicy: 'no-referrer' }).addTo(map);
      }
    });
  }

  return {
    map,
    fleetRenderer: L.canvas({ padding: 0.3 }),
    focusRenderer: L.svg({ pane: 'focus' }),
    basemapLoaded,
  };
}
