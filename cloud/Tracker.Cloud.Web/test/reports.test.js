// src/reports.js (issue 17): periods, query strings, the readers of the report routes' JSON (fed
// malformed, truncated and fuzzed bodies), the formats shown, the exported files' names; and the
// API client's report and download calls.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi } from '../src/api.js';
import {
  EXPORTS, coordinates, exportFileName, formatDistance, formatDuration, formatHours, formatSpeed, fromDateInput,
  periodFromDays, placeLabel, readDays, readRentalSummary, readStop, readStopsPage, readTrack, readTrip, readTripsPage, rentalId,
  reportQuery, toDateInput, tripFileName,
} from '../src/reports.js';
import { seeded } from '../test-support/random.js';

// As ReportsApi.WriteTrip writes one.
const trip = (over = {}) => ({
  carId: 'car-0001', startTs: 1765000000000, endTs: 1765000600000, startLatE7: 395250000, startLonE7: -1198100000,
  endLatE7: 395300000, endLonE7: -1198000000, startLabel: '39.52500, -119.81000', endLabel: '39.53000, -119.80000',
  distanceM: 1234.5, estimatedM: 0, estimated: false, durationMs: 600000, maxSpeedMmps: 16667, avgSpeedMmps: 2057,
  startOdometerM: 5000, fixes: 600, ...over,
});
const stop = (over = {}) => ({ carId: 'car-0001', startTs: 1765000600000, endTs: 1765001200000, latE7: 395300000, lonE7: -1198000000, label: '39.53000, -119.80000', durationMs: 600000, ...over });

test('period_TwoDays_RunsFromTheFirstMidnightToTheMidnightAfterTheLast', () => {
  const p = periodFromDays('2026-12-01', '2026-12-02');
  assert.equal(p.ok, true);
  assert.equal(p.startMs, new Date(2026, 11, 1).getTime());
  assert.equal(p.endMs, new Date(2026, 11, 3).getTime());
  assert.deepEqual(periodFromDays('2026-12-06', '2026-12-06').endMs - periodFromDays('2026-12-06', '2026-12-06').startMs, 86400000);
});

test('period_LastBeforeFirst_OrNotADay_IsAnError', () => {
  assert.deepEqual(periodFromDays('2026-12-02', '2026-12-01'), { ok: false, error: 'The first day must not be after the last day.' });
  for (const bad of ['', '2026-02-31', '2026-1-1', 'today', null, undefined]) {
    assert.equal(periodFromDays(bad, '2026-12-01').ok, false, String(bad));
    assert.equal(fromDateInput(bad), null, String(bad));
  }
});

test('dateInput_RoundTripsALocalDay', () => {
  const ms = new Date(2026, 0, 9, 23, 59).getTime();
  assert.equal(toDateInput(ms), '2026-01-09');
  assert.equal(fromDateInput('2026-01-09'), new Date(2026, 0, 9).getTime());
});

test('reportQuery_KeepsSetParametersInAFixedOrder_AndEncodesTheCursor', () => {
  assert.equal(reportQuery({}), '');
  assert.equal(reportQuery({ format: 'csv', end: 2, start: 1, cursor: null, limit: undefined }), '?start=1&end=2&format=csv');
  assert.equal(reportQuery({ start: 1, end: 2, limit: 50, cursor: 'a+b/c=' }), '?start=1&end=2&limit=50&cursor=a%2Bb%2Fc%3D');
});

test('rentalId_IsCarRenterStart', () => {
  assert.equal(rentalId('car-0001', 'renter1', 1765000000000), 'car-0001/renter1/1765000000000');
});

test('formats_ShowDurationsDistancesSpeedsAndHours', () => {
  assert.equal(formatDuration(45_000), '45 s');
  assert.equal(formatDuration(725_000), '12 min 05 s');
  assert.equal(formatDuration(3 * 3600_000 + 7 * 60_000), '3 h 07 min');
  assert.equal(formatDuration(null), 'unknown');
  assert.equal(formatDuration(-1), 'unknown');
  assert.equal(formatDistance(849.6), '850 m');
  assert.equal(formatDistance(12345), '12.35 km');
  assert.equal(formatDistance(123456), '123.5 km');
  assert.equal(formatDistance(Number.NaN), 'unknown');
  assert.equal(formatSpeed(16667), '60 km/h');
  assert.equal(formatSpeed(null), 'unknown');
  assert.equal(formatHours(5_400_000), '1.5 h');
  assert.equal(formatHours(298_000), '5 min');
  assert.equal(coordinates(395250000, -1198100000), '39.52500, -119.81000');
  assert.equal(coordinates(null, 1), null);
});

