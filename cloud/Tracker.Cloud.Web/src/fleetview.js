// The operator's fleet view: every car's marker on one canvas (src/fleetcanvas.js), and the list
// of cars with a search box, a state filter and the counts per state.
//
// The list is virtualised (issue 19: 10,000 cars): it holds every car in id order, but only the
// rows in view, plus a few above and below (src/virtualwindow.js), exist in the DOM; two spacer
// items (hidden from screen readers) stand in for the rest, so its scrollbar is the whole fleet's. Rows are reused as they
// scroll out and in. Live updates never rebuild it: once a frame (src/frame.js) the cars that
// changed update their row if it is rendered; the rows shown are worked out again only when a car
// joins, the search or filter changes, or (with a state filter on) a car's state changes.
// Screen readers get each row's place in the list (aria-posinset of aria-setsize), as the DOM
// holds only some of them.

import { createFleetCanvas } from './fleetcanvas.js';
import { clockTime, dateTime } from './timefmt.js';
import { scrollToShow, sortedIndex, windowOf } from './virtualwindow.js';

/** Marker fill per state; the same colours as the list's badges (app.css). */
export const STATE_COLOURS = { moving: '#047857', stopped: '#1d4ed8', offline: '#4b5563' };

const STATE_LABELS = { moving: 'Moving', stopped: 'Stopped', offline: 'Offline' };

/** A row's height before one has been measured, px (app.css: 2.75rem). */
const DEFAULT_ROW_PX = 44;

/**
 * @param {{L: any, map: any, store: import('./fleetstore.js').FleetStore,
 *   elements: {panel: HTMLElement, list: HTMLElement, search: HTMLInputElement,
 *   searchResult: HTMLElement, toggle: HTMLButtonElement, stateFilter?: HTMLSelectElement|null,
 *   counts: {moving: HTMLElement, stopped: HTMLElement, offline: HTMLElement}},
 *   onOpen: (carId: string) => void, scope: ReturnType<typeof import('./scope.js').createScope>}} options
 * @returns the view.
 */
