// The fleet's markers on one canvas of their own (issue 19: 10,000 cars).
//
// Measured first (tracker-local-benchmark --browser-fleet, README "Performance"): with one Leaflet
// circleMarker a car on Leaflet's canvas renderer, 10,000 cars each moving every 5 s held the
// page at a frame p50 of 83 ms and p99 of 533 ms, and the same page without the markers at 16.7 ms
// and 100 ms: the markers were the cost. Leaflet redraws the union of the moved markers' areas,
// which with cars all over the town is the whole canvas, one path and two paint calls a marker,
// plus its bookkeeping per layer (events, bounds, a tooltip each).
//
// Here the cars are plain records; a frame that changed any redraws the canvas once, copying a
// marker drawn once per state colour (a sprite) to each car inside the drawn area: a path of
// 10,000 circles, filled and stroked, cost as much to rasterise as Leaflet's markers did. A car's projection to pixels is kept until the zoom changes. Clustering
// was the other choice: it would hide where the cars are at the zoom an operator watches a town at,
// and it is not needed once drawing costs a few milliseconds.
//
// The canvas takes no pointer events: a click or hover on the map is matched to the nearest car
// within a few pixels, which opens the car or shows its id as the markers' tooltips did. The list,
// not the canvas, is the accessible way to a car.

/** Marker radius, px (as the circle markers were). */
export const RADIUS = 6;

/** The canvas reaches this far beyond the view on each side (a fraction of it), so a pan shows cars before it ends. */
const PADDING = 0.1;

/** How near (px) to a marker's centre a click or hover picks its car. */
const PICK_PX = RADIUS + 3;

/**
 * @param {{L: any, map: any, colours: Record<string, string>, onOpen: (carId: string) => void}} options
 * @returns the layer.
 */
