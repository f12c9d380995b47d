import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_TYPES, EventBook, describe, eventAt, isAlert, parseEventMessage, readEvent } from '../src/alerts.js';
import { seeded } from '../test-support/random.js';

const overspeed = (over = {}) => ({
  carId: 'car-0001', id: '00000001800000000000#overspeed#', type: 'overspeed', ts: 1_800_000_000_000, time: '2027-01-15T08:00:00.000Z',
  lat: 39.525, lon: -119.81, speedMmps: 36_111, limitMmps: 27_778, alert: false, late: false, pending: false, detectedMs: 1_800_000_020_000, ...over,
});

test('readEvent_AnApiEvent_IsRead', () => {
  const e = readEvent(overspeed({ endTs: 1_800_000_045_000, durationMs: 45_000 }));
  assert.equal(e.carId, 'car-0001');
  assert.equal(e.type, 'overspeed');
  assert.equal(e.speedMmps, 36_111);
  assert.equal(e.durationMs, 45_000);
  assert.equal(e.acknowledgedBy, null);
  assert.equal(describe(e), 'Overspeed · 130 km/h (limit 100 km/h) · for 45 s');
});

test('readEvent_Malformed_IsRefused_NeverGuessed', () => {
  for (const bad of [null, 1, 'x', [], {}, overspeed({ type: 'speeding' }), overspeed({ carId: 'car/+' }), overspeed({ ts: '1' }),
    overspeed({ ts: -1 }), overspeed({ lat: 91 }), overspeed({ lat: 10, lon: undefined }), overspeed({ speedMmps: 'fast' }),
    overspeed({ id: '' }), overspeed({ id: 'x'.repeat(300) }), overspeed({ subject: 5 }), overspeed({ ts: Infinity })]) {
    assert.equal(readEvent(bad), null, JSON.stringify(bad));
  }
});

test('parseEventMessage_GarbageBytes_NeverThrow_AndNeverMakeAnEvent', () => {
  const r = seeded(16);
  const good = new TextEncoder().encode(JSON.stringify(overspeed()));
  for (let i = 0; i < 2000; i++) {
    const bytes = i % 2 === 0 ? r.bytes(r.below(200)) : good.slice(0, r.below(good.length)); // random, and truncated
    assert.equal(parseEventMessage(bytes), null);
  }
  assert.equal(parseEventMessage(good).type, 'overspeed');
  assert.deepEqual(parseEventMessage('{"carId":"car-0001","id":"x","withdrawn":true}'), { carId: 'car-0001', id: 'x', withdrawnOnly: true });
});

test('EventBook_ARevision_UpdatesOneEntry_AndToastsOnce', () => {
  const book = new EventBook();
  const first = book.apply(readEvent(overspeed()));
  const revised = book.apply(readEvent(overspeed({ speedMmps: 40_000, endTs: 1_800_000_060_000 })));
  assert.equal(first.toast, true);
  assert.equal(revised.toast, false);
  assert.equal(book.list().length, 1);
  assert.equal(book.list()[0].speedMmps, 40_000);
});

test('EventBook_APendingEvent_ToastsWhenConfirmed_AndAWithdrawnOneNever', () => {
  const book = new EventBook();
  assert.equal(book.apply(readEvent(overspeed({ pending: true }))).toast, false);
  assert.equal(book.apply(readEvent(overspeed())).toast, true);
  const gone = { carId: 'car-0002', id: '00000001800000000000#towing#', type: 'towing', ts: 1_800_000_000_000, pending: true };
  assert.equal(book.apply(readEvent(gone)).toast, false);
  book.apply(parseEventMessage(JSON.stringify({ carId: 'car-0002', id: gone.id, withdrawn: true })));
  assert.equal(book.list().some((e) => e.carId === 'car-0002'), false);
  assert.equal(book.list({ withdrawn: true }).some((e) => e.carId === 'car-0002'), true);
});

test('EventBook_ListedEvents_AreOldNews_AndAnAcknowledgementSurvivesALiveRevision', () => {
  const book = new EventBook();
  assert.equal(book.apply(readEvent(overspeed({ acknowledgedBy: 'ops', acknowledgedMs: 5 })), { fromList: true }).toast, false);
  book.apply(readEvent(overspeed({ speedMmps: 50_000 })));
  assert.equal(book.list()[0].acknowledgedBy, 'ops');
  assert.equal(book.unacknowledged, 0);
});

test('EventBook_List_FiltersByTypeAndCar_NewestFirst', () => {
  const book = new EventBook();
  book.apply(readEvent(overspeed()));
  book.apply(readEvent(overspeed({ carId: 'car-0002', ts: 1_800_000_100_000, id: 'b' })));
  book.apply(readEvent({ carId: 'car-0002', id: 'c', type: 'ignition-on', ts: 1_800_000_200_000 }));
  assert.deepEqual(book.list().map((e) => e.id), ['c', 'b', '00000001800000000000#overspeed#']);
  assert.deepEqual(book.list({ type: 'overspeed', carId: '0002' }).map((e) => e.id), ['b']);
  assert.deepEqual(book.list({ alertsOnly: true, carId: 'CAR-0002' }).map((e) => e.id), ['b']);
});

test('EventBook_KeepsAtMostItsLimit_DroppingTheOldest', () => {
  const book = new EventBook({ maxKept: 10 });
  for (let i = 0; i < 25; i++) book.apply(readEvent(overspeed({ id: `e${i}`, ts: 1000 + i })));
  assert.equal(book.list().length, 10);
  assert.equal(book.list().at(-1).id, 'e15');
});

test('isAlert_OverspeedTowingAndFlaggedEvents_AreAlerts_IgnitionIsNot', () => {
  assert.equal(isAlert({ type: 'overspeed', alert: false }), true);
  assert.equal(isAlert({ type: 'ignition-on', alert: false }), false);
  assert.equal(isAlert({ type: 'offline', alert: true }), true);
  for (const t of EVENT_TYPES) assert.notEqual(describe(readEvent({ carId: 'c1', id: 'i', type: t, ts: 0 })), '');
});

test('eventAt_FindsTheNewestAtOrBefore', () => {
  const events = [10, 20, 30].map((ts) => ({ ts }));
  assert.deepEqual([5, 10, 25, 99].map((t) => eventAt(events, t)?.ts ?? null), [null, 10, 20, 30]);
});
