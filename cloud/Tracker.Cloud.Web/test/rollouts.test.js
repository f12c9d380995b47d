import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actionsFor, carStateText, isActive, progressText, readCarUpdate, readImage, readImages, readRollout, readRolloutCar, readRollouts, rolloutBody,
  settingsText, sizeText, stateClass,
} from '../src/rollouts.js';
import { seeded } from '../test-support/random.js';

// What the host answers (cloud/Tracker.Cloud.Local/Jobs/RolloutService.cs View, RolloutEndpoints.cs Summary, CarView).
const image = (over = {}) => ({ version: '2.0.0', size: 102_400, sha256: 'ab'.repeat(32), keyId: '0123456789abcdef', ...over });
const rollout = (over = {}) => ({
  id: 'r0001-1a2b3c4d', group: 'g200', version: '2.0.0', jobId: 'rollout-r0001-1a2b3c4d', state: 'running', ratePerMinute: 10,
  abort: { failurePercent: 50, minCount: 2 }, abortReason: null, created: '2026-12-07T06:00:00.0000000+00:00', released: 2,
  counts: { IN_PROGRESS: 1, PENDING: 1, SUCCEEDED: 1 },
  cars: [
    { car: 'car-0201', state: 'SUCCEEDED', step: null, reason: null },
    { car: 'car-0202', state: 'IN_PROGRESS', step: 'download', reason: null },
    { car: 'car-0203', state: 'PENDING', step: null, reason: null },
  ],
  ...over,
});

test('readRollout_TheHostsView_IsReadAsItIs', () => {
  const read = readRollout(rollout());
  assert.equal(read.id, 'r0001-1a2b3c4d');
  assert.deepEqual(read.abort, { failurePercent: 50, minCount: 2 });
  assert.deepEqual(read.cars.map((c) => carStateText(c)), ['Succeeded', 'In progress: downloading', 'Waiting for release']);
  assert.equal(progressText(read), '1 of 3 succeeded, 1 waiting for release, 1 in progress; 2 released');
  assert.equal(settingsText(read), '10 cars a minute, abort at 50 % failed of at least 2');
  assert.equal(settingsText(readRollout(rollout({ abort: null, ratePerMinute: 1 }))), '1 car a minute, no abort criterion');
  assert.equal(read.droppedCars, 0);
});

test('readRollout_AListEntryWithoutCars_HasCarsNull', () => {
  const { cars, ...rest } = rollout();
  assert.equal(cars.length, 3);
  assert.equal(readRollout(rest).cars, null);
  const list = readRollouts({ rollouts: [rest, { id: 'x' }, rollout({ id: 'r0002-00000000', state: 'completed' })] });
  assert.deepEqual(list.rollouts.map((r) => r.id), ['r0001-1a2b3c4d', 'r0002-00000000']);
  assert.equal(list.dropped, 1);
  assert.equal(readRollouts({}), null);
});

test('readRollout_WrongShapes_AreNull', () => {
  for (const bad of [null, [], 'x', rollout({ id: 'a b' }), rollout({ state: 'exploded' }), rollout({ ratePerMinute: 0 }), rollout({ ratePerMinute: '10' }),
    rollout({ released: -1 }), rollout({ created: 'yesterday' }), rollout({ abort: { failurePercent: 50 } }), rollout({ counts: { running: 1 } }),
    rollout({ counts: { FAILED: -1 } }), rollout({ cars: {} }), rollout({ abortReason: 5 })]) {
    assert.equal(readRollout(bad), null, JSON.stringify(bad));
  }
});

test('readRollout_AMalformedCar_IsDroppedAndCounted_TheOthersKept', () => {
  const read = readRollout(rollout({ cars: [{ car: 'car-0201', state: 'FAILED', reason: 'Digest' }, { car: 3, state: 'QUEUED' }, { car: 'car-0203', state: 'queued' }] }));
  assert.deepEqual(read.cars, [{ car: 'car-0201', state: 'FAILED', step: null, reason: 'Digest' }]);
  assert.equal(read.droppedCars, 2);
});

test('carStateText_EveryState_InWords_WithTheCarsReason', () => {
  const c = (state, step = null, reason = null) => carStateText({ state, step, reason });
  assert.equal(c('QUEUED'), 'Queued');
  assert.equal(c('IN_PROGRESS', 'switching'), 'In progress: switching to it');
  assert.equal(c('IN_PROGRESS', 'other-step'), 'In progress: other-step');
  assert.equal(c('FAILED', null, 'NotConfirmed'), 'Failed: NotConfirmed');
  assert.equal(c('REJECTED', null, 'Signature'), 'Rejected: Signature');
  assert.equal(c('CANCELED'), 'Canceled');
  assert.equal(c('TIMED_OUT'), 'TIMED_OUT'); // a state this page does not know, by name
  assert.equal(c(null), 'In no rollout');
  assert.equal(stateClass('IN_PROGRESS'), 'in-progress');
  assert.equal(stateClass('TIMED_OUT'), 'other');
});

