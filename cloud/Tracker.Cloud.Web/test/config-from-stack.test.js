// scripts/config-from-stack.mjs: config.json for an AWS deployment from the stack's outputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromStack, OUTPUTS } from '../scripts/config-from-stack.mjs';
import { mergeConfig } from '../src/config.js';
import { RULES_JSON } from '../test-support/car-rules.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENDPOINT = 'a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com';
const OUT = {
  'tracker-dev': {
    WebUrl: 'https://d111111abcdef8.cloudfront.net',
    HostedUiUrl: 'https://tracker-dev-123456789012.auth.us-east-1.amazoncognito.com',
    UserPoolClientId: '3n4b5urk1ft4fl3mg5e62d9ado',
    LiveAuthorizerName: 'tracker-dev-live',
    LiveAuthorizerTokenKey: 'token',
    FixesRuleName: 'tracker_dev_fixes',
    CarRules: JSON.stringify(RULES_JSON),
  },
};

test('configFromStack_GivesTheHostedUiAndTheAuthorizer_WhichTheAppAccepts', () => {
  const config = mergeConfig(configFromStack(OUT, { iotEndpoint: ENDPOINT }));
  assert.deepEqual(config.auth, {
    mode: 'oauth',
    clientId: '3n4b5urk1ft4fl3mg5e62d9ado',
    authorizeUrl: 'https://tracker-dev-123456789012.auth.us-east-1.amazoncognito.com/oauth2/authorize',
    tokenUrl: 'https://tracker-dev-123456789012.auth.us-east-1.amazoncognito.com/oauth2/token',
    revokeUrl: 'https://tracker-dev-123456789012.auth.us-east-1.amazoncognito.com/oauth2/revoke',
    logoutUrl: 'https://tracker-dev-123456789012.auth.us-east-1.amazoncognito.com/logout',
    scopes: ['openid', 'email', 'profile'],
  });
  assert.equal(config.mqttUrl, `wss://${ENDPOINT}/mqtt`);
  assert.deepEqual(config.mqttAuthorizer, { name: 'tracker-dev-live', tokenParameter: 'token' });
});

test('configFromStack_GivesTheCarRulesTheFunctionsApply_WhichTheAppReads', () => {
  const config = mergeConfig(configFromStack(OUT, { iotEndpoint: ENDPOINT }));
  assert.notEqual(config.carRules, null);
  assert.equal(config.carRules.offlineAfterMs, RULES_JSON.offlineAfterMs);
  assert.deepEqual([...config.carRules.filters], RULES_JSON.filters);
});

test('configFromStack_MissingOrBadInput_NamesIt', () => {
  for (const key of OUTPUTS) {
    const stack = { ...OUT['tracker-dev'] };
    delete stack[key];
    assert.throws(() => configFromStack({ 'tracker-dev': stack }, { iotEndpoint: ENDPOINT }), new RegExp(key));
  }
  assert.throws(() => configFromStack({ 'tracker-dev': { ...OUT['tracker-dev'], HostedUiUrl: 'http://x.example' } }, { iotEndpoint: ENDPOINT }), /not https/);
  assert.throws(() => configFromStack({ 'tracker-dev': { ...OUT['tracker-dev'], CarRules: '{"movingThresholdMmps":' } }, { iotEndpoint: ENDPOINT }), /CarRules is not JSON/);
  assert.throws(() => configFromStack({ 'tracker-dev': { ...OUT['tracker-dev'], CarRules: '{"movingThresholdMmps":1}' } }, { iotEndpoint: ENDPOINT }), /CarRules is not the car rules/);
  assert.throws(() => configFromStack(OUT, { iotEndpoint: 'evil.example.com' }), /--iot-endpoint/);
  assert.throws(() => configFromStack(OUT, {}), /--iot-endpoint/);
  assert.throws(() => configFromStack({ a: {}, b: {} }, { iotEndpoint: ENDPOINT }), /--stack/);
  assert.throws(() => configFromStack(OUT, { stack: 'tracker-prod', iotEndpoint: ENDPOINT }), /no stack 'tracker-prod'/);
  assert.throws(() => configFromStack([], { iotEndpoint: ENDPOINT }), /not a JSON object/);
});

test('cli_WritesOverTheBuildsConfig_KeepingItsOtherKeys', () => {
  const work = mkdtempSync(join(tmpdir(), 'tracker-config-'));
  try {
    writeFileSync(join(work, 'outputs.json'), JSON.stringify(OUT));
    writeFileSync(join(work, 'config.json'), JSON.stringify({ apiBase: '', mqttUrl: null, tileUrl: 'https://tiles.example/{z}/{x}/{y}.png' }));
    const run = (...args) => spawnSync(process.execPath, [join(root, 'scripts/config-from-stack.mjs'), ...args], { encoding: 'utf8' });

    const ok = run('--outputs', join(work, 'outputs.json'), '--iot-endpoint', ENDPOINT, '--out', join(work, 'config.json'));
    assert.equal(ok.status, 0, ok.stderr);
    const written = JSON.parse(readFileSync(join(work, 'config.json'), 'utf8'));
    assert.equal(written.tileUrl, 'https://tiles.example/{z}/{x}/{y}.png');
    assert.equal(written.auth.mode, 'oauth');

    const bad = run('--outputs', join(work, 'nope.json'), '--iot-endpoint', ENDPOINT, '--out', join(work, 'other.json'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^config-from-stack: --outputs names .*nope\.json, which does not exist/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