test('readTrip_ReadsTheApiShape_AndMarksBridgedDistanceEstimated', () => {
  const t = readTrip(trip({ estimatedM: 120.5, estimated: true }));
  assert.equal(t.startTs, 1765000000000);
  assert.equal(t.distanceM, 1234.5);
  assert.equal(t.estimated, true);
  assert.equal(t.estimatedM, 120.5);
  assert.equal(t.startLabel, '39.52500, -119.81000');
  assert.equal(readTrip(trip()).estimated, false);
});

test('readTrip_MissingOrWrongCoreField_IsNull_AndAnUnknownSpeedStaysUnknown', () => {
  for (const over of [{ startTs: undefined }, { startTs: '1765000000000' }, { endTs: 1 }, { distanceM: -1 }, { distanceM: null },
    { durationMs: 1.5 }, { durationMs: undefined }]) {
    assert.equal(readTrip(trip(over)), null, JSON.stringify(over));
  }
  for (const bad of [null, 1, 'x', [], true]) assert.equal(readTrip(bad), null);
  const t = readTrip(trip({ maxSpeedMmps: null, avgSpeedMmps: 'fast', startLabel: undefined, startLatE7: 999_999_999 }));
  assert.equal(t.maxSpeedMmps, null);
  assert.equal(t.avgSpeedMmps, null);
  assert.equal(t.startLabel, null, 'no label is invented from a position out of the world');
});

test('readStop_OpenStopHasNoEnd_AndABadOneIsNull', () => {
  assert.deepEqual(readStop(stop({ endTs: null, durationMs: null })).endTs, null);
  assert.equal(readStop(stop()).durationMs, 600000);
  assert.equal(readStop(stop({ latE7: undefined })), null);
  assert.equal(readStop(stop({ endTs: 5 })), null);
  assert.equal(readStop(stop({ endTs: undefined })), null);
  assert.equal(readStop(stop({ durationMs: -5 })), null);
});

test('readTripsPage_KeepsGoodRowsAroundABadOne_AndCountsIt', () => {
  const r = readTripsPage({ trips: [trip(), { startTs: 'x' }, trip({ startTs: 1765000700000, endTs: 1765000800000 })], nextCursor: 'abc' });
  assert.equal(r.ok, true);
  assert.deepEqual(r.items.map((t) => t.startTs), [1765000000000, 1765000700000]);
  assert.equal(r.skipped, 1);
  assert.equal(r.nextCursor, 'abc');
  assert.equal(readStopsPage({ stops: [], nextCursor: null }).nextCursor, null);
});

test('readPages_WrongShape_IsAnErrorNotAnEmptyReport', () => {
  assert.deepEqual(readTripsPage({ stops: [] }), { ok: false, error: 'The server\'s answer has no trips list.' });
  assert.deepEqual(readTripsPage(null), { ok: false, error: 'The server\'s answer has no trips list.' });
  assert.deepEqual(readTripsPage({ trips: [], nextCursor: 42 }), { ok: false, error: 'The server\'s answer has a trips cursor that is not text.' });
  assert.equal(readStopsPage({ stops: {} }).ok, false);
  assert.equal(readDays({ days: 'none' }).ok, false);
  assert.equal(readTrack({ trip: trip(), points: 'x' }).ok, false);
  assert.equal(readTrack({ trip: {}, points: [] }).ok, false);
  assert.equal(readRentalSummary({ carId: 'car-0001' }).ok, false);
});

test('readDays_IdleIsUnknownWhenTheApiHasNone', () => {
  const r = readDays({ days: [{ carId: 'car-0001', day: '2026-12-06', trips: 2, distanceM: 5000, estimatedM: 0, drivingMs: 900000, maxSpeedMmps: 20000 }, { day: 'monday' }] });
  assert.equal(r.ok, true);
  assert.equal(r.days.length, 1);
  assert.equal(r.days[0].idleMs, null);
  assert.equal(r.skipped, 1);
  assert.equal(readDays({ days: [{ day: '2026-12-06', trips: 1, distanceM: 1, drivingMs: 1, idleMs: 600000 }] }).days[0].idleMs, 600000);
});

