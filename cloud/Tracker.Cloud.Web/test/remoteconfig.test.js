import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SETTINGS, configBody, configStateText, groupBody, isSettling, readCarConfig, readGroupConfig, readGroups, refusalByCarText, typedValue, valueText,
} from '../src/remoteconfig.js';
import { seeded } from '../test-support/random.js';

// What the host answers (cloud/Tracker.Cloud.Local/Http/ConfigEndpoints.cs, View).
const view = (over = {}) => ({
  car: 'car-0001', version: 14, desired: { 'uplink.normalPeriodS': 600, 'uplink.livePeriodS': 900 },
  applied: { 'uplink.normalPeriodS': 600, 'cell.rat': 'nbiot' }, appliedVersion: 12, pending: ['cell.rat'],
  notApplied: { 'uplink.livePeriodS': 900 },
  refused: { ver: 13, code: 'Inconsistent', key: 'uplink.livePeriodS', msg: 'uplink.livePeriodS = 900 must not exceed uplink.normalPeriodS = 600' },
  ...over,
});

test('readCarConfig_TheHostsView_IsReadAsItIs', () => {
  assert.deepEqual(readCarConfig(view()), {
    car: 'car-0001', version: 14, desired: { 'uplink.normalPeriodS': 600, 'uplink.livePeriodS': 900 },
    applied: { 'uplink.normalPeriodS': 600, 'cell.rat': 'nbiot' }, appliedVersion: 12, pending: ['cell.rat'], notApplied: { 'uplink.livePeriodS': 900 },
    refused: { version: 13, code: 'Inconsistent', key: 'uplink.livePeriodS', message: 'uplink.livePeriodS = 900 must not exceed uplink.normalPeriodS = 600' },
  });
});

test('readCarConfig_ACarThatNeverReported_HasNoVersionAndNothingApplied', () => {
  const read = readCarConfig({ car: 'car-0002', version: null, desired: {}, applied: {}, appliedVersion: null, pending: [], notApplied: {}, refused: null });
  assert.equal(read.appliedVersion, null);
  assert.deepEqual(read.applied, {});
  assert.equal(configStateText(read).applied, 'Has not reported a config yet');
  assert.equal(isSettling(read), false);
});

test('readCarConfig_WrongShapes_AreNull_NeverGuessed', () => {
  for (const bad of [null, 3, 'x', [], {}, view({ car: '' }), view({ car: 'car 1' }), view({ version: -1 }), view({ version: 1.5 }), view({ appliedVersion: '12' }),
    view({ desired: [] }), view({ applied: { k: {} } }), view({ applied: { k: null } }), view({ notApplied: 'x' }), view({ pending: 'cell.rat' }),
    view({ pending: [3] }), view({ refused: 'no' }), view({ refused: { ver: 1 } }), view({ refused: { code: 'X', msg: 5 } }), view({ desired: { k: Infinity } })]) {
    assert.equal(readCarConfig(bad), null, JSON.stringify(bad));
  }
});

test('readGroupConfig_AMalformedCar_IsDroppedAndCounted_TheOthersKept', () => {
  const read = readGroupConfig({ group: 'depot-north', cars: [view({ car: 'car-0002' }), { car: 5 }, view()] });
  assert.deepEqual(read.cars.map((c) => c.car), ['car-0001', 'car-0002']);
  assert.equal(read.dropped, 1);
  assert.deepEqual(read.failed, []);
  assert.deepEqual(readGroupConfig({ group: 'g', cars: [], failed: ['car-0003: version conflict', 4] }).failed, ['car-0003: version conflict']);
  assert.equal(readGroupConfig({ cars: [] }), null);
  assert.equal(readGroupConfig({ group: 'g', cars: {} }), null);
});

test('readGroups_ListsByName_DropsMalformed', () => {
  const read = readGroups({ groups: [{ group: 'b', cars: ['car-0002'] }, { group: 'a b', cars: [] }, { group: 'a', cars: ['car-0001', 'car-0003'] }, { group: 'c', cars: [1] }] });
  assert.deepEqual(read, { groups: [{ group: 'a', cars: ['car-0001', 'car-0003'] }, { group: 'b', cars: ['car-0002'] }], dropped: 2 });
  assert.equal(readGroups({ groups: 'x' }), null);
});

