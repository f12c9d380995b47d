// The car view: one car, live. Its marker moves in the frame after a fix arrives; its trail
// holds the recent fixes in time order whatever order they arrive in; while it is open the
// viewer watches the car (src/watch.js); and the history form loads a range for playback with a
// speed chart. Used by operators (over the fleet) and by renters (their car alone).

import { carEventElements, createCarEvents } from './carevents.js';
import { fetchHistory } from './history.js';
import { pointFromLocation } from './point.js';
import { Playback, RATES } from './playback.js';
import { SpeedChart } from './speedchart.js';
import { STATE_COLOURS } from './fleetview.js';
import { age, clockTime, dateTime, fromDatetimeLocal, kmh, toDatetimeLocal } from './timefmt.js';
import { Trail } from './trail.js';
import { startWatch } from './watch.js';
import { fixesTopic, statusTopic } from './topics.js';
import { createScope } from './scope.js';

/** How far back the trail starts when the view opens. */
export const TRAIL_WINDOW_MS = 30 * 60 * 1000;

/** Most points the live trail keeps (about 33 minutes of 1 Hz fixes). */
export const TRAIL_CAPACITY = 2000;

const STATE_LABELS = { moving: 'Moving', stopped: 'Stopped', offline: 'Offline' };
const IGNITION_LABELS = { unknown: 'unknown', off: 'off', on: 'on' };

/**
 * Looks up the car panel's elements (index.html).
 * @param {Document} doc the document.
 * @returns the elements by role.
 */
export function carPanelElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    panel: $('car-panel'), title: $('car-title'), back: $('car-back'), badge: $('car-badge'), live: $('car-live'),
    facts: {
      time: $('fact-time'), speed: $('fact-speed'), course: $('fact-course'), position: $('fact-position'), street: $('fact-street'),
      ignition: $('fact-ignition'), supply: $('fact-supply'), signal: $('fact-signal'), queue: $('fact-queue'), firmware: $('fact-firmware'),
    },
    historyForm: $('history-form'), historyStart: $('history-start'), historyEnd: $('history-end'), historyLoad: $('history-load'),
    historyMessage: $('history-message'), playback: $('playback'), play: $('play'), rate: $('rate'), scrub: $('scrub'),
    readout: $('playback-readout'), chart: $('speed-chart'), chartMax: $('chart-max'),
    chartTop: $('chart-top'), chartStart: $('chart-start'), chartEnd: $('chart-end'),
  };
}

/**
 * Opens the car view.
 * @param {{L: any, map: any, renderer: any, store: import('./fleetstore.js').FleetStore,
 *   api: ReturnType<typeof import('./api.js').createApi>, live: any, elements: ReturnType<typeof carPanelElements>,
 *   carId: string, operator: boolean, window?: {fromMs: number, toMs: number}|null,
 *   subscribe: boolean, announce: (text: string) => void, requestFrame: () => void,
 *   nearestStreet?: (lat: number, lon: number) => string|null}} options
 *   `subscribe`: whether the view subscribes to the car's topics itself (renters; an operator's
 *   fleet subscription already covers it); `window`: the renter's rental, which bounds history;
 *   `nearestStreet`: the street at a position, from the town map (src/streets.js), if any.
 * @returns the view.
 */