test('readTrack_ConvertsPoints_AndLeavesOutOnesOutOfTheWorldOrOutOfOrder', () => {
  const r = readTrack({ trip: trip(), points: [[1, 395250000, -1198100000, 0], [2, 395250900, -1198100000, 10000], [3, 950000000, 0, 0], [1, 395250000, -1198100000, 0], 'x', [4]] });
  assert.equal(r.ok, true);
  assert.deepEqual(r.points, [{ ts: 1, lat: 39.525, lon: -119.81 }, { ts: 2, lat: 39.52509, lon: -119.81 }]);
  assert.equal(r.skipped, 4);
});

test('readRentalSummary_ReadsTheBillFields_AndKeepsUnknownsUnknown', () => {
  const r = readRentalSummary({
    rentalId: 'car-0001/renter1/1', carId: 'car-0001', renter: 'renter1', fromMs: 1, toMs: 86400001, trips: 3, distanceM: 42000, estimatedM: 300,
    drivingMs: 3600000, maxSpeedMmps: 30000, overspeedEpisodes: 1, outsideZoneMs: null, startOdometerM: null, endOdometerM: null,
    startLatE7: 395250000, startLonE7: -1198100000, endLatE7: null, endLonE7: null,
  });
  assert.equal(r.ok, true);
  assert.equal(r.summary.trips, 3);
  assert.equal(r.summary.outsideZoneMs, null);
  assert.equal(r.summary.start, '39.52500, -119.81000');
  assert.equal(r.summary.end, null);
  assert.equal(r.summary.startLatE7, 395250000);
  assert.equal(readRentalSummary({ ...{ carId: 'c', fromMs: 1, toMs: 2, trips: 0, distanceM: 0, drivingMs: 0 }, startLatE7: 1, startLonE7: 2, startLabel: 'Elm Street' }).summary.start, 'Elm Street');
});

test('placeLabel_PrefersTheMapsStreet_ThenTheServersLabel_ThenCoordinates_AndInventsNothing', () => {
  const elm = (lat, lon) => (Math.abs(lon + 119.8) < 0.0005 ? 'Elm Street' : null);
  assert.equal(placeLabel(elm, 395000000, -1198000000, '39.50000, -119.80000'), 'Elm Street');
  assert.equal(placeLabel(elm, 395000000, -1190000000, 'Oak Street'), 'Oak Street');
  assert.equal(placeLabel(elm, 395000000, -1190000000, null), '39.50000, -119.00000');
  assert.equal(placeLabel(undefined, 395000000, -1198000000), '39.50000, -119.80000');
  assert.equal(placeLabel(() => '', 1, 2), '0.00000, 0.00000');
  // Unknown or impossible positions never reach the lookup, and are never given a place.
  let asked = 0;
  const counting = () => { asked++; return 'Somewhere Street'; };
  for (const [lat, lon] of [[null, 1], [1, null], [NaN, 1], [1, Infinity], [900000001, 0], [0, -1800000001], [1.5, 2]]) {
    const label = placeLabel(counting, lat, lon, null);
    assert.ok(label === null || /^-?\d+\.\d{5}, -?\d+\.\d{5}$/.test(label), `${lat}, ${lon}: ${label}`);
  }
  assert.equal(asked, 0);
});

test('readers_TruncatedBodies_NeverThrowAndNeverInventRows', () => {
  // Every prefix of a real page that still parses as JSON, and fuzzed values in every field.
  const body = JSON.stringify({ trips: [trip(), trip({ startTs: 1765000700000, endTs: 1765000800000 })], nextCursor: 'c1' });
  for (let n = 0; n <= body.length; n++) {
    let parsed;
    try {
      parsed = JSON.parse(body.slice(0, n));
    } catch {
      continue; // api.js turns a body that is not JSON into a problem before any reader sees it
    }
    const r = readTripsPage(parsed);
    assert.ok(!r.ok || r.items.length <= 2);
  }
  const rng = seeded(0x17_17);
  const junk = [null, undefined, -1, 0, 1.5, 2 ** 60, Number.NaN, '', 'x', [], {}, true, '1765000000000'];
  const readers = [readTrip, readStop, (x) => readTripsPage({ trips: [x] }), (x) => readStopsPage({ stops: [x] }),
    (x) => readDays({ days: [x] }), (x) => readTrack({ trip: trip(), points: [x] }), readRentalSummary, (x) => readTrack(x)];
  for (let i = 0; i < 5000; i++) {
    const t = trip();
    for (const key of Object.keys(t)) if (rng.below(3) === 0) t[key] = rng.pick(junk);
    const value = rng.below(10) === 0 ? rng.pick(junk) : t;
    for (const read of readers) {
      const r = read(value);
      const rows = r === null ? [] : r.items ?? r.days ?? r.points ?? [];
      for (const row of rows) {
        for (const v of Object.values(row)) assert.ok(v === null || typeof v !== 'number' || Number.isFinite(v), 'no NaN or Infinity shown');
      }
    }
  }
});

