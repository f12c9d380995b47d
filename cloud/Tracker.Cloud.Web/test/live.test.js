import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { brokerUrl, connectLive, retryDelayMs, RETRY_BASE_MS, RETRY_MAX_MS, STABLE_MS } from '../src/live.js';
import { startWatch, WATCH_REPEAT_MS, WATCH_SECONDS } from '../src/watch.js';
import { createFrame, FALLBACK_MS } from '../src/frame.js';
import { createHooks, LIVE_LOG_MAX, logLive } from '../src/hooks.js';
import { summarizeTransitions } from '../src/summary.js';
import { age, fromDatetimeLocal, kmh, toDatetimeLocal } from '../src/timefmt.js';
import { createScope } from '../src/scope.js';

/** Timers that run when told to, for tests without sleeps. */
function manualTimers() {
  let now = 0;
  let id = 0;
  const timers = new Map();
  return {
    setInterval: (fn, ms) => { timers.set(++id, { fn, ms, at: now + ms, repeat: true }); return id; },
    setTimeout: (fn, ms) => { timers.set(++id, { fn, ms, at: now + ms, repeat: false }); return id; },
    clearInterval: (h) => timers.delete(h),
    clearTimeout: (h) => timers.delete(h),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        const [h, t] = due;
        now = t.at;
        if (t.repeat) t.at += t.ms;
        else timers.delete(h);
        t.fn();
      }
      now = end;
    },
    get pending() { return timers.size; },
  };
}

test('startWatch_PublishesNowAndEveryMinuteUntilStopped', () => {
  const timers = manualTimers();
  const sent = [];
  const watch = startWatch((topic, text) => sent.push([topic, text]), 'car-0001', timers);
  assert.deepEqual(sent, [['tracker/car-0001/live', String(WATCH_SECONDS)]]);
  timers.advance(WATCH_REPEAT_MS * 3);
  assert.equal(sent.length, 4);
  assert.ok(WATCH_REPEAT_MS < WATCH_SECONDS * 1000, 'the watch is renewed before it runs out');
  watch.stop();
  timers.advance(WATCH_REPEAT_MS * 3);
  assert.equal(sent.length, 4);
  assert.equal(timers.pending, 0);
  watch.resend();
  assert.equal(sent.length, 4, 'a stopped watch sends nothing');
});

