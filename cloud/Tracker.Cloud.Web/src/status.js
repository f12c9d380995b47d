// Decoder for the tracker's status message, format versions 2 and 1 (firmware/Tracker.Core/Uplink/
// README.md, "Status message"; StatusCodec.cs), and for the MQTT last will, the ASCII text
// `offline`, which the broker also publishes when a car's connection drops.
//
// It never throws: any input gives {ok: true, status} or {ok: false, error}, with the firmware's
// StatusError names plus 'NotBytes'. Counters and times are 64-bit on the wire; they come back as
// JavaScript numbers, exact up to 2^53 (an uptime of 285 million years).

import { asBytes, frameCrc, storedCrc } from './crc32.js';
import { readVarint, unZigZag } from './varint.js';

/** Byte 0 of a binary status message as the firmware writes it now (2 adds the backup-cell voltage). */
export const STATUS_VERSION = 2;

/** The oldest version still read (firmware before the backup-cell voltage). */
export const STATUS_OLDEST_VERSION = 1;

const WILL_TEXT = 'offline';
const OFFLINE_BYTES = 6;
const KIND_OFFSET = 5;
const KIND_OFFLINE = 0;
const KIND_ONLINE = 1;
const MAX_FIRMWARE_VERSION_LENGTH = 32;
const MAX_SUPPLY_MV = 65535n;
const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const LONG_MAX = (1n << 63n) - 1n;
const FLAG_IGNITION_MASK = 0x03;
const FLAG_MOVING = 0x04;
const FLAG_WATCHED = 0x08;
const FLAG_UTC = 0x10;
const FLAG_SUPPLY = 0x20;
const FLAG_SIGNAL = 0x40;
const FLAG_FIX_AGE = 0x80;
const FLAG2_BACKUP = 0x01;
const IGNITION = ['unknown', 'off', 'on'];

/**
 * @typedef {object} TrackerStatus
 * @property {'online'|'offline'} kind online, or offline (the will, the broker's notice, or the binary offline form).
 * @property {boolean} will true when the payload was the text `offline`.
 * @property {'unknown'|'off'|'on'} ignition the ignition input.
 * @property {boolean} moving the report policy is in its moving profile.
 * @property {boolean} watched someone watches the car (a live request has not expired).
 * @property {number} uptimeS seconds since the firmware started.
 * @property {number|null} utcS the device's clock, s since the epoch, or null when not valid.
 * @property {number|null} supplyMv supply (12 V) voltage, or null.
 * @property {number|null} backupMv backup-cell voltage, or null (no cell, or format version 1).
 * @property {number|null} signalDbm signal strength, or null.
 * @property {number|null} fixAgeS seconds since the last GNSS fix, or null when none since boot.
 * @property {number} queueDepth fixes waiting in the device's log.
 * @property {number} evictions fixes dropped unsent since boot.
 * @property {number} reconnects reconnections since boot.
 * @property {string} firmwareVersion printable ASCII, empty when offline.
 */

function blank(kind, will) {
  return {
    kind,
    will,
    ignition: 'unknown',
    moving: false,
    watched: false,
    uptimeS: 0,
    utcS: null,
    supplyMv: null,
    backupMv: null,
    signalDbm: null,
    fixAgeS: null,
    queueDepth: 0,
    evictions: 0,
    reconnects: 0,
    firmwareVersion: '',
  };
}

function isWill(bytes) {
  if (bytes.length !== WILL_TEXT.length) {
    return false;
  }
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== WILL_TEXT.charCodeAt(i)) {
      return false;
    }
  }
  return true;
}

function fail(error) {
  return { ok: false, error };
}

/**
 * Decodes one status payload.
 * @param {unknown} input the payload: Uint8Array (a Buffer is one), another typed array, a
 *   DataView or an ArrayBuffer.
 * @returns {{ok: true, status: TrackerStatus} | {ok: false, error: string}} the status, or why it
 *   was rejected.
 */
