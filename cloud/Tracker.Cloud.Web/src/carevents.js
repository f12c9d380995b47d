// A car's events in the car view (issue 16, operators): its timeline (the last day's events,
// newest first, live ones added as they arrive) and, with a history range loaded, the events of
// that range as marks on the map and a list beside the playback; the playback's readout names the
// event at the playback position. Clicking an event in the range moves the playback there.

import { EventBook, describe, eventAt, isAlert, readEvent } from './alerts.js';
import { clockTime, dateTime } from './timefmt.js';

/** How far back the timeline starts. */
export const TIMELINE_MS = 24 * 60 * 60 * 1000;

/** How long after an event the playback readout still names it. */
export const READOUT_WINDOW_MS = 5 * 60 * 1000;

/**
 * @param {Document} doc the document.
 * @returns the elements (index.html).
 */
export function carEventElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return { section: $('car-events-section'), list: $('car-events'), range: $('playback-events') };
}

/**
 * @param {{L: any, map: any, renderer: any, api: any, carId: string, elements: ReturnType<typeof carEventElements>,
 *   scope: any, seek: (t: number) => void, now?: () => number}} options
 * @returns the car's events.
 */
export function createCarEvents(options) {
  const { L, map, renderer, api, carId, elements: el, scope, seek } = options;
  const now = options.now ?? (() => Date.now());
  const book = new EventBook({ maxKept: 500 });
  const marks = L.layerGroup().addTo(map);
  /** The loaded range's events, oldest first. */
  let range = [];
  let rangeBounds = null;

  el.section.hidden = false;
  el.list.replaceChildren();
  el.range.replaceChildren();
  scope.add(() => {
    marks.remove();
    el.section.hidden = true;
    el.list.replaceChildren();
    el.range.replaceChildren();
  });

  function entry(e, onClick) {
    const li = document.createElement('li');
    li.className = `event-entry${isAlert(e) ? ' is-alert' : ''}`;
    li.setAttribute('data-testid', 'car-event');
    li.dataset.type = e.type;
    const time = document.createElement('time');
    time.dateTime = new Date(e.ts).toISOString();
    time.textContent = onClick ? clockTime(e.ts) : dateTime(e.ts);
    const what = onClick ? document.createElement('button') : document.createElement('span');
    if (onClick) {
      what.type = 'button';
      what.className = 'link';
      what.addEventListener('click', onClick);
    }
    what.textContent = describe(e) + (e.late ? ' (late)' : '') + (e.pending ? ' (pending)' : '');
    li.append(time, ' ', what);
    return li;
  }

  function renderTimeline() {
    const shown = book.list({ carId }).filter((e) => e.carId === carId).slice(0, 50);
    el.list.replaceChildren(...(shown.length === 0 ? [emptyItem('No events in the last day.')] : shown.map((e) => entry(e, null))));
  }

  function emptyItem(text) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = text;
    return li;
  }

  function renderRange() {
    marks.clearLayers();
    for (const e of range) {
      if (e.lat === null) continue;
      L.circleMarker([e.lat, e.lon], { renderer, radius: 6, weight: 2, color: '#ffffff', fillColor: isAlert(e) ? '#b91c1c' : '#0f766e', fillOpacity: 1 })
        .bindTooltip(`${clockTime(e.ts)} ${describe(e)}`)
        .addTo(marks);
    }
    el.range.replaceChildren(...range.map((e) => entry(e, () => seek(e.ts))));
  }

  async function fetchAll(query) {
    const out = [];
    let cursor = null;
    for (let page = 0; page < 5; page++) {
      const r = await api.events({ ...query, carId, cursor });
      if (!r.ok) return out.length > 0 ? out : null;
      for (const json of Array.isArray(r.data?.events) ? r.data.events : []) {
        const e = readEvent(json);
        if (e !== null && !e.withdrawnOnly && e.carId === carId) out.push(e);
      }
      cursor = r.data?.nextCursor ?? null;
      if (cursor === null) break;
    }
    return out;
  }

  return {
    /** Loads the last day's events into the timeline. */
    async load() {
      const end = now();
      const events = await fetchAll({ start: end - TIMELINE_MS, end, limit: 100 });
      if (events === null) {
        el.list.replaceChildren(emptyItem('Events could not be loaded.'));
        return;
      }
      for (const e of events) book.apply(e, { fromList: true });
      renderTimeline();
    },
    /**
     * Loads the events of a history range (marks on the map, the list beside the playback).
     * @param {number} start epoch ms.
     * @param {number} end epoch ms.
     */
    async loadRange(start, end) {
      rangeBounds = [start, end];
      const events = await fetchAll({ start, end, limit: 500 });
      if (rangeBounds === null || rangeBounds[0] !== start || rangeBounds[1] !== end) return;
      range = (events ?? []).filter((e) => !e.withdrawn).sort((a, b) => a.ts - b.ts);
      renderRange();
    },
    /** A live event (from the alerts feed). */
    onEvent(e) {
      if (e.carId !== carId) return;
      book.apply(e, { fromList: true });
      renderTimeline();
      if (rangeBounds !== null && e.ts >= rangeBounds[0] && e.ts <= rangeBounds[1]) {
        range = [...range.filter((x) => x.id !== e.id), e].filter((x) => !x.withdrawn).sort((a, b) => a.ts - b.ts);
        renderRange();
      }
    },
    /**
     * @param {number} t the playback time.
     * @returns {string|null} the event at the playback position, for the readout.
     */
    readoutAt(t) {
      const e = eventAt(range, t);
      return e !== null && t - e.ts <= READOUT_WINDOW_MS ? describe(e) : null;
    },
    get rangeCount() {
      return range.length;
    },
  };
}
