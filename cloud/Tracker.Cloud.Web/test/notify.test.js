import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  carsFrom, deliveryStateText, newSecret, readNotification, readNotificationPage, readSubscription, readSubscriptions,
  refusalText, subscriptionBody, subscriptionId, subscriptionText,
} from '../src/notify.js';
import { seeded } from '../test-support/random.js';

const at = (ms) => `@${ms}`;

// What the API lists (cloud/Tracker.Cloud.Lambda/Api/EventsApi.cs, WriteNotifications).
const delivery = (over = {}) => ({
  deliveryId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', carId: 'car-0007', eventId: 'overspeed-1700000000000', subscriptionId: 'ops-1a2b3c',
  channel: 'webhook', target: 'http://127.0.0.1:9/hook', state: 'failed', attempts: 10, nextAttemptMs: 1_700_000_600_000,
  lastError: 'HTTP 500', createdMs: 1_700_000_000_000, summary: 'overspeed car-0007 at 2023-11-14 22:13:20Z', ...over,
});

test('subscriptionBody_SendsWhatWasTyped_ChannelsOnlyWhenGiven', () => {
  assert.deepEqual(subscriptionBody({ name: ' Night desk ', types: ['overspeed', 'towing'], cars: 'car-0001, car-0002\ncar-0001', webhookUrl: ' https://hooks.example.com/x ', email: '', enabled: true, secret: 'a'.repeat(64) }),
    { name: 'Night desk', types: ['overspeed', 'towing'], cars: ['car-0001', 'car-0002'], enabled: true, webhook: { url: 'https://hooks.example.com/x', secret: 'a'.repeat(64) } });
  assert.deepEqual(subscriptionBody({ name: 'Mail', types: [], cars: '  ', webhookUrl: '', email: 'ops@example.com', enabled: false, secret: null }),
    { name: 'Mail', types: [], cars: [], enabled: false, email: 'ops@example.com' });
});

test('subscriptionBody_AnEditWithoutANewSecret_SendsNoSecret_SoTheStoredOneIsKept', () => {
  const body = subscriptionBody({ name: 'Ops', types: [], cars: '', webhookUrl: 'https://hooks.example.com/x', email: '', enabled: true, secret: null });
  assert.deepEqual(body.webhook, { url: 'https://hooks.example.com/x' });
});

test('subscriptionBody_MalformedInput_IsStillSent_ForTheServerToJudge', () => {
  // The API's reason is shown for these (no second set of rules in the browser to disagree with it).
  const body = subscriptionBody({ name: '', types: ['overspeed', 'no-such-type'], cars: '', webhookUrl: 'not a url', email: 'nobody', enabled: true, secret: 'x' });
  assert.deepEqual(body, { name: '', types: ['overspeed'], cars: [], enabled: true, webhook: { url: 'not a url', secret: 'x' }, email: 'nobody' });
});

test('carsFrom_SplitsOnCommasSpacesAndLines_EachCarOnce', () => {
  assert.deepEqual(carsFrom('car-1,car-2 car-3\n\ncar-1;car-4'), ['car-1', 'car-2', 'car-3', 'car-4']);
  assert.deepEqual(carsFrom(''), []);
  assert.deepEqual(carsFrom(undefined), []);
});

test('subscriptionId_IsTheNamesLettersAndASuffix_WithinTheApisAlphabet', () => {
  assert.equal(subscriptionId('Night desk: Överspeed!', 'a1b2c3'), 'night-desk-overspeed-a1b2c3');
  assert.equal(subscriptionId('!!!', 'ff00'), 'subscription-ff00');
  assert.equal(subscriptionId('x'.repeat(200), 'abc').length, 44);
  const r = seeded(77);
  for (let i = 0; i < 2000; i++) {
    const id = subscriptionId(String.fromCharCode(...r.bytes(r.below(60)).map((b) => b * 37)), r.pick(['00', 'abc', '', '!']));
    assert.match(id, /^[A-Za-z0-9_-]{1,64}$/, id);
  }
});

test('newSecret_Is64HexDigits_FromTheRandomBytes', () => {
  assert.equal(newSecret((b) => b.fill(0xab)), 'ab'.repeat(32));
  const a = newSecret();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, newSecret());
});

test('readSubscriptions_WhatTheApiLists_IsRead_ByName_AndMalformedOnesCounted', () => {
  const read = readSubscriptions({ subscriptions: [
    { id: 'z', name: 'Zed', types: ['towing'], cars: [], email: 'z@example.com', enabled: false },
    { id: 'a', name: 'Alpha', types: [], cars: ['car-1'], webhook: { url: 'https://hooks.example.com/a' }, enabled: true },
    { id: 'old', name: 'Old server', types: [], cars: [], email: 'o@example.com' },
    { id: 'a b', name: 'Bad id', types: [], cars: [] }, { id: 'x', name: '', types: [] }, { id: 'x', name: 'X', types: 'overspeed' },
    { id: 'x', name: 'X', webhook: { url: 7 } }, { id: 'x', name: 'X', enabled: 'yes' }, null, 3,
  ] });
  assert.deepEqual(read.subscriptions.map((s) => s.id), ['a', 'old', 'z']);
  assert.equal(read.dropped, 7);
  assert.deepEqual(read.subscriptions[0], { id: 'a', name: 'Alpha', types: [], cars: ['car-1'], webhookUrl: 'https://hooks.example.com/a', email: null, enabled: true });
  assert.equal(read.subscriptions[1].enabled, true); // a server before pausing existed
  assert.equal(read.subscriptions[2].enabled, false);
  for (const bad of [null, undefined, 3, 'x', [], {}, { subscriptions: 'x' }]) assert.equal(readSubscriptions(bad), null);
});

