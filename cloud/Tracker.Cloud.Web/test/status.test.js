// src/status.js against firmware/Tracker.Core/Uplink/README.md ("Status message", and its test
// vectors): the vectors, every cut, every bit flip, each error reason, round trips and garbage.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeStatus } from '../src/status.js';
import { seal } from '../test-support/batch-builder.js';
import { buildStatus } from '../test-support/status-builder.js';
import { hex, seeded } from '../test-support/random.js';

const OFFLINE_BINARY = '02 7D 70 EF 73 00';
const ONLINE = '02 8C 16 35 30 01 F6 01 90 1C 80 C3 BB C2 06 B8 62 84 20 A9 01 02 11 00 03 05 31 2E 30 2E 30';
// Format version 1, from firmware before the backup-cell voltage: still read.
const OFFLINE_BINARY_V1 = '01 BE 23 C2 58 00';
const ONLINE_V1 = '01 57 A2 A6 FA 01 F6 90 1C 80 C3 BB C2 06 B8 62 A9 01 02 11 00 03 05 31 2E 30 2E 30';

const offline = (will) => ({
  kind: 'offline', will, ignition: 'unknown', moving: false, watched: false, uptimeS: 0, utcS: null, supplyMv: null, backupMv: null,
  signalDbm: null, fixAgeS: null, queueDepth: 0, evictions: 0, reconnects: 0, firmwareVersion: '',
});

test('decodeStatus_ReadmeOnlineVector_GivesEveryField', () => {
  assert.deepEqual(decodeStatus(hex(ONLINE)), {
    ok: true,
    status: {
      kind: 'online', will: false, ignition: 'on', moving: true, watched: false, uptimeS: 3600, utcS: 1750000000,
      supplyMv: 12600, backupMv: 4100, signalDbm: -85, fixAgeS: 2, queueDepth: 17, evictions: 0, reconnects: 3, firmwareVersion: '1.0.0',
    },
  });
});

test('decodeStatus_FormatVersion1_IsStillRead_WithTheBackupVoltageUnknown', () => {
  assert.deepEqual(decodeStatus(hex(ONLINE_V1)), {
    ok: true,
    status: {
      kind: 'online', will: false, ignition: 'on', moving: true, watched: false, uptimeS: 3600, utcS: 1750000000,
      supplyMv: 12600, backupMv: null, signalDbm: -85, fixAgeS: 2, queueDepth: 17, evictions: 0, reconnects: 3, firmwareVersion: '1.0.0',
    },
  });
  assert.deepEqual(decodeStatus(hex(OFFLINE_BINARY_V1)), { ok: true, status: offline(false) });
});

test('decodeStatus_ReadmeBinaryOffline_IsOffline', () => {
  assert.deepEqual(decodeStatus(hex(OFFLINE_BINARY)), { ok: true, status: offline(false) });
});

test('decodeStatus_WillText_IsOffline', () => {
  assert.deepEqual(decodeStatus(new TextEncoder().encode('offline')), { ok: true, status: offline(true) });
  assert.deepEqual(decodeStatus(hex('6F 66 66 6C 69 6E 65')), { ok: true, status: offline(true) });
});

test('decodeStatus_TextThatIsNotTheWill_IsRejected', () => {
  for (const text of ['Offline', 'offline\n', 'online', 'offlin', '']) {
    assert.equal(decodeStatus(new TextEncoder().encode(text)).ok, false, text);
  }
});

test('decodeStatus_EveryCut_IsRejected', () => {
  const bytes = hex(ONLINE);
  for (let length = 0; length < bytes.length; length++) {
    const r = decodeStatus(bytes.subarray(0, length));
    assert.equal(r.ok, false, `cut to ${length}`);
    assert.equal(r.error, length < 6 ? 'TooShort' : 'BadCrc', `cut to ${length}`);
  }
});

test('decodeStatus_EverySingleBitFlip_IsRejected', () => {
  for (const vector of [ONLINE, OFFLINE_BINARY]) {
    const bytes = hex(vector);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const b = Uint8Array.from(bytes);
      b[bit >> 3] ^= 0x80 >> (bit & 7);
      assert.equal(decodeStatus(b).ok, false, `bit ${bit}`);
    }
  }
});