export function createFleetView(options) {
  const { L, map, store, elements, onOpen, scope } = options;
  const list = elements.list;
  const stateFilter = elements.stateFilter ?? null;
  /** Every car in the list, in id order. */
  const order = [];
  /** The cars shown (search and state filter), in id order: the virtual rows. */
  let rows = [];
  /** Rendered rows by car. @type {Map<string, Row>} */
  const rendered = new Map();
  /** Rows out of use, for reuse. @type {Row[]} */
  const pool = [];
  const markers = createFleetCanvas({ L, map, colours: STATE_COLOURS, onOpen: (carId) => open(carId) });
  let focused = null;
  let query = '';
  let wantState = '';
  let rowPx = 0;
  let rowsStale = true;
  /** The roving tab stop's car (WAI-ARIA "Keyboard Navigation Inside Components"). */
  let current = null;
  /** Focus is being parked on the list while the focused row leaves the DOM. */
  let parking = false;

  /**
   * @typedef {{li: HTMLLIElement, button: HTMLButtonElement, id: HTMLElement, badge: HTMLElement,
   *   seen: HTMLElement, carId: string|null, state: string|null, ts: number|null, pos: number, size: number}} Row
   */

  elements.panel.hidden = false;
  elements.toggle.hidden = false;
  list.tabIndex = -1;
  const spacer = () => {
    const li = document.createElement('li');
    li.className = 'spacer';
    li.setAttribute('aria-hidden', 'true');
    li.setAttribute('role', 'none');
    return li;
  };
  const topSpacer = spacer();
  const bottomSpacer = spacer();
  list.replaceChildren(topSpacer, bottomSpacer);

  const setPanelOpen = (isOpen) => {
    elements.panel.classList.toggle('open', isOpen);
    elements.toggle.setAttribute('aria-expanded', String(isOpen));
    if (isOpen) paint();
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

  const matches = (carId) => (query === '' || carId.toLowerCase().includes(query))
    && (wantState === '' || store.cars.get(carId)?.state === wantState);

  const updateSearchResult = () => {
    const total = order.length;
    if (query === '' && wantState === '') {
      elements.searchResult.textContent = `${total} ${total === 1 ? 'car' : 'cars'}`;
      return;
    }
    const what = [];
    if (query !== '') what.push(`match “${elements.search.value.trim()}”`);
    if (wantState !== '') what.push(`are ${wantState}`);
    elements.searchResult.textContent = `${rows.length} of ${total} cars ${what.join(' and ')}`;
  };

  /** Works out the rows shown again (O(cars): a filter over the id-ordered list). */
  function refreshRows() {
    rows = query === '' && wantState === '' ? order.slice() : order.filter(matches);
    rowsStale = false;
    updateSearchResult();
    if (rows.length > 0 && (current === null || sortedIndex(rows, current) >= rows.length || rows[sortedIndex(rows, current)] !== current)) {
      current = rows[0];
    }
  }
  const indexOfRow = (carId) => {
    const at = sortedIndex(rows, carId);
    return at < rows.length && rows[at] === carId ? at : -1;
  };

  scope.listen(elements.search, 'input', () => {
    query = elements.search.value.trim().toLowerCase();
    refreshRows();
    list.scrollTop = 0;
    paint();
  });
  if (stateFilter !== null) {
    scope.listen(stateFilter, 'change', () => {
      wantState = ['moving', 'stopped', 'offline'].includes(stateFilter.value) ? stateFilter.value : '';
      refreshRows();
      list.scrollTop = 0;
      paint();
    });
  }
  scope.listen(elements.search, 'keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      if (rows.length > 0) open(rows[0]);
    }
  });

  function open(carId) {
    setPanelOpen(false);
    onOpen(carId);
  }

  function makeRow() {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'car-item';
    button.tabIndex = -1;
    const id = document.createElement('span');
    id.className = 'car-id';
    const badge = document.createElement('span');
    badge.className = 'badge';
    const seen = document.createElement('span');
    seen.className = 'seen';
    button.append(id, badge, seen);
    li.append(button);
    return { li, button, id, badge, seen, carId: null, state: null, ts: null, pos: -1, size: -1 };
  }

  /** Shows car `carId` at list position `pos` in `row` (only what differs is written). */
  function fillRow(row, carId, pos) {
    if (row.carId !== carId) {
      row.carId = carId;
      row.button.dataset.testid = `car-item-${carId}`;
      row.button.dataset.carId = carId;
      row.id.textContent = carId;
      row.state = null;
      row.ts = undefined;
    }
    if (row.pos !== pos) {
      row.pos = pos;
      row.li.setAttribute('aria-posinset', String(pos + 1));
    }
    if (row.size !== rows.length) {
      row.size = rows.length;
      row.li.setAttribute('aria-setsize', String(rows.length));
    }
    const tab = carId === current ? '0' : '-1';
    if (row.button.getAttribute('tabindex') !== tab) row.button.setAttribute('tabindex', tab);
    if (carId === focused) row.button.setAttribute('aria-current', 'true');
    else row.button.removeAttribute('aria-current');
    const car = store.cars.get(carId);
    if (car !== undefined) updateRow(row, car);
  }

  /** A car's badge and time in its row. */
  function updateRow(row, car) {
    if (row.state !== car.state) {
      row.badge.className = `badge ${car.state}`;
      row.badge.textContent = STATE_LABELS[car.state];
      row.state = car.state;
    }
    const ts = car.latest === null ? null : car.latest.ts;
    if (row.ts !== ts) {
      row.ts = ts;
      if (ts === null) {
        row.seen.textContent = 'no position';
        row.seen.removeAttribute('title');
      } else {
        const today = new Date().toDateString() === new Date(ts).toDateString();
        row.seen.textContent = today ? clockTime(ts) : dateTime(ts).slice(0, 10);
        row.seen.title = `Last fix ${dateTime(ts)}`;
      }
    }
  }

  /**
   * Renders the rows of the window at the list's scroll position, reusing the rows rendered
   * already; the spacers above and below stand for the rows not rendered.
   */
  function paint() {
    if (rowsStale) refreshRows();
    const viewport = list.clientHeight;
    const { first, last } = windowOf(list.scrollTop, viewport, rowPx || DEFAULT_ROW_PX, rows.length);
    /** @type {Map<string, Row>} */
    const keep = new Map();
    for (let i = first; i < last; i++) {
      const row = rendered.get(rows[i]);
      if (row !== undefined) keep.set(rows[i], row);
    }
    // Focus must not fall to the page when its row leaves: it goes to the list (arrow keys go on
    // from the current car). Before any change to the DOM: focusing lays the page out, and a layout
    // with rows removed and the spacers not yet grown would pull the scroll position back.
    const active = document.activeElement;
    for (const [carId, row] of rendered) {
      if (!keep.has(carId) && active !== null && row.li.contains(active)) {
        parking = true;
        list.focus({ preventScroll: true });
        parking = false;
      }
    }
    for (const [carId, row] of rendered) {
      if (keep.has(carId)) continue;
      row.li.remove();
      row.carId = null;
      pool.push(row);
    }
    rendered.clear();
    let cursor = topSpacer.nextElementSibling;
    for (let i = first; i < last; i++) {
      const carId = rows[i];
      let row = keep.get(carId);
      if (row === undefined) row = pool.pop() ?? makeRow();
      fillRow(row, carId, i);
      rendered.set(carId, row);
      if (row.li === cursor) cursor = cursor.nextElementSibling;
      else list.insertBefore(row.li, cursor);
    }
    if (rowPx === 0 && rendered.size > 0) {
      const h = topSpacer.nextElementSibling.getBoundingClientRect().height;
      if (h > 0) {
        rowPx = h;
        paint(); // again with the measured height
        return;
      }
    }
    const px = rowPx || DEFAULT_ROW_PX;
    topSpacer.style.height = `${first * px}px`;
    bottomSpacer.style.height = `${(rows.length - last) * px}px`;
    // Tab reaches the list when the current car's row is not rendered: focus then goes on to it.
    list.tabIndex = current !== null && !rendered.has(current) ? 0 : -1;
  }

  // The list is scrolled by the user: render the rows now in view (scroll events come once a frame).
  scope.listen(list, 'scroll', () => paint(), { passive: true });
  if (typeof ResizeObserver === 'function') {
    const resized = new ResizeObserver(() => {
      rowPx = 0; // the font or the zoom may have changed
      paint();
    });
    resized.observe(list, { box: 'border-box' });
    scope.add(() => resized.disconnect());
  }

  // One listener for the whole list (event delegation), not one per item.
  scope.listen(list, 'click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.car-item') : null;
    if (button !== null) open(button.dataset.carId);
  });

  /** Makes `carId` the tab stop, scrolls its row into view, and with `focus` moves focus to it. */
  const setCurrent = (carId, focus) => {
    const at = indexOfRow(carId);
    if (at < 0) return;
    const was = current;
    current = carId;
    if (was !== null && was !== carId) rendered.get(was)?.button.setAttribute('tabindex', '-1');
    if (focus) {
      const px = rowPx || DEFAULT_ROW_PX;
      const top = scrollToShow(at, list.scrollTop, list.clientHeight, px);
      if (top !== list.scrollTop) list.scrollTop = top;
      paint();
      rendered.get(carId)?.button.focus({ preventScroll: true });
    } else {
      rendered.get(carId)?.button.setAttribute('tabindex', '0');
      list.tabIndex = rendered.has(carId) ? -1 : 0;
    }
  };

  // The list is one tab stop: Tab enters at the current car and leaves the list, the arrow keys,
  // Home, End, Page Up and Page Down move between the cars shown (across the whole list, not only
  // the rows rendered), Enter and Space open one (native buttons).
  scope.listen(list, 'keydown', (event) => {
    if (rows.length === 0 || current === null) return;
    const at = Math.max(0, indexOfRow(current));
    const page = Math.max(1, Math.floor(list.clientHeight / (rowPx || DEFAULT_ROW_PX)) - 1);
    const target = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1, PageDown: at + page, PageUp: at - page }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    setCurrent(rows[Math.max(0, Math.min(rows.length - 1, target))], true);
  });
  scope.listen(list, 'focusin', (event) => {
    if (event.target === list) {
      // Tab put focus on the list itself (the current car's row was not rendered): hand it on to
      // that car. Focus parked here by a row leaving the window stays until a key moves it.
      if (!parking && current !== null && !rendered.has(current)) {
        if (event.relatedTarget === null || !list.contains(/** @type {Node} */ (event.relatedTarget))) setCurrent(current, true);
      }
      return;
    }
    const button = event.target instanceof Element ? event.target.closest('button.car-item') : null;
    if (button !== null) setCurrent(button.dataset.carId, false);
  });

  function updateMarker(car) {
    if (car.latest === null) return;
    const isNew = markers.latLng(car.carId) === null;
    markers.set(car.carId, car.latest.lat, car.latest.lon, car.state);
    if (isNew && car.carId === focused) markers.setHidden(car.carId, true);
  }

  /** A car seen for the first time joins the list in id order. */
  function addCar(carId) {
    const at = sortedIndex(order, carId);
    if (order[at] === carId) return false;
    order.splice(at, 0, carId);
    return true;
  }

  return {
    /**
     * Applies the changes of one frame: markers move, rendered rows update; the rows shown are
     * worked out again only when the list's membership may have changed.
     * @param {string[]} carIds the cars that changed.
     */
    render(carIds) {
      let membership = false;
      for (const carId of carIds) {
        const car = store.cars.get(carId);
        if (car === undefined) continue;
        updateMarker(car);
        if (addCar(carId)) membership = true;
        else if (wantState !== '' && (indexOfRow(carId) >= 0) !== matches(carId)) membership = true;
        else {
          const row = rendered.get(carId);
          if (row !== undefined) updateRow(row, car);
        }
      }
      elements.counts.moving.textContent = String(store.counts.moving);
      elements.counts.stopped.textContent = String(store.counts.stopped);
      elements.counts.offline.textContent = String(store.counts.offline);
      if (membership) {
        refreshRows();
        paint();
      }
    },

    /**
     * Marks the car the car view shows, and hides its fleet marker under the car view's own.
     * @param {string|null} carId the car, or null.
     */
    setFocus(carId) {
      if (focused !== null) {
        markers.setHidden(focused, false);
        rendered.get(focused)?.button.removeAttribute('aria-current');
      }
      focused = carId;
      if (carId !== null) {
        markers.setHidden(carId, true);
        rendered.get(carId)?.button.setAttribute('aria-current', 'true');
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
      return markers.shown;
    },

    /** @returns {number} markers drawn last time (those in and near the view). */
    get drawn() {
      return markers.drawn;
    },

    /**
     * @param {{x: number, y: number}} point a point on the map, container pixels.
     * @returns {string|null} the car whose marker is there.
     */
    carAt(point) {
      return markers.pick(point);
    },

    /**
     * @param {string} carId the car.
     * @returns {{lat: number, lng: number}|null} its marker's position.
     */
    markerLatLng(carId) {
      return markers.latLng(carId);
    },

    /** Moves keyboard focus to a car's list item (back from the car view). */
    focusItem(carId) {
      if (indexOfRow(carId) >= 0) setCurrent(carId, true);
    },

    /** Removes the markers and the list. */
    destroy() {
      markers.destroy();
      rendered.clear();
      pool.length = 0;
      order.length = 0;
      rows = [];
      current = null;
      list.replaceChildren();
      list.removeAttribute('tabindex');
      if (stateFilter !== null) stateFilter.value = '';
      elements.search.value = '';
      elements.searchResult.textContent = '';
      elements.panel.hidden = true;
      elements.panel.classList.remove('open');
      elements.toggle.hidden = true;
      elements.toggle.setAttribute('aria-expanded', 'false');
    },
  };
}
