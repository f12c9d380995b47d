import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitBody, limitText, readLimit, readLimits, refusalText } from '../src/limits.js';
import { seeded } from '../test-support/random.js';

test('limitBody_ACarsThresholds_AreSentAsTyped_AndEmptyFieldsLeftOut', () => {
  assert.deepEqual(limitBody({ scope: 'car', id: ' car-0023 ', overspeedKmh: '20', offlineAfterIgnitionOnS: '', offlineAfterIgnitionOffS: ' 900 ' }),
    { ok: true, body: { scope: 'car', id: 'car-0023', overspeedKmh: 20, offlineAfterIgnitionOffS: 900 } });
  assert.deepEqual(limitBody({ scope: 'fleet', id: 'ignored', overspeedKmh: '130' }), { ok: true, body: { scope: 'fleet', overspeedKmh: 130 } });
  assert.deepEqual(limitBody({ scope: 'rental', id: 'r-1' }), { ok: true, body: { scope: 'rental', id: 'r-1' } }); // clears the rental's
});

test('limitBody_OutOfRangeValues_AreSentForTheServerToJudge', () => {
  // 5 km/h is below the server's 10: the form does not second-guess it, the API's reason is shown.
  assert.deepEqual(limitBody({ scope: 'car', id: 'car-1', overspeedKmh: '5' }).body, { scope: 'car', id: 'car-1', overspeedKmh: 5 });
  assert.deepEqual(limitBody({ scope: 'car', id: 'car-1', overspeedKmh: '-3' }).body.overspeedKmh, -3);
  assert.deepEqual(limitBody({ scope: 'car', id: 'car-1', overspeedKmh: '12.5' }).body.overspeedKmh, 12.5);
});

test('limitBody_WhatCannotBeSent_SaysWhy', () => {
  assert.match(limitBody({ scope: 'planet' }).error, /fleet, car or rental/);
  assert.match(limitBody({ scope: 'car', id: '  ' }).error, /car's id/);
  assert.match(limitBody({ scope: 'rental', id: '' }).error, /rental's id/);
  assert.match(limitBody({ scope: 'fleet', overspeedKmh: 'fast' }).error, /Overspeed: "fast" is not a number/);
  assert.match(limitBody({ scope: 'fleet', offlineAfterIgnitionOffS: '1e3' }).error, /not a number/);
});

test('readLimits_WhatTheApiLists_IsRead_FleetFirst_AndMalformedOnesDropped', () => {
  const listed = readLimits({ limits: [
    { scope: 'car', id: 'car-2', overspeedKmh: 20 },
    { scope: 'fleet', overspeedKmh: 130, offlineAfterIgnitionOnS: 300 },
    { scope: 'car', id: 'car-1', offlineAfterIgnitionOffS: 900 },
    { scope: 'car', overspeedKmh: 20 }, { scope: 'moon', id: 'x' }, { scope: 'car', id: 'c', overspeedKmh: '20' }, { scope: 'car', id: 'c', overspeedKmh: 1.5 }, null, 7,
  ] });
  assert.deepEqual(listed.map((s) => s.id), [null, 'car-1', 'car-2']);
  assert.equal(limitText(listed[0]), 'Fleet: overspeed 130 km/h, offline, ignition on 300 s');
  assert.equal(limitText(listed[1]), 'Car car-1: offline, ignition off 900 s');
  assert.equal(limitText({ scope: 'rental', id: 'r', overspeedKmh: null, offlineAfterIgnitionOnS: null, offlineAfterIgnitionOffS: null }), 'Rental r: defaults');
  for (const bad of [null, undefined, 3, 'x', [], {}, { limits: 'x' }, { limits: {} }]) assert.deepEqual(readLimits(bad), []);
});

test('readLimit_Garbage_NeverThrows_AndNeverInventsAValue', () => {
  const r = seeded(16);
  const values = [null, undefined, 0, -1, 1, 20, 1.5, 1e12, NaN, Infinity, 'x', '20', [], {}, true];
  for (let i = 0; i < 2000; i++) {
    const json = r.pick([null, 5, 'x', [], {
      scope: r.pick(['fleet', 'car', 'rental', 'x', 3, undefined]), id: r.pick(['car-1', '', 7, undefined, 'x'.repeat(300)]),
      overspeedKmh: r.pick(values), offlineAfterIgnitionOnS: r.pick(values), offlineAfterIgnitionOffS: r.pick(values),
    }]);
    const read = readLimit(json);
    if (read !== null) {
      for (const name of ['overspeedKmh', 'offlineAfterIgnitionOnS', 'offlineAfterIgnitionOffS']) {
        assert.ok(read[name] === null || (Number.isInteger(read[name]) && read[name] === json[name]), JSON.stringify(json));
      }
    }
  }
});

test('limitBody_Garbage_NeverThrows', () => {
  const r = seeded(61);
  for (let i = 0; i < 2000; i++) {
    const text = () => String.fromCharCode(...r.bytes(r.below(8)));
    const made = limitBody({ scope: r.pick(['fleet', 'car', 'rental', text()]), id: text(), overspeedKmh: text(), offlineAfterIgnitionOnS: text(), offlineAfterIgnitionOffS: r.pick([undefined, null, text()]) });
    assert.ok(made.ok === true || typeof made.error === 'string');
    if (made.ok) for (const v of Object.values(made.body)) assert.ok(typeof v === 'string' || Number.isFinite(v));
  }
});

test('refusalText_ShowsTheServersReasonWordForWord', () => {
  assert.equal(refusalText({ status: 400, problem: { title: 'Bad request', detail: "'limit' overspeedKmh must be from 10 to 300." } }),
    "The thresholds were refused: 'limit' overspeedKmh must be from 10 to 300.");
  assert.equal(refusalText({ status: 403, problem: { title: 'Forbidden' } }), 'The thresholds were refused: Forbidden');
  assert.match(refusalText({ status: 0, problem: { title: 'x' } }), /cannot be reached/);
});