test('decodeStatus_EachReason_IsNamed', () => {
  const cases = [
    [hex('01 BE 23 C2'), 'TooShort'],
    [hex('03 BE 23 C2 58 00'), 'UnsupportedVersion'],
    [buildStatus({ flags2: 0x02 }), 'BadFlags'],
    [buildStatus({ backupMv: 65536 }), 'OutOfRange'],
    [seal(hex('02 00 00 00 00 01 00')), 'Truncated'], // version 2 without flags 2
    [hex('01 BE 23 C2 59 00'), 'BadCrc'],
    [seal(hex('01 00 00 00 00 02')), 'UnknownKind'],
    [seal(hex('01 00 00 00 00 00 00')), 'TrailingBytes'], // offline with a byte after it
    [seal(hex('01 00 00 00 00 01')), 'Truncated'], // online without flags
    [buildStatus({ ignition: 3 }), 'BadFlags'],
    [buildStatus({ supplyMv: 65536 }), 'OutOfRange'],
    [buildStatus({ fixAgeS: 2 ** 31 }), 'OutOfRange'],
    [buildStatus({ uptimeS: 2n ** 63n }), 'OutOfRange'],
    [buildStatus({ signalDbm: -(2 ** 31) }), 'OutOfRange'],
    [buildStatus({ signalDbm: 2 ** 31 }), 'OutOfRange'],
    [buildStatus({ firmwareVersion: 'x'.repeat(33) }), 'BadFirmwareVersion'],
    [buildStatus({ versionBytes: [0x31, 0x0a] }), 'BadFirmwareVersion'],
    [buildStatus({ versionBytes: [0x7f] }), 'BadFirmwareVersion'],
  ];
  for (const [bytes, error] of cases) {
    assert.deepEqual(decodeStatus(bytes), { ok: false, error }, Buffer.from(bytes).toString('hex'));
  }
  // A version length that runs past the end, and a byte after the version.
  const good = buildStatus({ firmwareVersion: '1.0' });
  const cut = Uint8Array.from(good.subarray(0, good.length - 1));
  assert.deepEqual(decodeStatus(seal(cut)), { ok: false, error: 'Truncated' });
  const longer = new Uint8Array(good.length + 1);
  longer.set(good);
  assert.deepEqual(decodeStatus(seal(longer)), { ok: false, error: 'TrailingBytes' });
  // A varint that never ends.
  assert.deepEqual(decodeStatus(seal(hex('01 00 00 00 00 01 00 80 80'))), { ok: false, error: 'Truncated' });
});

test('decodeStatus_RoundTrip_500Reports', () => {
  const rnd = seeded(0x57a7);
  const maybe = (f) => (rnd.below(3) === 0 ? null : f());
  for (let i = 0; i < 500; i++) {
    const s = {
      ignition: rnd.below(3), moving: rnd.below(2) === 1, watched: rnd.below(2) === 1, uptimeS: rnd.int(0, 2 ** 40),
      utcS: maybe(() => rnd.int(0, 2 ** 40)), supplyMv: maybe(() => rnd.int(0, 65535)), backupMv: maybe(() => rnd.int(0, 65535)), signalDbm: maybe(() => rnd.int(-200, 50)),
      fixAgeS: maybe(() => rnd.int(0, 2 ** 31 - 1)), queueDepth: rnd.int(0, 2 ** 40), evictions: rnd.int(0, 1000), reconnects: rnd.int(0, 1000),
      firmwareVersion: String.fromCharCode(...Array.from({ length: rnd.below(33) }, () => 0x20 + rnd.below(95))),
    };
    const r = decodeStatus(buildStatus(s));
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(r.status, {
      kind: 'online', will: false, ignition: ['unknown', 'off', 'on'][s.ignition], moving: s.moving, watched: s.watched,
      uptimeS: s.uptimeS, utcS: s.utcS, supplyMv: s.supplyMv, backupMv: s.backupMv, signalDbm: s.signalDbm, fixAgeS: s.fixAgeS,
      queueDepth: s.queueDepth, evictions: s.evictions, reconnects: s.reconnects, firmwareVersion: s.firmwareVersion,
    });
  }
});

test('decodeStatus_RandomGarbage_NeverThrows', () => {
  const rnd = seeded(0xfeed);
  for (let i = 0; i < 20000; i++) {
    const b = rnd.bytes(rnd.below(48));
    if (b.length > 5 && rnd.below(2) === 0) {
      b[0] = 1;
      b[5] = rnd.below(3);
    }
    const r = decodeStatus(b.length >= 5 && rnd.below(2) === 0 ? seal(b) : b);
    assert.equal(typeof r.ok, 'boolean');
    if (!r.ok) assert.equal(typeof r.error, 'string');
  }
  for (const input of [undefined, null, 7, 'offline', {}, []]) {
    assert.deepEqual(decodeStatus(input), { ok: false, error: 'NotBytes' });
  }
});