export function openCarView(options) {
  const { L, map, renderer, store, api, elements: el, carId, operator } = options;
  const scope = createScope();
  const trail = new Trail(TRAIL_CAPACITY);
  const abort = new AbortController();
  scope.add(() => abort.abort());
  let trailDirty = true;
  let liveState = 'watching';
  let lastState = null;
  let recenter = true;

  // Layers, in the focus pane above the fleet: the trail, the history line, then the markers.
  const trailLine = L.polyline([], { renderer, color: '#1d4ed8', weight: 3, opacity: 0.75, interactive: false }).addTo(map);
  const historyLine = L.polyline([], { renderer, color: '#7c3aed', weight: 3, opacity: 0.85, dashArray: '6 4', interactive: false }).addTo(map);
  const playMarker = L.circleMarker([0, 0], { renderer, radius: 7, weight: 2, color: '#ffffff', fillColor: '#b45309', fillOpacity: 1, interactive: false });
  const marker = L.circleMarker([0, 0], { renderer, radius: 9, weight: 3, color: '#ffffff', fillColor: STATE_COLOURS.offline, fillOpacity: 1 });
  marker.bindTooltip(carId, { direction: 'top', offset: [0, -9] });
  let markerShown = false;
  scope.add(() => {
    trailLine.remove();
    historyLine.remove();
    playMarker.remove();
    marker.remove();
  });

  // The panel.
  el.panel.hidden = false;
  el.title.textContent = carId;
  el.back.hidden = !operator;
  el.live.textContent = '';
  for (const dd of Object.values(el.facts)) dd.textContent = '–';
  el.historyMessage.textContent = '';
  el.historyMessage.classList.remove('error');
  el.playback.hidden = true;
  setHistoryDefaults();
  scope.add(() => {
    el.panel.hidden = true;
  });

  // Live fixes: into the trail, in time order.
  const onFixes = (id, points) => {
    if (id !== carId) return;
    for (const p of points) trail.insert(p);
    trailDirty = true;
  };
  const onStatus = (id) => {
    if (id === carId) trailDirty = true;
  };
  store.fixListeners.add(onFixes);
  store.statusListeners.add(onStatus);
  scope.add(() => {
    store.fixListeners.delete(onFixes);
    store.statusListeners.delete(onStatus);
  });

  // Subscriptions (renters) and the watch command.
  if (options.subscribe) {
    const filters = [fixesTopic(carId), statusTopic(carId)];
    options.live.subscribe(filters).then((outcome) => {
      if (abort.signal.aborted) return;
      if (outcome.refused.length > 0) {
        liveState = 'refused';
        options.announce(`Live updates for ${carId} were refused.`);
        options.requestFrame();
      }
      // Asked again once the fixes are granted: a fix stored after the first answer and pushed
      // before the grant would otherwise be missed until the car's next report, which for a
      // parked car can be hours away.
      if (outcome.granted.includes(fixesTopic(carId))) loadLocation();
    });
    scope.add(() => options.live.unsubscribe(filters));
  }
  const watch = startWatch((topic, text) => options.live.publish(topic, text), carId);
  scope.add(() => watch.stop());

  // Ages in the panel tick on their own.
  scope.interval(() => {
    trailDirty = true;
    options.requestFrame();
  }, 1000);

  // Initial state: the latest position and the recent trail. (The car enters the store with its
  // first position, so a mistyped id in the URL never appears in the fleet list.)
  const loadLocation = () => api.location(carId, abort.signal).then((r) => {
    if (abort.signal.aborted) return;
    if (r.ok) {
      const p = pointFromLocation(r.data);
      if (p !== null) {
        store.applyLocation(carId, p);
        trail.insert(p);
        trailDirty = true;
        options.requestFrame();
      }
    } else if (r.status === 404) {
      el.facts.time.textContent = 'No position recorded yet';
    } else if (r.status === 403) {
      el.facts.time.textContent = 'Not visible to you';
    }
  });
  loadLocation();
  const now = Date.now();
  fetchHistory(api, carId, clampStart(now - TRAIL_WINDOW_MS), clampEnd(now), { signal: abort.signal, maxPoints: TRAIL_CAPACITY }).then((r) => {
    if (abort.signal.aborted || !r.ok) return;
    for (const p of r.points) trail.insert(p);
    trailDirty = true;
    options.requestFrame();
  });

  // The car's events (operators; issue 16): its timeline, and marks in a loaded history range.
  const events = operator && options.events !== false
    ? createCarEvents({ L, map, renderer, api, carId, elements: carEventElements(document), scope, seek: (t) => { playback?.seek(t); drawPlayback(); } })
    : null;
  events?.load();

  // History playback.
  let playback = null;
  let chart = null;
  let frame = null;
  let lastTick = 0;
  el.rate.replaceChildren(...RATES.map((r) => {
    const o = document.createElement('option');
    o.value = String(r);
    o.textContent = `${r}×`;
    return o;
  }));
  el.rate.value = '60';
  scope.listen(el.historyForm, 'submit', (event) => {
    event.preventDefault();
    loadHistory();
  });
  scope.listen(el.play, 'click', () => {
    if (playback === null) return;
    if (playback.playing) playback.pause();
    else playback.play();
    startLoop();
    drawPlayback();
  });
  scope.listen(el.rate, 'change', () => playback?.setRate(Number(el.rate.value)));
  scope.listen(el.scrub, 'input', () => {
    if (playback === null) return;
    playback.seek(Number(el.scrub.value));
    drawPlayback();
  });
  scope.add(() => {
    if (frame !== null) cancelAnimationFrame(frame);
    chart?.destroy();
  });

  function clampStart(ms) {
    return options.window ? Math.max(ms, options.window.fromMs) : ms;
  }

  function clampEnd(ms) {
    return options.window ? Math.min(ms, options.window.toMs) : ms;
  }

  function setHistoryDefaults() {
    const end = Math.ceil(Date.now() / 60000) * 60000;
    const w = options.window;
    el.historyEnd.value = toDatetimeLocal(w ? Math.min(end, w.toMs) : end);
    el.historyStart.value = toDatetimeLocal(w ? Math.max(end - 3600000, w.fromMs) : end - 3600000);
    for (const input of [el.historyStart, el.historyEnd]) {
      if (w) {
        input.min = toDatetimeLocal(w.fromMs);
        input.max = toDatetimeLocal(w.toMs);
      } else {
        input.removeAttribute('min');
        input.removeAttribute('max');
      }
    }
  }

  function historyMessage(text, isError) {
    el.historyMessage.textContent = text;
    el.historyMessage.classList.toggle('error', isError);
  }

  async function loadHistory() {
    const start = fromDatetimeLocal(el.historyStart.value);
    const end = fromDatetimeLocal(el.historyEnd.value);
    if (start === null || end === null) {
      historyMessage('Enter both a start and an end time.', true);
      return;
    }
    if (start >= end) {
      historyMessage('The start must be before the end.', true);
      return;
    }
    el.historyLoad.disabled = true;
    historyMessage('Loading…', false);
    const r = await fetchHistory(api, carId, start, end, {
      signal: abort.signal,
      onProgress: (n) => historyMessage(`Loading… ${n.toLocaleString('en')} fixes`, false),
    });
    if (abort.signal.aborted) return;
    el.historyLoad.disabled = false;
    if (!r.ok) {
      historyMessage(`History could not be loaded: ${r.problem.title}${r.problem.detail ? ` (${r.problem.detail})` : ''}`, true);
      return;
    }
    events?.loadRange(start, end);
    if (r.points.length === 0) {
      historyLine.setLatLngs([]);
      playMarker.remove();
      el.playback.hidden = true;
      playback = null;
      historyMessage('No fixes in that range.', false);
      return;
    }
    const pts = r.points;
    historyMessage(`${pts.length.toLocaleString('en')} fixes from ${dateTime(pts[0].ts)} to ${dateTime(pts[pts.length - 1].ts)}${r.truncated ? ' (the first ones only: choose a shorter range for the rest)' : ''}.`, false);
    historyLine.setLatLngs(pts.map((p) => [p.lat, p.lon]));
    // The panels around the map may have changed its size since Leaflet last measured it (Leaflet
    // watches the window, not its container): measure again, and fit at once (every programmatic
    // framing is instant, so that no zoom animation lands after it), so the whole drive fills the
    // view at the closest zoom that holds it.
    map.invalidateSize();
    map.fitBounds(historyLine.getBounds(), { padding: [30, 30], maxZoom: 16, animate: false });
    recenter = false;
    playback = new Playback(pts, store.rules);
    playback.setRate(Number(el.rate.value));
    el.playback.hidden = false;
    el.scrub.min = String(playback.start);
    el.scrub.max = String(playback.end);
    el.scrub.step = '1000';
    if (chart === null) chart = new SpeedChart(el.chart, (t) => { playback?.seek(t); drawPlayback(); });
    const scale = chart.draw(pts, playback.speeds);
    el.chartMax.textContent = `Highest speed ${kmh(scale.maxMmps)}.`;
    el.chartTop.textContent = `${Math.round(scale.topMmps * 0.0036)} km/h`;
    el.chartStart.textContent = clockTime(pts[0].ts);
    el.chartEnd.textContent = clockTime(pts[pts.length - 1].ts);
    playMarker.addTo(map);
    drawPlayback();
  }

  function startLoop() {
    if (frame !== null || playback === null || !playback.playing) return;
    lastTick = performance.now();
    const tick = (frameTime) => {
      frame = null;
      if (playback === null) return;
      playback.advance(frameTime - lastTick);
      lastTick = frameTime;
      drawPlayback();
      if (playback.playing) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
  }

  function drawPlayback() {
    if (playback === null) return;
    const s = playback.sample();
    playMarker.setLatLng([s.lat, s.lon]);
    el.scrub.value = String(playback.t);
    el.scrub.setAttribute('aria-valuetext', dateTime(playback.t));
    const street = options.nearestStreet?.(s.lat, s.lon);
    const happened = events?.readoutAt(playback.t);
    el.readout.textContent = `${dateTime(playback.t)} · ${kmh(s.speedMmps)}${street ? ` · ${street}` : ''}${happened ? ` · ${happened}` : ''}`;
    el.play.textContent = playback.playing ? 'Pause' : 'Play';
    el.play.setAttribute('aria-pressed', String(playback.playing));
    chart?.setCursor(playback.t);
  }

  function renderFacts(car) {
    const p = car.latest;
    const f = el.facts;
    if (p !== null) {
      f.time.textContent = `${dateTime(p.ts)} (${age(Date.now() - p.ts)} ago)`;
      f.speed.textContent = kmh(p.speedMmps);
      f.course.textContent = p.courseCdeg === null ? 'unknown' : `${(p.courseCdeg / 100).toFixed(0)}°`;
      f.position.textContent = `${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}`;
      f.street.textContent = options.nearestStreet?.(p.lat, p.lon) ?? 'not on a mapped street';
    }
    const s = car.status;
    if (s !== null) {
      if (s.kind === 'offline') {
        f.ignition.textContent = f.supply.textContent = f.signal.textContent = f.queue.textContent = 'offline';
      } else {
        f.ignition.textContent = IGNITION_LABELS[s.ignition];
        f.supply.textContent = s.supplyMv === null ? 'unknown' : `${(s.supplyMv / 1000).toFixed(1)} V`;
        f.signal.textContent = s.signalDbm === null ? 'unknown' : `${s.signalDbm} dBm`;
        f.queue.textContent = String(s.queueDepth);
        f.firmware.textContent = s.firmwareVersion || 'unknown';
      }
    }
  }

  return {
    carId,

    /** Draws what changed since the last frame (called by the app's frame). */
    render() {
      const car = store.cars.get(carId);
      if (car === undefined || !trailDirty) return;
      trailDirty = false;
      if (car.latest !== null) {
        marker.setLatLng([car.latest.lat, car.latest.lon]);
        if (!markerShown) {
          marker.addTo(map);
          markerShown = true;
        }
        if (recenter) {
          map.setView([car.latest.lat, car.latest.lon], Math.max(map.getZoom(), 14), { animate: false });
          recenter = false;
        }
      }
      trailLine.setLatLngs(trail.points.map((p) => [p.lat, p.lon]));
      if (lastState !== car.state) {
        marker.setStyle({ fillColor: STATE_COLOURS[car.state] });
        el.badge.className = `badge ${car.state}`;
        el.badge.textContent = STATE_LABELS[car.state];
        if (lastState !== null) options.announce(`${carId} is now ${car.state}.`);
        lastState = car.state;
      }
      el.live.textContent = liveState === 'refused'
        ? 'Live updates refused'
        : options.live.connected ? 'Live: watching' : 'Live: connecting…';
      renderFacts(car);
    },

    /**
     * The live connection is up (again). The watch needs no resend: mqtt.js queues QoS 0
     * publishes made while disconnected and sends them on reconnecting, and the car keeps a watch
     * for its full 120 s whatever happens to this browser's connection.
     */
    onLiveConnected() {
      trailDirty = true;
    },

    /** @returns {{lat: number, lng: number}|null} the live marker's position. */
    markerLatLng() {
      if (!markerShown) return null;
      const at = marker.getLatLng();
      return { lat: at.lat, lng: at.lng };
    },

    /** @returns {boolean} whether the live marker is on the map. */
    get markerShown() {
      return markerShown;
    },

    /** A live fleet event (operators): onto the car's timeline and into a loaded range. */
    onEvent(e) {
      events?.onEvent(e);
    },

    /** Stops everything the view started. */
    close() {
      scope.dispose();
    },
  };
}