test('configBody_SendsOnlyTheFieldsFilledIn_NumbersAsNumbers_TheRestAsTypedForTheHostToJudge', () => {
  assert.deepEqual(configBody({ 'uplink.normalPeriodS': ' 600 ', 'report.moving.minPeriodS': '', 'uplink.liveWhenMoving': 'false' }),
    { cfg: { 'uplink.normalPeriodS': 600, 'uplink.liveWhenMoving': false } });
  assert.deepEqual(configBody({ 'uplink.normalPeriodS': 'ten minutes' }), { cfg: { 'uplink.normalPeriodS': 'ten minutes' } });
  assert.deepEqual(configBody({ 'uplink.normalPeriodS': '-5' }), { cfg: { 'uplink.normalPeriodS': -5 } });
  assert.equal(configBody({}), null);
  assert.equal(configBody({ 'uplink.normalPeriodS': '   ' }), null);
  assert.equal(configBody({ 'not.a.setting': '5' }), null);
  assert.equal(typedValue({ type: 'boolean' }, 'true'), true);
  assert.equal(typedValue({ type: 'number' }, '1e3'), '1e3');
});

test('settings_AreTheReportPolicyAndUplinkKeys_EachOnce', () => {
  assert.equal(new Set(SETTINGS.map((s) => s.key)).size, SETTINGS.length);
  for (const s of SETTINGS) assert.match(s.key, /^(report|uplink)\./);
});

test('groupBody_TakesCarIdsAsTyped', () => {
  assert.deepEqual(groupBody('car-0001, car-0002\ncar-0001'), { cars: ['car-0001', 'car-0002'] });
});

test('stateText_SaysWhatWaitsForTheCar_ForARestart_AndTheLoadersReasonWordForWord', () => {
  const read = readCarConfig(view({ notApplied: { 'uplink.livePeriodS': 900, 'cell.rat': 'nbiot' } }));
  const text = configStateText(read);
  assert.equal(text.applied, 'Applied config version 12');
  assert.equal(text.waiting, 'Not applied yet: uplink.livePeriodS = 900');
  assert.equal(text.pending, 'Waiting for a restart: cell.rat');
  assert.equal(text.refused, 'The car refused version 13: Inconsistent (uplink.livePeriodS): uplink.livePeriodS = 900 must not exceed uplink.normalPeriodS = 600');
  assert.equal(refusalByCarText({ version: null, code: 'Syntax', key: null, message: null }), 'The car refused a change: Syntax');
  assert.equal(isSettling(read), false); // refused: nothing more will come until it changes
  assert.equal(isSettling(readCarConfig(view({ refused: null }))), true);
  assert.equal(valueText('nbiot'), '"nbiot"');
  assert.equal(valueText(undefined), '—');
});

test('readCarConfig_FuzzedViews_NeverThrow_AndNeverInventAValue', () => {
  const r = seeded(1818);
  const values = [null, undefined, 0, -1, 7, 1.5, 2 ** 60, NaN, 'x', '', [], {}, true, 'x'.repeat(2000), { a: 1 }, { a: [] }, ['k'], [1]];
  const fields = ['car', 'version', 'desired', 'applied', 'appliedVersion', 'pending', 'notApplied', 'refused'];
  for (let i = 0; i < 3000; i++) {
    const json = r.pick([null, 7, 'x', [], view(Object.fromEntries(fields.filter(() => r.below(4) === 0).map((k) => [k, r.pick(values)])))]);
    let read;
    assert.doesNotThrow(() => { read = readCarConfig(json); }, JSON.stringify(json));
    if (read === null) continue;
    assert.equal(read.car, json.car);
    for (const k of ['desired', 'applied', 'notApplied']) {
      for (const [key, v] of Object.entries(read[k])) assert.equal(v, json[k][key]);
    }
    assert.equal(read.version, json.version ?? null);
    assert.equal(read.appliedVersion, json.appliedVersion ?? null);
    const text = configStateText(read);
    assert.equal(typeof text.applied, 'string');
    assert.doesNotMatch(JSON.stringify(text), /NaN|undefined/);
  }
});

test('readGroupConfig_EveryPrefixAndRandomBytes_NeverThrow', () => {
  const whole = JSON.stringify({ group: 'g', cars: [view(), view({ car: 'car-0002' })] });
  for (let n = 0; n < whole.length; n++) {
    let json;
    try {
      json = JSON.parse(whole.slice(0, n));
    } catch {
      continue; // the API client never hands on a body that is not JSON
    }
    assert.doesNotThrow(() => readGroupConfig(json));
  }
  const r = seeded(1819);
  for (let i = 0; i < 2000; i++) {
    const text = Buffer.from(r.bytes(r.below(64))).toString('latin1');
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    assert.doesNotThrow(() => { readGroupConfig(json); readGroups(json); readCarConfig(json); });
  }
});