export function createFleetCanvas(options) {
  const { L, map, colours, onOpen } = options;
  /** @type {Map<string, {lat: number, lon: number, state: string, hidden: boolean, zoom: number|null, x: number, y: number}>} */
  const cars = new Map();
  const canvas = L.DomUtil.create('canvas', 'fleet-canvas leaflet-zoom-animated');
  canvas.setAttribute('aria-hidden', 'true');
  canvas.style.pointerEvents = 'none';
  map.getPane('overlayPane').appendChild(canvas);
  const ctx = canvas.getContext('2d');
  const tooltip = L.tooltip({ direction: 'top', offset: [0, -RADIUS] });
  let queued = null;
  let hoverQueued = null;
  let hoverPoint = null;
  let hovered = null;
  let shown = 0;
  /** The canvas's top-left corner as a latitude/longitude, for the zoom animation. */
  let cornerLatLng = null;
  let drawn = 0;

  function project(car, zoom) {
    const p = map.project([car.lat, car.lon], zoom);
    car.x = p.x;
    car.y = p.y;
    car.zoom = zoom;
  }

  /** Redraws every car in the canvas's area. */
  function draw() {
    queued = null;
    if (map._animatingZoom) return; // zoomend draws at the new zoom
    lastDraw = performance.now();
    const size = map.getSize();
    const pad = size.multiplyBy(PADDING).round();
    const topLeft = map.containerPointToLayerPoint([0, 0]).subtract(pad);
    const width = size.x + 2 * pad.x;
    const height = size.y + 2 * pad.y;
    const ratio = globalThis.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    L.DomUtil.setPosition(canvas, topLeft);
    cornerLatLng = map.layerPointToLatLng(topLeft);
    const zoom = map.getZoom();
    const origin = map.getPixelOrigin();
    const dx = origin.x + topLeft.x;
    const dy = origin.y + topLeft.y;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = 0;
    for (const [state, colour] of Object.entries(colours)) {
      const sprite = spriteOf(colour, ratio);
      const half = sprite.width / 2;
      for (const car of cars.values()) {
        if (car.state !== state || car.hidden) continue;
        if (car.zoom !== zoom) project(car, zoom);
        const x = car.x - dx;
        const y = car.y - dy;
        if (x < -RADIUS || y < -RADIUS || x > width + RADIUS || y > height + RADIUS) continue;
        // Whole device pixels: a plain copy of the sprite, no resampling.
        ctx.drawImage(sprite, Math.round(x * ratio - half), Math.round(y * ratio - half));
        drawn++;
      }
    }
  }

  /** @type {Map<string, HTMLCanvasElement>} */
  const sprites = new Map();
  /** A marker drawn once (a filled circle with a white ring) at the screen's pixel ratio, copied for every car. */
  function spriteOf(colour, ratio) {
    const key = `${colour}@${ratio}`;
    let sprite = sprites.get(key);
    if (sprite === undefined) {
      sprite = document.createElement('canvas');
      const side = Math.ceil((2 * RADIUS + 2) * ratio);
      sprite.width = side;
      sprite.height = side;
      const c = sprite.getContext('2d');
      c.scale(ratio, ratio);
      c.beginPath();
      c.arc(side / ratio / 2, side / ratio / 2, RADIUS, 0, 2 * Math.PI);
      c.fillStyle = colour;
      c.fill();
      c.lineWidth = 1.5;
      c.strokeStyle = '#ffffff';
      c.stroke();
      sprites.set(key, sprite);
    }
    return sprite;
  }

  const schedule = () => {
    if (queued === null) queued = globalThis.requestAnimationFrame(draw);
  };
  // Live moves are drawn at most every cars/10 ms (1,000 cars: every frame the app paints; 10,000:
  // once a second, the bound for a live fix to show), so the drawing's cost a second stays
  // flat as the fleet grows. A pan or zoom is drawn at once.
  let lastDraw = -Infinity;
  let held = null;
  const scheduleLive = () => {
    if (queued !== null || held !== null) return;
    const wait = lastDraw + Math.min(1000, cars.size / 10) - performance.now();
    if (wait <= 0) {
      schedule();
      return;
    }
    held = setTimeout(() => {
      held = null;
      schedule();
    }, wait);
  };

  // Leaflet's zoom animation scales the panes; the canvas follows it as Leaflet's own renderers do,
  // and is drawn again at the new zoom when it ends.
  const onZoomAnim = (e) => {
    if (cornerLatLng === null) return;
    const scale = map.getZoomScale(e.zoom, map.getZoom());
    L.DomUtil.setTransform(canvas, map._latLngToNewLayerPoint(cornerLatLng, e.zoom, e.center), scale);
  };

  /** The visible car nearest a container point, within PICK_PX; null when none. */
  function pick(point) {
    const zoom = map.getZoom();
    const origin = map.getPixelOrigin();
    const layer = map.containerPointToLayerPoint(point);
    const px = layer.x + origin.x;
    const py = layer.y + origin.y;
    let best = null;
    let bestD = PICK_PX * PICK_PX;
    for (const [carId, car] of cars) {
      if (car.hidden) continue;
      if (car.zoom !== zoom) project(car, zoom);
      const d = (car.x - px) ** 2 + (car.y - py) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = carId;
      }
    }
    return best;
  }

  const onClick = (e) => {
    if (map.getContainer().classList.contains('drawing')) return; // the zone editor takes the clicks
    const carId = pick(e.containerPoint);
    if (carId !== null) onOpen(carId);
  };
  const hover = () => {
    hoverQueued = null;
    const carId = hoverPoint === null ? null : pick(hoverPoint);
    if (carId === hovered) return;
    hovered = carId;
    map.getContainer().classList.toggle('fleet-hover', carId !== null);
    if (carId === null) {
      tooltip.remove();
      return;
    }
    const car = cars.get(carId);
    tooltip.setLatLng([car.lat, car.lon]).setContent(carId);
    if (!map.hasLayer(tooltip)) tooltip.addTo(map);
  };
  const onMouseMove = (e) => {
    hoverPoint = e.containerPoint;
    if (hoverQueued === null) hoverQueued = globalThis.requestAnimationFrame(hover);
  };
  const onMouseOut = () => {
    hoverPoint = null;
    if (hoverQueued === null) hoverQueued = globalThis.requestAnimationFrame(hover);
  };

  map.on('moveend zoomend viewreset resize', schedule);
  map.on('zoomanim', onZoomAnim);
  map.on('click', onClick);
  map.on('mousemove', onMouseMove);
  map.on('mouseout', onMouseOut);
  schedule();

  return {
    /**
     * Places or moves a car's marker, and colours it by state; drawn at the next frame.
     * @param {string} carId the car.
     * @param {number} lat latitude.
     * @param {number} lon longitude.
     * @param {string} state moving, stopped or offline.
     */
    set(carId, lat, lon, state) {
      let car = cars.get(carId);
      if (car === undefined) {
        car = { lat, lon, state, hidden: false, zoom: null, x: 0, y: 0 };
        cars.set(carId, car);
        shown++;
      } else if (car.lat === lat && car.lon === lon && car.state === state) {
        return;
      }
      if (car.lat !== lat || car.lon !== lon) car.zoom = null;
      car.lat = lat;
      car.lon = lon;
      car.state = state;
      if (hovered === carId) tooltip.setLatLng([lat, lon]);
      if (!car.hidden) scheduleLive();
    },

    /**
     * Hides a car's marker (the car view draws its own) or shows it again.
     * @param {string} carId the car.
     * @param {boolean} hidden whether to hide it.
     */
    setHidden(carId, hidden) {
      const car = cars.get(carId);
      if (car === undefined || car.hidden === hidden) return;
      car.hidden = hidden;
      shown += hidden ? -1 : 1;
      schedule();
    },

    /** @returns {number} cars with a marker shown. */
    get shown() {
      return shown;
    },

    /** @returns {number} markers in the last drawing (those inside the canvas's area). */
    get drawn() {
      return drawn;
    },

    /**
     * @param {string} carId the car.
     * @returns {{lat: number, lng: number}|null} its marker's position.
     */
    latLng(carId) {
      const car = cars.get(carId);
      return car === undefined ? null : { lat: car.lat, lng: car.lon };
    },

    /**
     * The car whose marker is at a container point (tests click the map through this).
     * @param {{x: number, y: number}} point container pixels.
     * @returns {string|null} the car.
     */
    pick(point) {
      return pick(L.point(point.x, point.y));
    },

    /** Removes the canvas and its listeners. */
    destroy() {
      if (queued !== null) globalThis.cancelAnimationFrame(queued);
      if (held !== null) clearTimeout(held);
      if (hoverQueued !== null) globalThis.cancelAnimationFrame(hoverQueued);
      map.off('moveend zoomend viewreset resize', schedule);
      map.off('zoomanim', onZoomAnim);
      map.off('click', onClick);
      map.off('mousemove', onMouseMove);
      map.off('mouseout', onMouseOut);
      tooltip.remove();
      map.getContainer().classList.remove('fleet-hover');
      canvas.remove();
      cars.clear();
      shown = 0;
    },
  };
}
