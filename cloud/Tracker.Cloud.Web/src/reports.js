// Reports (issue 17): the pure part. A period chosen as whole local days, the query strings of the
// report routes (GET /cars/{id}/trips, /stops, /daily, /trips/{startTs}, /rentals/{id}/summary),
// the readers of their JSON, the words and numbers shown, and the names of exported files.
//
// The readers take what JSON.parse gave and never throw. A body that is not the expected shape
// (a list missing, a cursor of the wrong type) is an error with a message, not an empty report; a
// row with a missing or wrong field is left out and counted, and the rows around it are kept.
// Nothing is ever filled in: an unknown number stays null and is shown as unknown.

/** Trips or stops asked for per page (the API allows 1..1000). */
export const PAGE_SIZE = 50;


const pad = (n, width = 2) => String(n).padStart(width, '0');

/**
 * @param {number} ms epoch ms.
 * @returns {string} the local day `YYYY-MM-DD`, as an `<input type="date">` takes it.
 */
export function toDateInput(ms) {
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * @param {string} value an `<input type="date">` value.
 * @returns {number|null} epoch ms of that local day's midnight, or null when it is not a day.
 */
export function fromDateInput(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (m === null) return null;
  const [y, mo, d] = m.slice(1).map(Number);
  const date = new Date(y, mo - 1, d);
  // new Date rolls 2026-02-31 into March: refuse what does not round-trip.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date.getTime();
}

/**
 * The period from the first day's start to the last day's end (both days included, local time).
 * @param {string} fromDay `YYYY-MM-DD`.
 * @param {string} toDay `YYYY-MM-DD`.
 * @returns {{ok: true, startMs: number, endMs: number} | {ok: false, error: string}} the span or why not.
 */
export function periodFromDays(fromDay, toDay) {
  const start = fromDateInput(fromDay);
  const last = fromDateInput(toDay);
  if (start === null || last === null) return { ok: false, error: 'Enter both a first and a last day.' };
  if (last < start) return { ok: false, error: 'The first day must not be after the last day.' };
  const next = new Date(last);
  next.setDate(next.getDate() + 1); // a day is not always 24 h (summer time)
  return { ok: true, startMs: start, endMs: next.getTime() };
}

/**
 * @param {{start?: number, end?: number, limit?: number, cursor?: string|null, format?: string}} query
 * @returns {string} `?start=..&end=..` with the parameters that are set, in a fixed order, or ''.
 */
export function reportQuery(query) {
  const params = new URLSearchParams();
  for (const name of ['start', 'end', 'limit', 'cursor', 'format']) {
    const v = query[name];
    if (v !== undefined && v !== null && v !== '') params.set(name, String(v));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * @param {string} carId the car.
 * @param {string} user the renter (the token's user id).
 * @param {number} fromMs the rental's start.
 * @returns {string} the rental's id as the API names it: `{car}/{renter}/{start ms}`.
 */
export function rentalId(carId, user, fromMs) {
  return `${carId}/${user}/${fromMs}`;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v) => (typeof v === 'string' ? v : null);

/** A whole number of ms or null. */
const ms = (v) => (Number.isSafeInteger(v) ? v : null);

/** A coordinate in 1e-7 degrees, inside the world, or null. */
const e7 = (v, limit) => (Number.isInteger(v) && Math.abs(v) <= limit ? v : null);

function cursorOf(body) {
  const next = body.nextCursor;
  if (next === null || next === undefined) return { ok: true, next: null };
  if (typeof next === 'string' && next !== '') return { ok: true, next };
  return { ok: false };
}

/**
 * @typedef {{startTs: number, endTs: number, startLabel: string, endLabel: string, distanceM: number,
 *   estimatedM: number, estimated: boolean, durationMs: number, maxSpeedMmps: number|null, avgSpeedMmps: number|null,
 *   fixes: number|null, startLatE7: number|null, startLonE7: number|null, endLatE7: number|null, endLonE7: number|null}} Trip
 * @typedef {{startTs: number, endTs: number|null, label: string, latE7: number, lonE7: number, durationMs: number|null}} Stop
 */

/**
 * One trip of the API (ReportsApi.WriteTrip), or null when a field it cannot do without is wrong.
 * @param {any} t the JSON.
 * @returns {Trip|null} the trip.
 */
export function readTrip(t) {
  if (!isObject(t)) return null;
  const startTs = ms(t.startTs);
  const endTs = ms(t.endTs);
  const distanceM = num(t.distanceM);
  const durationMs = ms(t.durationMs);
  if (startTs === null || endTs === null || endTs < startTs || distanceM === null || distanceM < 0 || durationMs === null || durationMs < 0) {
    return null;
  }
  const estimatedM = num(t.estimatedM);
  const startLatE7 = e7(t.startLatE7, 900_000_000);
  const startLonE7 = e7(t.startLonE7, 1_800_000_000);
  const endLatE7 = e7(t.endLatE7, 900_000_000);
  const endLonE7 = e7(t.endLonE7, 1_800_000_000);
  const speed = (v) => (num(v) !== null && v >= 0 ? v : null);
  return {
    startTs,
    endTs,
    startLabel: str(t.startLabel) ?? coordinates(startLatE7, startLonE7),
    endLabel: str(t.endLabel) ?? coordinates(endLatE7, endLonE7),
    distanceM,
    estimatedM: estimatedM !== null && estimatedM > 0 ? estimatedM : 0,
    estimated: t.estimated === true || (estimatedM !== null && estimatedM > 0),
    durationMs,
    maxSpeedMmps: speed(t.maxSpeedMmps),
    avgSpeedMmps: speed(t.avgSpeedMmps),
    fixes: Number.isSafeInteger(t.fixes) && t.fixes >= 0 ? t.fixes : null,
    startLatE7,
    startLonE7,
    endLatE7,
    endLonE7,
  };
}

/**
 * One stop (ReportsApi.WriteStops), or null. An open stop (the car is still there) has no end.
 * @param {any} s the JSON.
 * @returns {Stop|null} the stop.
 */
export function readStop(s) {
  if (!isObject(s)) return null;
  const startTs = ms(s.startTs);
  const latE7 = e7(s.latE7, 900_000_000);
  const lonE7 = e7(s.lonE7, 1_800_000_000);
  if (startTs === null || latE7 === null || lonE7 === null) return null;
  const endTs = s.endTs === null ? null : ms(s.endTs);
  const durationMs = s.durationMs === null ? null : ms(s.durationMs);
  if ((s.endTs !== null && (endTs === null || endTs < startTs)) || (s.durationMs !== null && (durationMs === null || durationMs < 0))) {
    return null;
  }
  return { startTs, endTs, label: str(s.label) ?? coordinates(latE7, lonE7), latE7, lonE7, durationMs };
}

/**
 * @param {any} body the parsed page.
 * @param {string} listName `trips` or `stops`.
 * @param {(x: any) => any} read the row reader.
 * @returns {{ok: true, items: any[], nextCursor: string|null, skipped: number} | {ok: false, error: string}}
 */
function readPage(body, listName, read) {
  if (!isObject(body) || !Array.isArray(body[listName])) {
    return { ok: false, error: `The server's answer has no ${listName} list.` };
  }
  const cursor = cursorOf(body);
  if (!cursor.ok) return { ok: false, error: `The server's answer has a ${listName} cursor that is not text.` };
  const items = [];
  let skipped = 0;
  for (const row of body[listName]) {
    const item = read(row);
    if (item === null) skipped++;
    else items.push(item);
  }
  return { ok: true, items, nextCursor: cursor.next, skipped };
}

/**
 * @param {any} body GET /cars/{id}/trips's JSON.
 * @returns the trips (Trip[]), the next cursor and how many rows could not be read; or an error.
 */
export function readTripsPage(body) {
  return readPage(body, 'trips', readTrip);
}

/**
 * @param {any} body GET /cars/{id}/stops's JSON.
 * @returns the stops (Stop[]), the next cursor and how many rows could not be read; or an error.
 */
export function readStopsPage(body) {
  return readPage(body, 'stops', readStop);
}

/**
 * @typedef {{carId: string, day: string, trips: number, distanceM: number, estimatedM: number, drivingMs: number,
 *   idleMs: number|null, maxSpeedMmps: number|null}} Day
 */

/**
 * GET /cars/{id}/daily's JSON: one entry per UTC day with trips (days without are absent). The API
 * has no idle time yet: idleMs is read when it is there and is null (unknown) when it is not.
 * @param {any} body the parsed JSON.
 * @returns {{ok: true, days: Day[], skipped: number} | {ok: false, error: string}} the days.
 */
export function readDays(body) {
  if (!isObject(body) || !Array.isArray(body.days)) return { ok: false, error: 'The server\'s answer has no days list.' };
  const days = [];
  let skipped = 0;
  for (const d of body.days) {
    const day = isObject(d) && typeof d.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d.day) ? d.day : null;
    const trips = isObject(d) && Number.isSafeInteger(d.trips) && d.trips >= 0 ? d.trips : null;
    const distanceM = isObject(d) ? num(d.distanceM) : null;
    const drivingMs = isObject(d) ? ms(d.drivingMs) : null;
    if (day === null || trips === null || distanceM === null || distanceM < 0 || drivingMs === null || drivingMs < 0) {
      skipped++;
      continue;
    }
    const estimatedM = num(d.estimatedM);
    const idleMs = ms(d.idleMs);
    const max = num(d.maxSpeedMmps);
    days.push({
      carId: str(d.carId) ?? '',
      day,
      trips,
      distanceM,
      estimatedM: estimatedM !== null && estimatedM > 0 ? estimatedM : 0,
      drivingMs,
      idleMs: idleMs !== null && idleMs >= 0 ? idleMs : null,
      maxSpeedMmps: max !== null && max >= 0 ? max : null,
    });
  }
  return { ok: true, days, skipped };
}

/**
 * GET /cars/{id}/trips/{startTs}'s JSON: the trip and its fixes as [ts, latE7, lonE7, speedMmps].
 * A point out of the world or out of time order is left out (counted); the trip itself must read.
 * @param {any} body the parsed JSON.
 * @returns {{ok: true, trip: Trip, points: Array<{ts: number, lat: number, lon: number}>, skipped: number}
 *   | {ok: false, error: string}} the track.
 */
export function readTrack(body) {
  if (!isObject(body)) return { ok: false, error: 'The server\'s answer is not a trip.' };
  const trip = readTrip(body.trip);
  if (trip === null) return { ok: false, error: 'The server\'s answer has no readable trip.' };
  if (!Array.isArray(body.points)) return { ok: false, error: 'The server\'s answer has no points list.' };
  const points = [];
  let skipped = 0;
  for (const p of body.points) {
    const ts = Array.isArray(p) ? ms(p[0]) : null;
    const lat = Array.isArray(p) ? e7(p[1], 900_000_000) : null;
    const lon = Array.isArray(p) ? e7(p[2], 1_800_000_000) : null;
    if (ts === null || lat === null || lon === null || (points.length > 0 && ts < points[points.length - 1].ts)) {
      skipped++;
      continue;
    }
    points.push({ ts, lat: lat / 1e7, lon: lon / 1e7 });
  }
  return { ok: true, trip, points, skipped };
}

/**
 * @typedef {{rentalId: string, carId: string, renter: string, fromMs: number, toMs: number, trips: number,
 *   distanceM: number, estimatedM: number, drivingMs: number, maxSpeedMmps: number|null, overspeedEpisodes: number|null,
 *   outsideZoneMs: number|null, startOdometerM: number|null, endOdometerM: number|null,
 *   start: string|null, end: string|null, startLatE7: number|null, startLonE7: number|null,
 *   endLatE7: number|null, endLonE7: number|null}} RentalSummary
 */

/**
 * GET /rentals/{id}/summary's JSON (ReportsApi.WriteRental).
 * @param {any} r the parsed JSON.
 * @returns {{ok: true, summary: RentalSummary} | {ok: false, error: string}} the summary.
 */
export function readRentalSummary(r) {
  const fromMs = isObject(r) ? ms(r.fromMs) : null;
  const toMs = isObject(r) ? ms(r.toMs) : null;
  const trips = isObject(r) && Number.isSafeInteger(r.trips) && r.trips >= 0 ? r.trips : null;
  const distanceM = isObject(r) ? num(r.distanceM) : null;
  const drivingMs = isObject(r) ? ms(r.drivingMs) : null;
  if (fromMs === null || toMs === null || toMs < fromMs || trips === null || distanceM === null || distanceM < 0 || drivingMs === null || typeof r.carId !== 'string') {
    return { ok: false, error: 'The server\'s rental summary is missing a field.' };
  }
  const nullableMs = (v) => (v === null || v === undefined ? null : ms(v));
  const nullableNum = (v) => (v === null || v === undefined ? null : num(v));
  const estimatedM = num(r.estimatedM);
  const max = num(r.maxSpeedMmps);
  return {
    ok: true,
    summary: {
      rentalId: str(r.rentalId) ?? '',
      carId: r.carId,
      renter: str(r.renter) ?? '',
      fromMs,
      toMs,
      trips,
      distanceM,
      estimatedM: estimatedM !== null && estimatedM > 0 ? estimatedM : 0,
      drivingMs,
      maxSpeedMmps: max !== null && max >= 0 ? max : null,
      overspeedEpisodes: Number.isSafeInteger(r.overspeedEpisodes) && r.overspeedEpisodes >= 0 ? r.overspeedEpisodes : null,
      outsideZoneMs: nullableMs(r.outsideZoneMs),
      startOdometerM: nullableNum(r.startOdometerM),
      endOdometerM: nullableNum(r.endOdometerM),
      start: str(r.startLabel) ?? coordinates(e7(r.startLatE7, 900_000_000), e7(r.startLonE7, 1_800_000_000)),
      end: str(r.endLabel) ?? coordinates(e7(r.endLatE7, 900_000_000), e7(r.endLonE7, 1_800_000_000)),
      startLatE7: e7(r.startLatE7, 900_000_000),
      startLonE7: e7(r.startLonE7, 1_800_000_000),
      endLatE7: e7(r.endLatE7, 900_000_000),
      endLonE7: e7(r.endLonE7, 1_800_000_000),
    },
  };
}

/**
 * The place a person reads for a position: the town's street from the map's own streets (src/streets.js
 * nearestStreet) when one is within reach, else the server's label (the same streets on the local host,
 * coordinates on AWS, where no place index is configured), else the coordinates. Never invents one: an
 * unknown position with no server label is null.
 * @param {((lat: number, lon: number) => string|null)|null|undefined} nearest the map's street lookup, if any.
 * @param {number|null} latE7 latitude, 1e-7 degrees.
 * @param {number|null} lonE7 longitude.
 * @param {string|null} [serverLabel] the API's label.
 * @returns {string|null} the label.
 */
export function placeLabel(nearest, latE7, lonE7, serverLabel = null) {
  if (typeof nearest === 'function' && Number.isInteger(latE7) && Number.isInteger(lonE7) && Math.abs(latE7) <= 900_000_000 && Math.abs(lonE7) <= 1_800_000_000) {
    const street = nearest(latE7 / 1e7, lonE7 / 1e7);
    if (typeof street === 'string' && street !== '') return street;
  }
  return serverLabel ?? coordinates(latE7, lonE7);
}

/**
 * @param {number|null} latE7 latitude, 1e-7 degrees.
 * @param {number|null} lonE7 longitude.
 * @returns {string|null} `lat, lon` to five decimals (about a metre), or null when either is unknown.
 */
export function coordinates(latE7, lonE7) {
  if (!Number.isFinite(latE7) || !Number.isFinite(lonE7)) return null;
  return `${(latE7 / 1e7).toFixed(5)}, ${(lonE7 / 1e7).toFixed(5)}`;
}

/**
 * @param {number|null} ms a duration.
 * @returns {string} `45 s`, `12 min 05 s`, `3 h 07 min`, or `unknown`.
 */
export function formatDuration(ms) {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return 'unknown';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

/**
 * @param {number|null} ms a duration.
 * @returns {string} hours with one decimal (`2.5 h`), as a daily summary shows driving time; whole
 *   minutes under an hour (`5 min`, where `0.1 h` would say little); or `unknown`.
 */
export function formatHours(ms) {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 3600000) return `${Math.round(ms / 60000)} min`;
  return `${(ms / 3600000).toFixed(1)} h`;
}

/**
 * @param {number|null} m metres.
 * @returns {string} `850 m` under a kilometre, `12.35 km` under a hundred, `123.5 km` above, or `unknown`.
 */
export function formatDistance(m) {
  if (m === null || !Number.isFinite(m) || m < 0) return 'unknown';
  if (m < 1000) return `${Math.round(m)} m`;
  if (m < 100000) return `${(m / 1000).toFixed(2)} km`;
  return `${(m / 1000).toFixed(1)} km`;
}

/**
 * @param {number|null} mmps mm/s.
 * @returns {string} whole km/h, or `unknown`.
 */
export function formatSpeed(mmps) {
  if (mmps === null || !Number.isFinite(mmps) || mmps < 0) return 'unknown';
  return `${Math.round(mmps * 0.0036)} km/h`;
}

/**
 * What the "estimated" mark says: the part of a distance bridged across a gap in the fixes.
 * @param {number} estimatedM the bridged metres.
 * @returns {string} the mark's title.
 */
export function estimatedNote(estimatedM) {
  return `Includes ${formatDistance(estimatedM)} estimated across a gap in the fixes (a tunnel or a dead zone)`;
}

/** The exports the view offers: what each asks of the API and the file it saves. */
export const EXPORTS = {
  'trips-csv': { route: 'trips', format: 'csv', ext: 'csv', label: 'Trips CSV', what: 'trips' },
  'trips-gpx': { route: 'trips', format: 'gpx', ext: 'gpx', label: 'GPX', what: 'trips' },
  'trips-kml': { route: 'trips', format: 'kml', ext: 'kml', label: 'KML', what: 'trips' },
  'stops-csv': { route: 'stops', format: 'csv', ext: 'csv', label: 'Stops CSV', what: 'stops' },
};

/**
 * @param {string} carId the car.
 * @param {string} fromDay the period's first day `YYYY-MM-DD`.
 * @param {string} toDay the last day.
 * @param {string} what `trips` or `stops`.
 * @param {string} ext the extension.
 * @returns {string} e.g. `car-0001_2026-12-01_to_2026-12-06_trips.gpx` (one day: `car-0001_2026-12-06_trips.gpx`).
 */
export function exportFileName(carId, fromDay, toDay, what, ext) {
  const days = fromDay === toDay ? fromDay : `${fromDay}_to_${toDay}`;
  return `${safeName(carId)}_${safeName(days)}_${what}.${ext}`;
}

/**
 * @param {string} carId the car.
 * @param {number} startTs the trip's start, epoch ms.
 * @param {string} ext the extension.
 * @returns {string} e.g. `car-0001_trip_2026-12-06_1015.gpx` (the local start time).
 */
export function tripFileName(carId, startTs, ext) {
  const d = new Date(startTs);
  return `${safeName(carId)}_trip_${toDateInput(startTs)}_${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}.${ext}`;
}

/** Only characters every file system takes. */
function safeName(text) {
  return String(text).replace(/[^A-Za-z0-9._-]/g, '_');
}