test('subscriptionText_SaysWhatWhoAndWhere', () => {
  const s = readSubscription({ id: 'a', name: 'A', types: ['overspeed', 'geofence-exit'], cars: ['car-1', 'car-2'], webhook: { url: 'https://h.example.com/' }, email: 'ops@example.com' });
  assert.deepEqual(subscriptionText(s), { what: 'Overspeed, Left zone', who: 'cars car-1, car-2', where: 'webhook https://h.example.com/; e-mail ops@example.com' });
  const all = readSubscription({ id: 'b', name: 'B', types: [], cars: Array.from({ length: 8 }, (_, i) => `car-${i}`), email: 'ops@example.com' });
  assert.deepEqual(subscriptionText(all), { what: 'Every event type', who: '8 cars (car-0, car-1, car-2, …)', where: 'e-mail ops@example.com' });
});

test('readNotificationPage_ReadsEachDelivery_DropsMalformedOnes_KeepsTheCursor', () => {
  const page = readNotificationPage({ notifications: [
    delivery(), delivery({ state: 'delivered', attempts: 1, lastError: undefined, deliveredMs: 1_700_000_001_000 }),
    delivery({ state: 'lost' }), delivery({ channel: 'sms' }), delivery({ attempts: -1 }), delivery({ createdMs: '1700000000000' }),
    delivery({ lastError: 5 }), delivery({ carId: '' }), delivery({ deliveredMs: 1.5 }), null, 'x',
  ], nextCursor: 'MTcwMDAwMDAwMDAwMC5hYmM' });
  assert.equal(page.notifications.length, 2);
  assert.equal(page.dropped, 9);
  assert.equal(page.nextCursor, 'MTcwMDAwMDAwMDAwMC5hYmM');
  assert.equal(page.notifications[1].deliveredMs, 1_700_000_001_000);
  assert.equal(readNotificationPage({ notifications: [] }).nextCursor, null);
  for (const bad of [null, 3, [], {}, { notifications: {} }, { notifications: [], nextCursor: 5 }]) assert.equal(readNotificationPage(bad), null);
});

test('deliveryStateText_FailedShowsItsReasonAndAttempts_RetryingItsNextAttempt', () => {
  assert.equal(deliveryStateText(readNotification(delivery()), at), 'Failed after 10 attempts: HTTP 500');
  assert.equal(deliveryStateText(readNotification(delivery({ state: 'pending', attempts: 3, nextAttemptMs: 99 })), at),
    'Retrying: 3 attempts failed (HTTP 500); next attempt at @99');
  assert.equal(deliveryStateText(readNotification(delivery({ state: 'pending', attempts: 0, lastError: null, nextAttemptMs: 5 })), at), 'Waiting: first attempt at @5');
  assert.equal(deliveryStateText(readNotification(delivery({ state: 'delivered', attempts: 1, lastError: null, deliveredMs: 7 })), at), 'Delivered at @7 (1 attempt)');
  assert.equal(deliveryStateText(readNotification(delivery({ lastError: null })), at), 'Failed after 10 attempts: no reason recorded');
});

test('readNotification_Garbage_NeverThrows_AndNeverInventsAValue', () => {
  const r = seeded(1616);
  const values = [null, undefined, 0, -1, 1, 1.5, 2 ** 60, NaN, 'x', '', 'HTTP 500', [], {}, true, 'x'.repeat(5000)];
  for (let i = 0; i < 3000; i++) {
    const json = r.pick([null, 7, 'x', [], delivery(Object.fromEntries(
      ['deliveryId', 'carId', 'eventId', 'subscriptionId', 'channel', 'target', 'state', 'attempts', 'nextAttemptMs', 'lastError', 'createdMs', 'deliveredMs', 'summary']
        .filter(() => r.below(4) === 0).map((k) => [k, r.pick(values)]),
    ))]);
    const read = readNotification(json);
    if (read !== null) {
      for (const [k, v] of Object.entries(read)) {
        if (v !== null && !(k === 'summary' && v === '')) assert.equal(v, json[k], `${k} of ${JSON.stringify(json)}`);
      }
      assert.ok(['failed', 'pending', 'delivered'].includes(read.state));
      assert.ok(typeof deliveryStateText(read, at) === 'string');
    }
  }
});

test('readSubscription_Garbage_NeverThrows', () => {
  const r = seeded(1617);
  const values = [null, undefined, 0, 'x', '', 'ok', [], ['overspeed'], [3], {}, { url: 'https://x.example/' }, { url: 3 }, true, false];
  for (let i = 0; i < 3000; i++) {
    const json = r.pick([null, 3, [], { id: r.pick(['a', 'a b', '', 5, 'x'.repeat(70)]), name: r.pick(values), types: r.pick(values), cars: r.pick(values), webhook: r.pick(values), email: r.pick(values), enabled: r.pick(values) }]);
    const read = readSubscription(json);
    if (read !== null) {
      assert.match(read.id, /^[A-Za-z0-9_-]{1,64}$/);
      assert.equal(typeof read.enabled, 'boolean');
      assert.ok(Array.isArray(read.types) && Array.isArray(read.cars));
      assert.ok(typeof subscriptionText(read).where === 'string');
    }
  }
});

test('refusalText_ShowsTheServersReasonWordForWord', () => {
  assert.equal(refusalText('The subscription', { status: 400, problem: { title: 'Bad request', detail: "'subscription' webhook must be https." } }),
    "The subscription was refused: 'subscription' webhook must be https.");
  assert.equal(refusalText('The subscription', { status: 403, problem: { title: 'Forbidden' } }), 'The subscription was refused: Forbidden');
  assert.match(refusalText('The subscription', { status: 0, problem: { title: 'x' } }), /cannot be reached: the subscription is not saved/);
});
