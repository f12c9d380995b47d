// The car's reports (issue 17), in the car panel: for a period of whole days (today by default; a
// renter's rental by default, and the rental's summary above), the daily summary, the trips and
// the stops, each paged with "More", and exports that save the API's own bytes. An operator can
// choose one of the car's rentals (found from its rental-started events, whose subject is the
// rental's id) for its summary and its days. Choosing a trip
// draws its fixes on the map and fits it; Clear returns the map to the live car. A refusal shows
// the API's RFC 9457 detail as it was sent. Trip ends, stops and a rental's ends are named by the
// town's nearest street where the map has the town (src/streets.js), else by the API's label.

import {
  PAGE_SIZE, estimatedNote, formatDistance, formatDuration, formatHours, formatSpeed,
  periodFromDays, placeLabel, readDays, readRentalSummary, readStopsPage, readTrack, readTripsPage, reportQuery, toDateInput,
} from './reports.js';
import { createReportExports } from './reportexports.js';
import { dateTime } from './timefmt.js';
import { createScope } from './scope.js';

/**
 * @param {Document} doc the document.
 * @returns the elements (index.html).
 */
export function reportsElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    section: $('reports-section'), form: $('reports-form'), from: $('reports-from'), to: $('reports-to'), load: $('reports-load'),
    pickField: $('reports-pick-field'), pick: $('reports-pick'),
    message: $('reports-message'), rental: $('reports-rental'), body: $('reports-body'),
    daily: $('reports-daily'), dailyNote: $('reports-daily-note'),
    trips: $('reports-trips'), tripsMore: $('reports-trips-more'), stops: $('reports-stops'), stopsMore: $('reports-stops-more'),
    exports: $('reports-exports'), trip: $('reports-trip'), tripText: $('reports-trip-text'), tripGpx: $('reports-trip-gpx'),
    tripKml: $('reports-trip-kml'), tripClear: $('reports-trip-clear'),
  };
}

/**
 * Opens the car's reports.
 * @param {{L: any, map: any, renderer: any, api: any, carId: string, elements: ReturnType<typeof reportsElements>,
 *   rental?: {id: string, fromMs: number, toMs: number}|null, operator?: boolean, announce: (text: string) => void,
 *   showLive: () => void, now?: () => number, nearestStreet?: (lat: number, lon: number) => string|null}} options
 *   `rental`: a renter's rental (the default period, and its summary); `showLive`: returns the map to the live
 *   car; `nearestStreet`: the town's street at a position (src/basemap.js), if the map has a town.
 * @returns the view.
 */