test('createFrame_ManySchedules_RunTheWorkOnce', () => {
  const timers = manualTimers();
  const frames = [];
  let runs = 0;
  const frame = createFrame(() => runs++, { raf: (cb) => frames.push(cb), caf: () => {}, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
  for (let i = 0; i < 100; i++) frame.schedule();
  assert.equal(frames.length, 1);
  frames[0]();
  assert.equal(runs, 1);
  timers.advance(FALLBACK_MS * 2);
  assert.equal(runs, 1, 'the fallback timer was cancelled');
});

test('createFrame_NoAnimationFrame_TheTimerRunsIt', () => {
  // A hidden tab runs no requestAnimationFrame: the live marker must still move within 1 s.
  const timers = manualTimers();
  let runs = 0;
  const frame = createFrame(() => runs++, { raf: () => 1, caf: () => {}, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
  frame.schedule();
  timers.advance(FALLBACK_MS);
  assert.equal(runs, 1);
  assert.ok(FALLBACK_MS < 1000);
});

test('createFrame_MinimumInterval_SpacesRunsButNeverDropsOne', () => {
  const timers = manualTimers();
  let clock = 0;
  const frames = [];
  let runs = 0;
  const frame = createFrame(() => runs++, {
    raf: (cb) => frames.push(cb), caf: () => {}, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout,
    now: () => clock, minIntervalMs: 200,
  });
  frame.schedule();
  frames.shift()();
  assert.equal(runs, 1);
  clock = 50;
  frame.schedule(); // too soon: waits until 200 ms after the last run
  frame.schedule();
  assert.equal(frames.length, 0);
  timers.advance(149);
  assert.equal(frames.length, 0);
  timers.advance(1);
  assert.equal(frames.length, 1);
  clock = 200;
  frames.shift()();
  assert.equal(runs, 2);
  frame.schedule();
  frame.cancel();
  timers.advance(1000);
  assert.equal(runs, 2);
});

test('liveLog_KeepsTheLast5000', () => {
  const hooks = createHooks({ carsShown: () => 3, markerLatLng: () => null });
  for (let i = 0; i < LIVE_LOG_MAX + 10; i++) logLive(hooks, { carId: 'car-1', crc32: i, recvMs: i });
  assert.equal(hooks.liveLog.length, LIVE_LOG_MAX);
  assert.equal(hooks.liveLog[0].crc32, 10);
  assert.equal(hooks.carsShown(), 3);
  assert.equal(hooks.ready, false);
});

class FakeClient extends EventEmitter {
  constructor() {
    super();
    this.connected = false;
    this.subscribed = [];
    this.published = [];
    this.ended = false;
  }

  subscribe(filter, opts, cb) {
    this.subscribed.push(filter);
    if (typeof filter === 'string' && filter.includes('other')) cb?.(Object.assign(new Error('Subscribe error'), { code: 128 }));
    else cb?.(null, [{ topic: filter, qos: 0 }]);
  }

  unsubscribe(filters) {
    this.unsubscribed = filters;
  }

  publish(topic, text, opts) {
    this.published.push([topic, text, opts.qos]);
  }

  end() {
    this.ended = true;
  }

  reconnect() {
    this.reconnects = (this.reconnects ?? 0) + 1;
  }
}

function fakeMqtt() {
  const lib = { calls: [], connect(url, options) { lib.client = new FakeClient(); lib.calls.push({ url, options }); return lib.client; } };
  return lib;
}

test('connectLive_ConnectsWithUserAndToken_Mqtt311', () => {
  const lib = fakeMqtt();
  const states = [];
  connectLive({ mqttLib: lib, url: 'ws://h/mqtt', user: 'ops', getToken: () => 'jwt', onMessage: () => {}, onState: (s) => states.push(s), random: () => 0.5 });
  const { url, options } = lib.calls[0];
  assert.equal(url, 'ws://h/mqtt');
  assert.equal(options.username, 'ops');
  assert.equal(options.password, 'jwt');
  assert.equal(options.protocolVersion, 4);
  assert.equal(options.clientId, 'web-8000000080000000'); // 'jwt' has no subject: no owner tag
  assert.equal(options.timerVariant, 'native');
  lib.client.emit('connect');
  assert.deepEqual(states, ['connecting', 'connected']);
});

test('connectLive_Subscribe_NamesTheRefusedFilters', async () => {
  const lib = fakeMqtt();
  const live = connectLive({ mqttLib: lib, url: 'ws://h/mqtt', user: 'r', getToken: () => 't', onMessage: () => {}, onState: () => {} });
  const r = await live.subscribe(['fleet/car-1/fixes', 'fleet/other/fixes']);
  assert.deepEqual(r, { granted: ['fleet/car-1/fixes'], refused: ['fleet/other/fixes'] });
});

test('connectLive_NotAuthorized_AsksForANewTokenThenRetriesWithBackoff', () => {
  const lib = fakeMqtt();
  const timers = manualTimers();
  const states = [];
  let token = 'old';
  let refusals = 0;
  const live = connectLive({
    mqttLib: lib, url: 'ws://h/mqtt', user: 'r', getToken: () => token, onMessage: () => {}, onState: (s) => states.push(s),
    onRefused: () => { refusals++; token = 'new'; }, timers, random: () => 0.999,
  });
  lib.client.emit('error', Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }));
  lib.client.emit('close');
  assert.equal(refusals, 1);
  assert.equal(states.at(-1), 'refused');
  assert.equal(lib.client.reconnects ?? 0, 0);
  timers.advance(RETRY_BASE_MS);
  assert.equal(lib.client.reconnects, 1);
  assert.equal(states.at(-1), 'connecting');
  // The next attempt's URL (transformWsUrl) carries the renewed token.
  const opts = { ...lib.calls[0].options };
  lib.calls[0].options.transformWsUrl('ws://h:80/mqtt', opts);
  assert.equal(opts.password, 'new');
  // A second failure waits twice as long.
  lib.client.emit('close');
  timers.advance(RETRY_BASE_MS);
  assert.equal(lib.client.reconnects, 1);
  timers.advance(RETRY_BASE_MS);
  assert.equal(lib.client.reconnects, 2);
  live.end();
  lib.client.emit('close');
  timers.advance(RETRY_MAX_MS * 2);
  assert.equal(lib.client.reconnects, 2);
  assert.equal(states.at(-1), 'closed');
});

test('connectLive_Dropped_ReconnectsAndStartsTheBackoffAgainAfterAStableConnection', () => {
  const lib = fakeMqtt();
  const timers = manualTimers();
  let clock = 0;
  const states = [];
  connectLive({ mqttLib: lib, url: 'ws://h/mqtt', user: 'r', getToken: () => 't', onMessage: () => {}, onState: (s) => states.push(s), timers, now: () => clock, random: () => 0.999 });
  for (let i = 0; i < 5; i++) {
    lib.client.emit('close');
    timers.advance(RETRY_MAX_MS);
  }
  assert.equal(lib.client.reconnects, 5);
  lib.client.emit('connect');
  clock += STABLE_MS;
  lib.client.emit('close');
  assert.equal(states.at(-1), 'reconnecting');
  timers.advance(RETRY_BASE_MS);
  assert.equal(lib.client.reconnects, 6, 'after a stable connection the first retry is quick again');
});

test('connectLive_ThroughACustomAuthorizer_PutsNameAndTokenInTheUrl_NotInTheConnect', () => {
  const lib = fakeMqtt();
  let token = 'eyJ.a+b/c.d';
  connectLive({
    mqttLib: lib, url: 'wss://iot.example/mqtt', authorizer: { name: 'tracker-dev-live', tokenParameter: 'token' },
    user: 'ops', getToken: () => token, onMessage: () => {}, onState: () => {},
  });
  const { url, options } = lib.calls[0];
  assert.equal(url, 'wss://iot.example/mqtt?x-amz-customauthorizer-name=tracker-dev-live&token=eyJ.a%2Bb%2Fc.d');
  assert.equal(options.username, undefined);
  assert.equal(options.password, undefined);
  token = 'renewed';
  assert.equal(options.transformWsUrl('wss://iot.example:443/mqtt?x-amz-customauthorizer-name=tracker-dev-live&token=old', options),
    'wss://iot.example:443/mqtt?x-amz-customauthorizer-name=tracker-dev-live&token=renewed');
});

test('connectLive_AfterAReconnect_SubscribesAgainToWhatIsStillWanted', async () => {
  const lib = fakeMqtt();
  const timers = manualTimers();
  const live = connectLive({ mqttLib: lib, url: 'ws://h/mqtt', user: 'r', getToken: () => 't', onMessage: () => {}, onState: () => {}, timers });
  lib.client.emit('connect');
  await live.subscribe(['fleet/+/fixes', 'fleet/+/status', 'fleet/car-1/fixes']);
  live.unsubscribe(['fleet/car-1/fixes']);
  lib.client.subscribed = [];
  lib.client.emit('close');
  timers.advance(RETRY_MAX_MS);
  lib.client.emit('connect');
  assert.deepEqual(lib.client.subscribed, [['fleet/+/fixes', 'fleet/+/status']]);
});

test('retryDelayMs_DoublesUpToTheCap_WithJitterInTheUpperHalf', () => {
  assert.equal(retryDelayMs(1, () => 0), RETRY_BASE_MS / 2);
  assert.equal(retryDelayMs(3, () => 0.999999), 4 * RETRY_BASE_MS);
  assert.equal(retryDelayMs(40, () => 0.999999), RETRY_MAX_MS);
  for (let attempt = 1; attempt < 30; attempt++) {
    const d = retryDelayMs(attempt, Math.random);
    assert.ok(d >= RETRY_BASE_MS / 2 && d <= RETRY_MAX_MS, String(d));
  }
});

test('connectLive_MessagesAndPublishes_PassThrough', () => {
  const lib = fakeMqtt();
  const messages = [];
  const live = connectLive({ mqttLib: lib, url: 'ws://h/mqtt', user: 'r', getToken: () => 't', onMessage: (t, p) => messages.push([t, p.length]), onState: () => {} });
  lib.client.emit('message', 'fleet/car-1/fixes', new Uint8Array(6));
  live.publish('tracker/car-1/live', '120');
  assert.deepEqual(messages, [['fleet/car-1/fixes', 6]]);
  assert.deepEqual(lib.client.published, [['tracker/car-1/live', '120', 0]]);
  live.end();
  assert.equal(lib.client.ended, true);
});

test('brokerUrl_FollowsThePagesOrigin', () => {
  assert.equal(brokerUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, null), 'ws://127.0.0.1:8080/mqtt');
  assert.equal(brokerUrl({ protocol: 'https:', host: 'fleet.example' }, null), 'wss://fleet.example/mqtt');
  assert.equal(brokerUrl({ protocol: 'https:', host: 'x' }, 'wss://iot.example/mqtt'), 'wss://iot.example/mqtt');
  assert.equal(brokerUrl({ protocol: 'http:', host: 'h:1' }, null, { name: 'a b', tokenParameter: 'token' }, 'x&y'),
    'ws://h:1/mqtt?x-amz-customauthorizer-name=a%20b&token=x%26y');
});

test('summarizeTransitions_OneCarOrMany', () => {
  assert.equal(summarizeTransitions([{ carId: 'car-3', from: 'moving', to: 'offline' }]), 'car-3 is now offline.');
  assert.equal(summarizeTransitions([
    { carId: 'car-1', from: 'stopped', to: 'moving' },
    { carId: 'car-1', from: 'moving', to: 'offline' },
    { carId: 'car-2', from: 'stopped', to: 'moving' },
    { carId: 'car-4', from: 'stopped', to: 'moving' },
  ]), '3 cars changed: 2 now moving, 1 now offline.');
});

test('timefmt_DatetimeLocal_RoundTripsAndRejectsNonsense', () => {
  const ms = new Date(2026, 10, 23, 10, 5).getTime();
  assert.equal(toDatetimeLocal(ms), '2026-11-23T10:05');
  assert.equal(fromDatetimeLocal('2026-11-23T10:05'), ms);
  assert.equal(fromDatetimeLocal('2026-11-23T10:05:30'), ms + 30000);
  for (const bad of ['', '2026-02-31T10:00', '2026-11-23', 'yesterday', null, '2026-11-23T25:00']) {
    assert.equal(fromDatetimeLocal(bad), null, String(bad));
  }
  assert.equal(age(59000), '59 s');
  assert.equal(age(3 * 60000), '3 min');
  assert.equal(age(5 * 3600000), '5 h');
  assert.equal(age(3 * 86400000), '3 d');
  assert.equal(kmh(12000), '43.2 km/h');
  assert.equal(kmh(null), 'unknown');
});

test('createScope_DisposesNewestFirstAndSurvivesAFailure', () => {
  const scope = createScope();
  const order = [];
  scope.add(() => order.push(1));
  scope.add(() => { throw new Error('boom'); });
  scope.add(() => order.push(3));
  const error = console.error;
  console.error = () => {};
  try {
    scope.dispose();
  } finally {
    console.error = error;
  }
  assert.deepEqual(order, [3, 1]);
  scope.dispose();
  assert.deepEqual(order, [3, 1]);
});
