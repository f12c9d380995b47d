import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrapBatch } from '../src/envelope.js';

const batch = Uint8Array.from([0x01, 0x78, 0x56, 0x34, 0x12, 0x00]);

test('a raw batch from the local broker passes through unchanged', () => {
  assert.equal(unwrapBatch(batch), batch);
});

test('the AWS republish envelope yields the base64 batch inside it', () => {
  const json = JSON.stringify({ payload: Buffer.from(batch).toString('base64'), topic: 'tracker/car-0001/fixes', clientId: 'car-0001', receivedAt: 1 });
  assert.deepEqual(unwrapBatch(new TextEncoder().encode(json)), batch);
});

test('a broken envelope gives null, never an exception', () => {
  for (const text of ['{', '{}', '{"payload":12}', '{"payload":"not base64!"}', '{"payload":"QQ"}', '{"payload":null}', '{"x":1}']) {
    assert.equal(unwrapBatch(new TextEncoder().encode(text)), null, text);
  }
  assert.equal(unwrapBatch(Uint8Array.from([0x7b, 0xff, 0xfe])), null);
});

test('random bytes after an opening brace never throw', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) & 0xff;
  for (let i = 0; i < 2000; i++) {
    const bytes = Uint8Array.from({ length: 1 + (i % 64) }, next);
    bytes[0] = 0x7b;
    const out = unwrapBatch(bytes);
    assert.ok(out === null || out instanceof Uint8Array);
  }
});