test('exportNames_SayTheCarAndTheDays', () => {
  assert.equal(exportFileName('car-0001', '2026-12-06', '2026-12-06', 'trips', 'gpx'), 'car-0001_2026-12-06_trips.gpx');
  assert.equal(exportFileName('car-0001', '2026-12-01', '2026-12-06', 'stops', 'csv'), 'car-0001_2026-12-01_to_2026-12-06_stops.csv');
  assert.equal(exportFileName('a/b', 'x', 'x', 'trips', 'kml'), 'a_b_x_trips.kml');
  assert.equal(tripFileName('car-0001', new Date(2026, 11, 6, 10, 15, 3).getTime(), 'kml'), 'car-0001_trip_2026-12-06_101503.kml');
  assert.deepEqual(Object.values(EXPORTS).map((e) => `${e.route}.${e.format}`), ['trips.csv', 'trips.gpx', 'trips.kml', 'stops.csv']);
});

/** A fetch whose answers have headers and a blob (what a download reads). */
function fileFetch(status, body, headers = {}) {
  const requests = [];
  const fetchImpl = async (url, init) => {
    requests.push({ url, init });
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: { get: (name) => headers[name.toLowerCase()] ?? null },
      text: async () => body,
      blob: async () => new Blob([body], { type: headers['content-type'] ?? '' }),
    };
  };
  return { fetchImpl, requests };
}

test('api_Report_AsksTheRouteWithTheQueryAndTheToken', async () => {
  const { fetchImpl, requests } = fileFetch(200, '{"trips":[],"nextCursor":null}');
  const api = createApi({ fetchImpl, getToken: () => 'tok' });
  const r = await api.report('car-0001', 'trips', reportQuery({ start: 1, end: 2, limit: 50 }));
  assert.deepEqual(r.data, { trips: [], nextCursor: null });
  assert.equal(requests[0].url, '/cars/car-0001/trips?start=1&end=2&limit=50');
  await api.trip('car-0001', 1765000000000);
  assert.equal(requests[1].url, '/cars/car-0001/trips/1765000000000');
  await api.rentalSummary('car-0001/renter1/5');
  assert.equal(requests[2].url, '/rentals/car-0001%2Frenter1%2F5/summary');
});

test('api_Download_KeepsTheServersBytesAndTheNextCursor', async () => {
  const gpx = '<?xml version="1.0"?>\n<gpx version="1.1"></gpx>\n';
  const { fetchImpl, requests } = fileFetch(200, gpx, { 'content-type': 'application/gpx+xml', 'x-next-cursor': 'more' });
  const api = createApi({ fetchImpl, getToken: () => 'tok' });
  const r = await api.download('car-0001', 'trips', '?format=gpx');
  assert.equal(r.ok, true);
  assert.equal(await r.data.text(), gpx);
  assert.equal(r.data.type, 'application/gpx+xml');
  assert.equal(r.nextCursor, 'more');
  assert.equal(requests[0].init.headers.authorization, 'Bearer tok');
});

test('api_DownloadRefused_IsTheProblemWordForWord', async () => {
  const detail = 'the car is not yours to see';
  const { fetchImpl } = fileFetch(403, JSON.stringify({ type: 'https://example/forbidden', title: 'Forbidden', status: 403, detail }), { 'content-type': 'application/problem+json' });
  const api = createApi({ fetchImpl, getToken: () => 'tok' });
  const r = await api.download('car-0002', 'trips', '?format=csv');
  assert.equal(r.ok, false);
  assert.equal(r.status, 403);
  assert.equal(r.problem.detail, detail);
});

test('api_ReportWithATruncatedBody_IsAProblemNotACrash', async () => {
  const { fetchImpl } = fileFetch(200, '{"trips":[{"startTs":17650');
  const api = createApi({ fetchImpl, getToken: () => 'tok' });
  const r = await api.report('car-0001', 'trips', '');
  assert.equal(r.ok, false);
  assert.equal(r.problem.title, 'The server sent a response that is not JSON');
});