export function openReportsView(options) {
  const { L, map, renderer, api, carId, elements: el, announce } = options;
  /** The rental reported on: a renter's own, or the one an operator chose; null for the car's whole period. */
  let rental = options.rental ?? null;
  const operator = options.operator === true;
  const now = options.now ?? (() => Date.now());
  const place = (latE7, lonE7, serverLabel) => placeLabel(options.nearestStreet, latE7, lonE7, serverLabel);
  const scope = createScope();
  const abort = new AbortController();
  scope.add(() => abort.abort());
  let generation = 0;
  let period = null;
  let loadedOnce = false;
  let selected = null;
  let drawn = 0;
  const cursors = { trips: null, stops: null };

  const tripLine = L.polyline([], { renderer, color: '#b45309', weight: 4, opacity: 0.9, interactive: false });
  // The ends open a popup with their time and place when clicked.
  const startMark = L.circleMarker([0, 0], { renderer, radius: 7, weight: 2, color: '#ffffff', fillColor: '#047857', fillOpacity: 1 });
  const endMark = L.circleMarker([0, 0], { renderer, radius: 7, weight: 2, color: '#ffffff', fillColor: '#b91c1c', fillOpacity: 1 });
  scope.add(() => {
    tripLine.remove();
    startMark.remove();
    endMark.remove();
  });

  el.section.hidden = false;
  el.section.open = false;
  el.body.hidden = true;
  el.rental.hidden = true;
  el.trip.hidden = true;
  message('', false);
  const first = rental === null ? now() : rental.fromMs;
  const last = rental === null ? now() : Math.max(rental.fromMs, rental.toMs - 1);
  el.from.value = toDateInput(first);
  el.to.value = toDateInput(last);
  for (const input of [el.from, el.to]) {
    if (rental === null) {
      input.removeAttribute('min');
      input.removeAttribute('max');
    } else {
      input.min = toDateInput(rental.fromMs);
      input.max = toDateInput(last);
    }
  }
  el.pickField.hidden = !operator;
  el.pick.replaceChildren(new Option('None: the whole car', ''));
  createReportExports({
    api, carId, elements: el, scope, signal: abort.signal, message,
    selectedTrip: () => (selected === null ? null : selected.trip),
  });
  scope.add(() => {
    el.section.hidden = true;
    for (const t of [el.daily, el.trips, el.stops]) t.tBodies[0].replaceChildren();
    el.exports.replaceChildren();
  });

  // The section loads when it is first opened, not with every car view.
  scope.listen(el.section, 'toggle', () => {
    map.invalidateSize(); // the panel widens while the reports are open (app.css)
    if (el.section.open && !loadedOnce) load();
  });
  scope.listen(el.form, 'submit', (event) => {
    event.preventDefault();
    load();
  });
  scope.listen(el.pick, 'change', () => pickRental(el.pick.value));
  scope.listen(el.tripsMore, 'click', () => more('trips'));
  scope.listen(el.stopsMore, 'click', () => more('stops'));
  scope.listen(el.tripClear, 'click', () => clearTrip(true));

  function message(text, isError) {
    el.message.textContent = text;
    el.message.classList.toggle('error', isError);
  }

  /** The API's own words for a refusal: its RFC 9457 detail, else its title. */
  function refusal(what, problem) {
    return `${what} could not be loaded: ${problem.detail ?? problem.title}`;
  }

  async function load() {
    const p = periodFromDays(el.from.value, el.to.value);
    if (!p.ok) {
      message(p.error, true);
      return;
    }
    loadedOnce = true;
    const mine = ++generation;
    period = { ...p, fromDay: el.from.value, toDay: el.to.value };
    clearTrip(false);
    el.load.disabled = true;
    message('Loading…', false);
    const range = { start: p.startMs, end: p.endMs };
    const [days, trips, stops, summary] = await Promise.all([
      api.report(carId, 'daily', reportQuery(range), abort.signal),
      api.report(carId, 'trips', reportQuery({ ...range, limit: PAGE_SIZE }), abort.signal),
      api.report(carId, 'stops', reportQuery({ ...range, limit: PAGE_SIZE }), abort.signal),
      rental === null ? Promise.resolve(null) : api.rentalSummary(rental.id, abort.signal),
    ]);
    if (abort.signal.aborted || mine !== generation) return;
    el.load.disabled = false;
    const errors = [];
    for (const t of [el.daily, el.trips, el.stops]) t.tBodies[0].replaceChildren();
    cursors.trips = cursors.stops = null;

    const tripsRead = trips.ok ? readTripsPage(trips.data) : null;
    if (!trips.ok) {
      // The trips are the report: a refusal of them (a renter asking for another car, a bad
      // period) is the whole answer.
      el.body.hidden = true;
      message(refusal('Trips', trips.problem), true);
      announce(el.message.textContent);
      return;
    }
    el.body.hidden = false;
    if (!tripsRead.ok) errors.push(`Trips could not be read: ${tripsRead.error}`);
    else appendRows('trips', tripsRead);

    const stopsRead = stops.ok ? readStopsPage(stops.data) : null;
    if (!stops.ok) errors.push(refusal('Stops', stops.problem));
    else if (!stopsRead.ok) errors.push(`Stops could not be read: ${stopsRead.error}`);
    else appendRows('stops', stopsRead);

    const daysRead = days.ok ? readDays(days.data) : null;
    if (!days.ok) errors.push(refusal('The daily summary', days.problem));
    else if (!daysRead.ok) errors.push(`The daily summary could not be read: ${daysRead.error}`);
    renderDays(daysRead !== null && daysRead.ok ? daysRead : null);

    if (summary === null) {
      el.rental.hidden = true;
    } else {
      const read = summary.ok ? readRentalSummary(summary.data) : null;
      if (!summary.ok) errors.push(refusal('The rental summary', summary.problem));
      else if (!read.ok) errors.push(`The rental summary could not be read: ${read.error}`);
      renderRental(read !== null && read.ok ? read.summary : null);
    }

    if (operator) await listRentals(mine);
    if (abort.signal.aborted || mine !== generation) return;
    const skipped = [tripsRead, stopsRead, daysRead].reduce((n, r) => n + (r !== null && r.ok ? r.skipped : 0), 0);
    if (skipped > 0) errors.push(`${skipped} ${skipped === 1 ? 'row' : 'rows'} from the server could not be read and ${skipped === 1 ? 'is' : 'are'} not shown.`);
    const tripCount = el.trips.tBodies[0].querySelectorAll('tr:not(.empty)').length;
    // No count when the trips could not be read: "0 trips" would be a claim.
    const summaryText = tripsRead.ok
      ? `${tripCount}${cursors.trips ? '+' : ''} ${tripCount === 1 && !cursors.trips ? 'trip' : 'trips'} from ${period.fromDay} to ${period.toDay}.`
      : '';
    message([summaryText, ...errors].filter((t) => t !== '').join(' '), errors.length > 0);
    announce(`Report for ${carId}: ${el.message.textContent}`);
  }

  /**
   * The car's rentals that started in the 30 days before the period or in it, from its
   * rental-started events (operators; the API has no list of a car's rentals).
   */
  async function listRentals(mine) {
    const r = await api.events({ carId, type: 'rental-started', start: period.startMs - 30 * 86400000, end: period.endMs, limit: 100 }, abort.signal);
    if (abort.signal.aborted || mine !== generation || !r.ok) return;
    const list = r.data !== null && typeof r.data === 'object' && Array.isArray(r.data.events) ? r.data.events : [];
    const found = new Map();
    for (const e of list) {
      if (e !== null && typeof e === 'object' && typeof e.subject === 'string' && e.subject.startsWith(`${carId}/`) && Number.isSafeInteger(e.ts)) {
        found.set(e.subject, e.ts);
      }
    }
    if (rental !== null) found.set(rental.id, rental.fromMs);
    const options = [...found].sort((a, b) => b[1] - a[1]).map(([id, ts]) => {
      const renter = id.slice(carId.length + 1, id.lastIndexOf('/'));
      const o = new Option(`${renter || 'rental'} from ${dateTime(ts)}`, id);
      return o;
    });
    el.pick.replaceChildren(new Option('None: the whole car', ''), ...options);
    el.pick.value = rental === null ? '' : rental.id;
  }

  /** An operator chose a rental (or none): its summary, and its days as the period. */
  async function pickRental(id) {
    if (id === '') {
      rental = null;
      el.rental.hidden = true;
      load();
      return;
    }
    const mine = generation;
    el.pick.disabled = true;
    const r = await api.rentalSummary(id, abort.signal);
    el.pick.disabled = false;
    if (abort.signal.aborted || mine !== generation) return;
    const read = r.ok ? readRentalSummary(r.data) : null;
    if (!r.ok || !read.ok) {
      message(r.ok ? `The rental summary could not be read: ${read.error}` : refusal('The rental summary', r.problem), true);
      return;
    }
    rental = { id, fromMs: read.summary.fromMs, toMs: read.summary.toMs };
    el.from.value = toDateInput(rental.fromMs);
    el.to.value = toDateInput(Math.max(rental.fromMs, rental.toMs - 1));
    load();
  }

  async function more(kind) {
    const cursor = cursors[kind];
    if (period === null || cursor === null) return;
    const mine = generation;
    const button = kind === 'trips' ? el.tripsMore : el.stopsMore;
    button.disabled = true;
    const r = await api.report(carId, kind, reportQuery({ start: period.startMs, end: period.endMs, limit: PAGE_SIZE, cursor }), abort.signal);
    if (abort.signal.aborted || mine !== generation) return;
    button.disabled = false;
    const label = kind === 'trips' ? 'Trips' : 'Stops';
    if (!r.ok) {
      message(refusal(`More ${kind}`, r.problem), true);
      return;
    }
    const read = kind === 'trips' ? readTripsPage(r.data) : readStopsPage(r.data);
    if (!read.ok) {
      message(`${label} could not be read: ${read.error}`, true);
      return;
    }
    const before = (kind === 'trips' ? el.trips : el.stops).tBodies[0].rows.length;
    appendRows(kind, read);
    const body = (kind === 'trips' ? el.trips : el.stops).tBodies[0];
    // The first new row takes the focus, so a keyboard user carries on where the list grew.
    body.rows[before]?.querySelector('button, td')?.focus?.();
    message(`${body.rows.length} ${kind} shown${read.skipped > 0 ? `; ${read.skipped} could not be read` : ''}.`, read.skipped > 0);
  }

  function appendRows(kind, page) {
    cursors[kind] = page.nextCursor;
    const table = kind === 'trips' ? el.trips : el.stops;
    const rows = page.items.map(kind === 'trips' ? tripRow : stopRow);
    table.tBodies[0].append(...rows);
    if (table.tBodies[0].rows.length === 0) {
      table.tBodies[0].append(emptyRow(table, kind === 'trips' ? 'No trips in this period.' : 'No stops in this period.'));
    }
    (kind === 'trips' ? el.tripsMore : el.stopsMore).hidden = page.nextCursor === null;
  }

  function emptyRow(table, text) {
    const tr = document.createElement('tr');
    tr.className = 'empty';
    tr.setAttribute('data-testid', 'reports-empty');
    const td = document.createElement('td');
    td.colSpan = table.tHead.rows[0].cells.length;
    td.textContent = text;
    tr.append(td);
    return tr;
  }

  function cell(text, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function when(ts, label) {
    const td = document.createElement('td');
    const time = document.createElement('time');
    time.dateTime = new Date(ts).toISOString();
    time.textContent = dateTime(ts);
    td.append(time);
    if (label) {
      const small = document.createElement('span');
      small.className = 'place';
      small.textContent = label;
      td.append(small);
    }
    return td;
  }

  function tripRow(trip) {
    const tr = document.createElement('tr');
    tr.setAttribute('data-testid', 'trip-row');
    tr.dataset.start = String(trip.startTs);
    const start = when(trip.startTs, place(trip.startLatE7, trip.startLonE7, trip.startLabel));
    const pick = document.createElement('button');
    pick.type = 'button';
    pick.className = 'link';
    pick.setAttribute('data-testid', 'trip-show');
    pick.setAttribute('aria-pressed', 'false');
    pick.setAttribute('aria-label', `Show the trip from ${dateTime(trip.startTs)} on the map`);
    pick.append(...start.childNodes);
    start.append(pick);
    pick.addEventListener('click', () => selectTrip(trip, pick));
    const distance = cell(formatDistance(trip.distanceM), 'num');
    if (trip.estimated) {
      const mark = document.createElement('abbr');
      mark.className = 'estimated';
      mark.setAttribute('data-testid', 'trip-estimated');
      mark.title = estimatedNote(trip.estimatedM);
      mark.textContent = 'est.';
      distance.append(' ', mark);
    }
    tr.append(start, when(trip.endTs, place(trip.endLatE7, trip.endLonE7, trip.endLabel)), distance, cell(formatDuration(trip.durationMs), 'num'),
      cell(formatSpeed(trip.maxSpeedMmps), 'num'), cell(formatSpeed(trip.avgSpeedMmps), 'num'));
    return tr;
  }

  function stopRow(stop) {
    const tr = document.createElement('tr');
    tr.setAttribute('data-testid', 'stop-row');
    tr.append(cell(place(stop.latE7, stop.lonE7, stop.label)), when(stop.startTs, null), stop.endTs === null ? cell('still there') : when(stop.endTs, null),
      cell(stop.durationMs === null ? 'ongoing' : formatDuration(stop.durationMs), 'num'));
    return tr;
  }

  function renderDays(read) {
    const body = el.daily.tBodies[0];
    body.replaceChildren();
    // The API's daily summary has no idle time yet (left for its owner): the column shows when it does.
    const hasIdle = read !== null && read.days.some((d) => d.idleMs !== null);
    el.daily.classList.toggle('no-idle', !hasIdle);
    el.dailyNote.hidden = read === null || hasIdle;
    if (read === null) return;
    for (const d of read.days) {
      const tr = document.createElement('tr');
      tr.setAttribute('data-testid', 'day-row');
      const distance = cell(formatDistance(d.distanceM), 'num');
      if (d.estimatedM > 0) {
        const mark = document.createElement('abbr');
        mark.className = 'estimated';
        mark.title = estimatedNote(d.estimatedM);
        mark.textContent = 'est.';
        distance.append(' ', mark);
      }
      tr.append(cell(d.day), cell(String(d.trips), 'num'), distance, cell(formatHours(d.drivingMs), 'num'),
        cell(d.idleMs === null ? 'unknown' : formatHours(d.idleMs), 'num idle'), cell(formatSpeed(d.maxSpeedMmps), 'num'));
      body.append(tr);
    }
    if (read.days.length === 0) body.append(emptyRow(el.daily, 'No driving in this period.'));
  }

  function renderRental(s) {
    el.rental.hidden = s === null;
    if (s === null) return;
    const facts = [
      ['Rental', `${dateTime(s.fromMs)} to ${dateTime(s.toMs)}`],
      ['Distance', `${formatDistance(s.distanceM)}${s.estimatedM > 0 ? ` (${formatDistance(s.estimatedM)} estimated)` : ''}`],
      ['Driving time', formatDuration(s.drivingMs)],
      ['Trips', String(s.trips)],
      ['Highest speed', formatSpeed(s.maxSpeedMmps)],
      ['Overspeed episodes', s.overspeedEpisodes === null ? 'unknown' : String(s.overspeedEpisodes)],
      ['Outside the rental\'s zone', s.outsideZoneMs === null ? 'no zone set' : formatDuration(s.outsideZoneMs)],
      ['Odometer', s.startOdometerM === null ? 'unknown' : `${formatDistance(s.startOdometerM)} to ${s.endOdometerM === null ? 'now' : formatDistance(s.endOdometerM)}`],
      ['Start', place(s.startLatE7, s.startLonE7, s.start) ?? 'unknown'],
      ['End', place(s.endLatE7, s.endLonE7, s.end) ?? 'unknown'],
    ];
    el.rental.replaceChildren(...facts.map(([k, v]) => {
      const div = document.createElement('div');
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      div.append(dt, dd);
      return div;
    }));
  }

  async function selectTrip(trip, button) {
    if (selected !== null && selected.trip.startTs === trip.startTs) {
      clearTrip(true);
      return;
    }
    const mine = generation;
    clearTrip(false);
    selected = { trip, button, points: 0 };
    button.setAttribute('aria-pressed', 'true');
    button.closest('tr').classList.add('selected');
    el.trip.hidden = false;
    el.tripText.textContent = `Loading the trip from ${dateTime(trip.startTs)}…`;
    const r = await api.trip(carId, trip.startTs, abort.signal);
    if (abort.signal.aborted || mine !== generation || selected?.trip !== trip) return;
    const read = r.ok ? readTrack(r.data) : null;
    if (!r.ok || !read.ok) {
      el.tripText.textContent = r.ok ? `The trip could not be read: ${read.error}` : refusal('The trip', r.problem);
      return;
    }
    if (read.points.length === 0) {
      el.tripText.textContent = 'The trip has no fixes to draw.';
      return;
    }
    const latLngs = read.points.map((p) => [p.lat, p.lon]);
    tripLine.setLatLngs(latLngs).addTo(map);
    startMark.setLatLng(latLngs[0]).addTo(map);
    endMark.setLatLng(latLngs[latLngs.length - 1]).addTo(map);
    startMark.bindPopup(popup('Start', trip.startTs, place(trip.startLatE7, trip.startLonE7, trip.startLabel)));
    endMark.bindPopup(popup('End', trip.endTs, place(trip.endLatE7, trip.endLonE7, trip.endLabel)));
    drawn = latLngs.length;
    selected.points = drawn;
    map.invalidateSize();
    map.fitBounds(tripLine.getBounds(), { padding: [30, 30], maxZoom: 17, animate: false });
    const text = `Trip from ${dateTime(trip.startTs)} to ${dateTime(trip.endTs)}, ${formatDistance(trip.distanceM)}: ${drawn.toLocaleString('en')} fixes on the map${read.skipped > 0 ? ` (${read.skipped} could not be read)` : ''}.`;
    el.tripText.textContent = text;
    announce(text);
  }

  /** A trip end's popup: what, when and where, as text nodes (a street name is never HTML). */
  function popup(what, ts, label) {
    const div = document.createElement('div');
    div.setAttribute('data-testid', `trip-${what.toLowerCase()}-popup`);
    const strong = document.createElement('strong');
    strong.textContent = `${what} ${dateTime(ts)}`;
    div.append(strong, document.createElement('br'), label ?? 'unknown place');
    return div;
  }

  /** Removes the drawn trip; `toLive`: and brings the map back to the live car. */
  function clearTrip(toLive) {
    if (selected !== null) {
      selected.button.setAttribute('aria-pressed', 'false');
      selected.button.closest('tr')?.classList.remove('selected');
      if (toLive) selected.button.focus();
    }
    const had = selected !== null;
    selected = null;
    drawn = 0;
    tripLine.setLatLngs([]).remove();
    startMark.closePopup().unbindPopup().remove();
    endMark.closePopup().unbindPopup().remove();
    el.trip.hidden = true;
    if (toLive && had) options.showLive();
  }

  return {
    carId,
    /** Loads the report for the period in the form (also what opening the section does the first time). */
    load,
    /** @returns {number} fixes of the trip drawn on the map, 0 when none is. */
    get drawnPoints() {
      return drawn;
    },
    /**
     * @returns {Array<{x: number, y: number}>} where the drawn trip's start and end markers are, in pixels from the
     *   map's top left (for a test's click); empty when no trip is drawn.
     */
    endPoints() {
      if (drawn === 0) return [];
      return [startMark, endMark].map((m) => map.latLngToContainerPoint(m.getLatLng())).map((p) => ({ x: p.x, y: p.y }));
    },
    /** @returns {number|null} the drawn trip's start, epoch ms. */
    get selectedTrip() {
      return selected === null ? null : selected.trip.startTs;
    },
    close() {
      clearTrip(false);
      scope.dispose();
    },
  };
}
