// The operator's fleet view: one circle marker per car on a shared canvas, and the list of cars
// (one button each) with a search box and the counts per state. It never rebuilds the list: a
// car's item is created once, in id order, and afterwards only its badge and time change, in the
// frame after the message that changed them (src/frame.js).

import { clockTime, dateTime } from './timefmt.js';

/** Marker fill per state; the same colours as the list's badges (app.css). */
export const STATE_COLOURS = { moving: '#047857', stopped: '#1d4ed8', offline: '#4b5563' };

const STATE_LABELS = { moving: 'Moving', stopped: 'Stopped', offline: 'Offline' };

/**
 * @param {{L: any, map: any, renderer: any, store: import('./fleetstore.js').FleetStore,
 *   elements: {panel: HTMLElement, list: HTMLElement, search: HTMLInputElement,
 *   searchResult: HTMLElement, toggle: HTMLButtonElement,
 *   counts: {moving: HTMLElement, stopped: HTMLElement, offline: HTMLElement}},
 *   onOpen: (carId: string) => void, scope: ReturnType<typeof import('./scope.js').createScope>}} options
 * @returns the view.
 */
export function createFleetView(options) {
  const { L, map, renderer, store, elements, onOpen, scope } = options;
  /** @type {Map<string, any>} */
  const markers = new Map();
  /** @type {Map<string, {li: HTMLLIElement, button: HTMLButtonElement, badge: HTMLElement, seen: HTMLElement, state: string|null, ts: number|null}>} */
  const items = new Map();
  /** Car ids in list order. */
  const order = [];
  const layer = L.layerGroup().addTo(map);
  let focused = null;
  let query = '';
  let shown = 0;

  elements.panel.hidden = false;
  elements.toggle.hidden = false;

  const setPanelOpen = (isOpen) => {
    elements.panel.classList.toggle('open', isOpen);
    elements.toggle.setAttribute('aria-expanded', String(isOpen));
  };
  scope.listen(elements.toggle, 'click', () => {
    const opening = !elements.panel.classList.contains('open');
    setPanelOpen(opening);
    if (opening) elements.search.focus();
  });
  scope.listen(elements.panel, 'keydown', (event) => {
    if (event.key === 'Escape' && elements.panel.classList.contains('open')) {
      setPanelOpen(false);
      elements.toggle.focus();
    }
  });

  const matches = (carId) => query === '' || carId.toLowerCase().includes(query);
  const updateSearchResult = () => {
    const total = order.length;
    if (query === '') {
      elements.searchResult.textContent = `${total} ${total === 1 ? 'car' : 'cars'}`;
      return;
    }
    let n = 0;
    for (const id of order) if (matches(id)) n++;
    elements.searchResult.textContent = `${n} of ${total} cars match “${elements.search.value.trim()}”`;
  };
  scope.listen(elements.search, 'input', () => {
    query = elements.search.value.trim().toLowerCase();
    for (const [carId, item] of items) {
      item.li.hidden = !matches(carId);
    }
    ensureTabStop();
    updateSearchResult();
  });
  scope.listen(elements.search, 'keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      const first = order.find(matches);
      if (first !== undefined) open(first);
    }
  });

  function open(carId) {
    setPanelOpen(false);
    onOpen(carId);
  }

  /** The list position of a new id: ids sort as text, which for car-0001 style ids is numeric. */
  function insertItem(carId) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'car-item';
    button.tabIndex = -1;
    button.dataset.testid = `car-item-${carId}`;
    button.dataset.carId = carId;
    const id = document.createElement('span');
    id.className = 'car-id';
    id.textContent = carId;
    const badge = document.createElement('span');
    badge.className = 'badge';
    const seen = document.createElement('span');
    seen.className = 'seen';
    button.append(id, badge, seen);
    li.append(button);
    li.hidden = !matches(carId);
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order[mid] < carId) lo = mid + 1;
      else hi = mid;
    }
    const before = lo < order.length ? items.get(order[lo]).li : null;
    elements.list.insertBefore(li, before);
    order.splice(lo, 0, carId);
    const item = { li, button, badge, seen, state: null, ts: null };
    items.set(carId, item);
    return item;
  }
  // One listener for the whole list (event delegation), not one per item.
  scope.listen(elements.list, 'click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.car-item') : null;
    if (button !== null) open(button.dataset.carId);
  });

  // The list is one tab stop (a roving tabindex, WAI-ARIA Authoring Practices, "Keyboard
  // Navigation Inside Components"): Tab enters at the current car and leaves the list, the arrow
  // keys, Home and End move between the cars shown, Enter and Space open one (native buttons).
  let current = null;
  const setCurrent = (carId, focus) => {
    const next = items.get(carId);
    if (next === undefined) return;
    if (current !== null && current !== carId) items.get(current)?.button.setAttribute('tabindex', '-1');
    next.button.setAttribute('tabindex', '0');
    current = carId;
    if (focus) next.button.focus();
  };
  const visibleIds = () => order.filter((id) => !items.get(id).li.hidden);
  scope.listen(elements.list, 'keydown', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.car-item') : null;
    if (button === null) return;
    const ids = visibleIds();
    const at = ids.indexOf(button.dataset.carId);
    const target = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: ids.length - 1, PageDown: at + 10, PageUp: at - 10 }[event.key];
    if (target === undefined || ids.length === 0) return;
    event.preventDefault();
    setCurrent(ids[Math.max(0, Math.min(ids.length - 1, target))], true);
  });
  scope.listen(elements.list, 'focusin', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.car-item') : null;
    if (button !== null) setCurrent(button.dataset.carId, false);
  });
  const ensureTabStop = () => {
    const ids = visibleIds();
    if (ids.length > 0 && (current === null || !ids.includes(current))) setCurrent(ids[0], false);
  };

  function updateMarker(car) {
    let marker = markers.get(car.carId);
    if (car.latest === null) {
      return;
    }
    const latlng = [car.latest.lat, car.latest.lon];
    if (marker === undefined) {
      marker = L.circleMarker(latlng, {
        renderer,
        radius: 6,
        weight: 1.5,
        color: '#ffffff',
        fillColor: STATE_COLOURS[car.state],
        fillOpacity: 1,
        bubblingMouseEvents: false,
      });
      marker.bindTooltip(car.carId, { direction: 'top', offset: [0, -6] });
      marker.on('click', () => open(car.carId));
      marker.trackerState = car.state;
      markers.set(car.carId, marker);
      if (car.carId !== focused) {
        marker.addTo(layer);
        shown++;
      }
      return;
    }
    const at = marker.getLatLng();
    if (at.lat !== latlng[0] || at.lng !== latlng[1]) {
      marker.setLatLng(latlng);
    }
    if (marker.trackerState !== car.state) {
      marker.setStyle({ fillColor: STATE_COLOURS[car.state] });
      marker.trackerState = car.state;
    }
  }

  function updateItem(car) {
    const item = items.get(car.carId) ?? insertItem(car.carId);
    if (item.state !== car.state) {
      item.badge.className = `badge ${car.state}`;
      item.badge.textContent = STATE_LABELS[car.state];
      item.state = car.state;
    }
    const ts = car.latest === null ? null : car.latest.ts;
    if (item.ts !== ts) {
      item.ts = ts;
      if (ts === null) {
        item.seen.textContent = 'no position';
      } else {
        const today = new Date().toDateString() === new Date(ts).toDateString();
        item.seen.textContent = today ? clockTime(ts) : dateTime(ts).slice(0, 10);
        item.seen.title = `Last fix ${dateTime(ts)}`;
      }
    }
  }

  return {
    /**
     * Applies the changes of one frame.
     * @param {string[]} carIds the cars that changed.
     */
    render(carIds) {
      const before = order.length;
      for (const carId of carIds) {
        const car = store.cars.get(carId);
        if (car === undefined) continue;
        updateMarker(car);
        updateItem(car);
      }
      elements.counts.moving.textContent = String(store.counts.moving);
      elements.counts.stopped.textContent = String(store.counts.stopped);
      elements.counts.offline.textContent = String(store.counts.offline);
      if (order.length !== before || query !== '') updateSearchResult();
      if (order.length !== before) ensureTabStop();
    },

    /**
     * Marks the car the car view shows, and hides its fleet marker under the car view's own.
     * @param {string|null} carId the car, or null.
     */
    setFocus(carId) {
      if (focused !== null) {
        const m = markers.get(focused);
        if (m !== undefined && !layer.hasLayer(m)) {
          m.addTo(layer);
          shown++;
        }
        items.get(focused)?.button.removeAttribute('aria-current');
      }
      focused = carId;
      if (carId !== null) {
        const m = markers.get(carId);
        if (m !== undefined && layer.hasLayer(m)) {
          layer.removeLayer(m);
          shown--;
        }
        items.get(carId)?.button.setAttribute('aria-current', 'true');
      }
    },

    /** Fits the map to every car with a position. */
    fitToCars() {
      const points = [];
      for (const car of store.cars.values()) {
        if (car.latest !== null) points.push([car.latest.lat, car.latest.lon]);
      }
      if (points.length > 0) {
        map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 14, animate: false });
      }
    },

    /** @returns {number} markers on the map. */
    get shown() {
      return shown;
    },

    /**
     * @param {string} carId the car.
     * @returns {{lat: number, lng: number}|null} its marker's position.
     */
    markerLatLng(carId) {
      const m = markers.get(carId);
      if (m === undefined) return null;
      const at = m.getLatLng();
      return { lat: at.lat, lng: at.lng };
    },

    /** Moves keyboard focus to a car's list item (back from the car view). */
    focusItem(carId) {
      if (items.get(carId)?.li.hidden === false) setCurrent(carId, true);
    },

    /** Removes the markers and the list. */
    destroy() {
      layer.remove();
      markers.clear();
      items.clear();
      order.length = 0;
      current = null;
      elements.list.replaceChildren();
      elements.search.value = '';
      elements.searchResult.textContent = '';
      elements.panel.hidden = true;
      elements.panel.classList.remove('open');
      elements.toggle.hidden = true;
      elements.toggle.setAttribute('aria-expanded', 'false');
    },
  };
}
