import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asBytes, crc32, frameCrc, storedCrc } from '../src/crc32.js';
import { hex } from '../test-support/random.js';

test('crc32_CheckValue_IsCbf43926', () => {
  // CRC-32/ISO-HDLC's check value (Wire/README.md, "CRC-32").
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('frameCrc_OfThePublishedEmptyBatch_MatchesItsHeader', () => {
  const b = hex('01be23c25800');
  assert.equal(frameCrc(b, b.length), 0x58c223be);
  assert.equal(storedCrc(b), 0x58c223be);
});

test('asBytes_ViewsWithoutCopying', () => {
  const buffer = new ArrayBuffer(8);
  const view = asBytes(new DataView(buffer, 2, 4));
  assert.equal(view.buffer, buffer);
  assert.equal(view.byteOffset, 2);
  assert.equal(view.length, 4);
  assert.equal(asBytes('x'), null);
});