test('actions_FollowTheRolloutsState', () => {
  assert.deepEqual(actionsFor('running'), ['pause', 'cancel']);
  assert.deepEqual(actionsFor('paused'), ['resume', 'cancel']);
  for (const s of ['completed', 'aborted', 'canceled', 'nonsense']) assert.deepEqual(actionsFor(s), []);
  assert.equal(isActive({ state: 'paused' }), true);
  assert.equal(isActive({ state: 'aborted' }), false);
});

test('rolloutBody_WholeNumbersAsNumbers_TheRestAsTyped_NoAbortWhenNoPercentage', () => {
  assert.deepEqual(rolloutBody({ version: ' 2.0.0 ', ratePerMinute: '10', failurePercent: '', minCount: '3' }), { version: '2.0.0', ratePerMinute: 10 });
  assert.deepEqual(rolloutBody({ version: '2.0.0', ratePerMinute: '1.5', failurePercent: '50', minCount: '' }), { version: '2.0.0', ratePerMinute: '1.5', abort: { failurePercent: 50 } });
  assert.deepEqual(rolloutBody({ version: '2.0.0', ratePerMinute: '600', failurePercent: '50', minCount: '2' }), { version: '2.0.0', ratePerMinute: 600, abort: { failurePercent: 50, minCount: 2 } });
  assert.deepEqual(rolloutBody({}), { version: '', ratePerMinute: '' });
});

test('readImages_NewestVersionFirst_MalformedDropped', () => {
  const read = readImages({ images: [image({ version: '1.10.0' }), image({ version: '1.9.0' }), image({ sha256: 'xyz' }), image({ version: '.hidden' }), image({ version: '2.0.0' })] });
  assert.deepEqual(read.images.map((i) => i.version), ['2.0.0', '1.10.0', '1.9.0']);
  assert.equal(read.dropped, 2);
  assert.equal(readImage(image({ size: -1 })), null);
  assert.equal(readImages({ images: 'x' }), null);
  assert.equal(sizeText(102_400), '100.0 KiB');
  assert.equal(sizeText(3 * 1024 * 1024), '3.00 MiB');
});

test('readCarUpdate_ACarInNoRollout_AndOneInOne', () => {
  assert.deepEqual(readCarUpdate({ car: 'car-0001', version: null }), { car: 'car-0001', version: null, rollout: null, target: null, state: null, step: null, reason: null });
  assert.deepEqual(readCarUpdate({ car: 'car-0201', version: 'sim-1.0', rollout: 'r0001-1a2b3c4d', target: '2.0.0', state: 'FAILED', step: null, reason: 'Digest' }),
    { car: 'car-0201', version: 'sim-1.0', rollout: 'r0001-1a2b3c4d', target: '2.0.0', state: 'FAILED', step: null, reason: 'Digest' });
  for (const bad of [null, {}, { car: 'c', version: 3 }, { car: 'c', state: [] }, { car: 'c', reason: '' }]) assert.equal(readCarUpdate(bad), null);
});

test('readers_FuzzedAnswers_NeverThrow_AndNeverInventAValue', () => {
  const r = seeded(1820);
  const values = [null, undefined, 0, -1, 7, 1.5, 2 ** 60, NaN, 'x', '', 'QUEUED', 'running', [], {}, true, 'x'.repeat(2000), { FAILED: 1 }, [{ car: 'c', state: 'QUEUED' }]];
  const fields = ['id', 'group', 'version', 'state', 'ratePerMinute', 'abort', 'abortReason', 'created', 'released', 'counts', 'cars'];
  for (let i = 0; i < 3000; i++) {
    const json = r.pick([null, 3, 'x', [], rollout(Object.fromEntries(fields.filter(() => r.below(4) === 0).map((k) => [k, r.pick(values)])))]);
    let read;
    assert.doesNotThrow(() => { read = readRollout(json); }, JSON.stringify(json));
    if (read === null) continue;
    for (const k of ['id', 'group', 'version', 'state', 'ratePerMinute', 'released', 'created']) assert.equal(read[k], json[k]);
    assert.doesNotMatch(progressText(read) + settingsText(read), /NaN|undefined/);
    for (const c of read.cars ?? []) assert.equal(typeof carStateText(c), 'string');
  }
  for (let i = 0; i < 2000; i++) {
    const pick = () => r.pick(values);
    assert.doesNotThrow(() => {
      readRolloutCar({ car: pick(), state: pick(), step: pick(), reason: pick() });
      readCarUpdate({ car: r.pick(['car-0001', pick()]), version: pick(), state: pick(), step: pick(), reason: pick() });
      readImages({ images: [image({ version: pick() }), image({ size: pick(), sha256: pick() }), pick()] });
      readRollouts({ rollouts: [pick(), rollout({ cars: pick() })] });
    });
  }
});

test('readers_EveryPrefixOfAnAnswer_NeverThrows', () => {
  for (const whole of [JSON.stringify(rollout()), JSON.stringify({ images: [image()] }), JSON.stringify({ rollouts: [rollout()] })]) {
    for (let n = 0; n < whole.length; n++) {
      let json;
      try {
        json = JSON.parse(whole.slice(0, n));
      } catch {
        continue;
      }
      assert.doesNotThrow(() => { readRollout(json); readImages(json); readRollouts(json); readCarUpdate(json); });
    }
  }
});