export function decodeStatus(input) {
  const bytes = asBytes(input);
  if (bytes === null) {
    return fail('NotBytes');
  }
  if (isWill(bytes)) {
    return { ok: true, status: blank('offline', true) };
  }

  // Frame checks: length, version, CRC, kind (StatusCodec.Check).
  const end = bytes.length;
  if (end < OFFLINE_BYTES) {
    return fail('TooShort');
  }
  if (bytes[0] < STATUS_OLDEST_VERSION || bytes[0] > STATUS_VERSION) {
    return fail('UnsupportedVersion');
  }
  if (storedCrc(bytes) !== frameCrc(bytes, end)) {
    return fail('BadCrc');
  }
  const kind = bytes[KIND_OFFSET];
  if (kind !== KIND_OFFLINE && kind !== KIND_ONLINE) {
    return fail('UnknownKind');
  }
  let o = KIND_OFFSET + 1;
  if (kind === KIND_OFFLINE) {
    return o === end ? { ok: true, status: blank('offline', false) } : fail('TrailingBytes');
  }
  if (o >= end) {
    return fail('Truncated');
  }

  const status = blank('online', false);
  const flags = bytes[o++];
  const ignition = flags & FLAG_IGNITION_MASK;
  if (ignition === 3) {
    return fail('BadFlags');
  }
  status.ignition = IGNITION[ignition];
  status.moving = (flags & FLAG_MOVING) !== 0;
  status.watched = (flags & FLAG_WATCHED) !== 0;

  // Version 2 adds a second flags byte (StatusCodec.Decode); version 1 has none.
  let flags2 = 0;
  if (bytes[0] >= 2) {
    if (o >= end) {
      return fail('Truncated');
    }
    flags2 = bytes[o++];
    if ((flags2 & ~FLAG2_BACKUP) !== 0) {
      return fail('BadFlags');
    }
  }

  // Each varint in table order; `max` bounds it as StatusCodec.ReadUnsigned does.
  const next = (max) => {
    const v = readVarint(bytes, o, end);
    if (!v.ok) {
      return { error: 'Truncated' };
    }
    o = v.next;
    return v.value > max ? { error: 'OutOfRange' } : { value: v.value };
  };

  let v = next(LONG_MAX);
  if (v.error) return fail(v.error);
  status.uptimeS = Number(v.value);
  if ((flags & FLAG_UTC) !== 0) {
    v = next(LONG_MAX);
    if (v.error) return fail(v.error);
    status.utcS = Number(v.value);
  }
  if ((flags & FLAG_SUPPLY) !== 0) {
    v = next(MAX_SUPPLY_MV);
    if (v.error) return fail(v.error);
    status.supplyMv = Number(v.value);
  }
  if ((flags2 & FLAG2_BACKUP) !== 0) {
    v = next(MAX_SUPPLY_MV);
    if (v.error) return fail(v.error);
    status.backupMv = Number(v.value);
  }
  if ((flags & FLAG_SIGNAL) !== 0) {
    const raw = readVarint(bytes, o, end);
    if (!raw.ok) return fail('Truncated');
    o = raw.next;
    const dbm = unZigZag(raw.value);
    if (dbm <= INT_MIN || dbm > INT_MAX) return fail('OutOfRange');
    status.signalDbm = Number(dbm);
  }
  if ((flags & FLAG_FIX_AGE) !== 0) {
    v = next(INT_MAX);
    if (v.error) return fail(v.error);
    status.fixAgeS = Number(v.value);
  }
  for (const key of ['queueDepth', 'evictions', 'reconnects']) {
    v = next(LONG_MAX);
    if (v.error) return fail(v.error);
    status[key] = Number(v.value);
  }

  if (o >= end) {
    return fail('Truncated');
  }
  const length = bytes[o++];
  if (length > MAX_FIRMWARE_VERSION_LENGTH) {
    return fail('BadFirmwareVersion');
  }
  if (length > end - o) {
    return fail('Truncated');
  }
  let text = '';
  for (let i = 0; i < length; i++) {
    const c = bytes[o + i];
    if (c < 0x20 || c > 0x7e) {
      return fail('BadFirmwareVersion');
    }
    text += String.fromCharCode(c);
  }
  o += length;
  if (o !== end) {
    return fail('TrailingBytes');
  }
  status.firmwareVersion = text;
  return { ok: true, status };
}
