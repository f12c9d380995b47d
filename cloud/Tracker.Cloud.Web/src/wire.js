// Decoder for the fix batch format, version 1: firmware/Tracker.Core/Wire/README.md is the
// specification, and this follows its "What the decoder checks" order and BatchDecoder.cs /
// BitReader.cs / BatchFields.cs rule for rule, so that a browser accepts and rejects exactly what
// the cloud's ingest does. Arithmetic on values, quotients and differences is 64-bit two's
// complement and wraps (README, "Codes"), so it runs on BigInt with BigInt.asIntN(64, ...).
//
// It never throws: any input, including non-bytes, gives {ok: false, error}. The error names are
// the firmware's BatchError names, plus 'NotBytes' (the input is not a byte array) and
// 'TimeNotSafeInteger' (a time a JavaScript number cannot hold exactly: beyond +-2^53 ms, past
// the year 287,000; the C# decoder accepts any long there).

import { asBytes, frameCrc, storedCrc } from './crc32.js';
import { readVarint, unZigZag } from './varint.js';

/** Byte 0 of every version-1 batch. */
export const WIRE_VERSION = 1;

/** Most fixes one batch may announce (README, "Message": the count is 0 to 65,535). */
export const MAX_FIXES = 65535;

const FIXED_HEADER_BYTES = 5;
const FIELD_COUNT = 8;
const FIRST_OPTIONAL = 3; // altitude (README, "Numeric fields")
const K_BITS = 4;
const ALL_ZERO_K = 15;
const WIDE_LENGTH_BITS = 7;
const FIELD_NAMES = ['ts', 'latE7', 'lonE7', 'altCm', 'speedMmps', 'courseCdeg', 'hdopX100', 'satellites'];

// Unit steps num/den per field and unit code (README, "Numeric fields"; BatchFields.StepNum/Den).
const STEP_NUM = [
  [1n, 10n, 100n, 1000n], // time, ms
  [1n, 5n, 50n, 500n], // latitude, 1e-7 degree (1e-5, 1e-4, 1e-3 arc-minute)
  [1n, 5n, 50n, 500n], // longitude
  [1n, 10n, 100n, 1000n], // altitude, cm
  [1n, 463n, 250n, 463n], // speed, mm/s (0.01 knot, 0.1 km/h, 0.1 knot)
  [1n, 10n, 100n, 1000n], // course, 0.01 degree
  [1n, 10n, 100n, 1000n], // HDOP, 0.01
  [1n, 10n, 100n, 1000n], // satellites
];
const STEP_DEN = [
  [1n, 1n, 1n, 1n],
  [1n, 3n, 3n, 3n],
  [1n, 3n, 3n, 3n],
  [1n, 1n, 1n, 1n],
  [1n, 90n, 9n, 9n],
  [1n, 1n, 1n, 1n],
  [1n, 1n, 1n, 1n],
  [1n, 1n, 1n, 1n],
];

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const INT_QUOTIENT_BOUND = 1n << 32n; // every unit step is at least 1, so a larger |q| cannot fit an int
const HALF_TURN_E7 = 1800000000n;
const TURN_CDEG = 36000n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The bit stream of the body: most significant bit of each byte first. Reading past the end sets
 * `overrun` and yields zeros; a code the format does not allow sets `malformed` (BitReader.cs).
 */
class BitReader {
  /**
   * @param {Uint8Array} bytes the message.
   * @param {number} start first body byte.
   * @param {number} end one past the last byte.
   */
  constructor(bytes, start, end) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.used = 0;
    this.overrun = false;
    this.malformed = false;
  }

  get ok() {
    return !this.overrun && !this.malformed;
  }

  /** Index just past the last byte read from (a partly read byte counts). */
  get endIndex() {
    return this.used === 0 ? this.pos : this.pos + 1;
  }

  get bitsLeftInByte() {
    return this.used === 0 ? 0 : 8 - this.used;
  }

  /**
   * @param {number} bits 0 to 32.
   * @returns {number} the value, or 0 once the input has run out.
   */
  read(bits) {
    if (this.overrun) {
      return 0;
    }
    const remaining = (this.end - this.pos) * 8 - this.used;
    if (bits > remaining) {
      this.overrun = true;
      return 0;
    }
    let value = 0;
    while (bits > 0) {
      const room = 8 - this.used;
      const take = bits < room ? bits : room;
      const chunk = (this.bytes[this.pos] >>> (room - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk; // multiply, not shift: values reach 32 bits
      this.used += take;
      bits -= take;
      if (this.used === 8) {
        this.pos++;
        this.used = 0;
      }
    }
    return value;
  }

  /**
   * @param {number} bits 0 to 64.
   * @returns {bigint} the value, or 0 once the input has run out.
   */
  readBig(bits) {
    if (bits <= 32) {
      return BigInt(this.read(bits));
    }
    const high = this.read(bits - 32);
    const low = this.read(32);
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** W(u): a 7-bit length L, then the L-1 bits below the leading one (README, "Codes"). */
  readWide() {
    const length = this.read(WIDE_LENGTH_BITS);
    if (length > 64) {
      this.malformed = true;
      return 0n;
    }
    return length === 0 ? 0n : (1n << BigInt(length - 1)) | this.readBig(length - 1);
  }

  /** U_k(u): L zero bits, a one, the L-1 bits of q below its leading one, then k raw bits. */
  readUnaryLength(k) {
    let length = 0;
    for (;;) {
      const bit = this.read(1);
      if (this.overrun) {
        return 0n;
      }
      if (bit === 1) {
        break;
      }
      length++;
      if (length > 64 - k) {
        this.malformed = true;
        return 0n;
      }
    }
    const q = length === 0 ? 0n : (1n << BigInt(length - 1)) | this.readBig(length - 1);
    return (q << BigInt(k)) | BigInt(this.read(k));
  }
}

/** True when the header's CRC matches bytes[0, end) without the CRC field (BatchDecoder.CrcMatches). */
function crcMatches(bytes, end) {
  return end >= FIXED_HEADER_BYTES && frameCrc(bytes, end) === storedCrc(bytes);
}

/** README, "What the decoder checks", step 1 and the count limit of step 2. */
function readHeader(bytes) {
  const length = bytes.length;
  if (length === 0) {
    return { error: 'Empty' };
  }
  if (bytes[0] !== WIRE_VERSION) {
    return { error: 'UnsupportedVersion' };
  }
  if (FIXED_HEADER_BYTES >= length) {
    return { error: 'Truncated' };
  }
  const varint = readVarint(bytes, FIXED_HEADER_BYTES, length);
  if (!varint.ok) {
    // Either the input ends inside the varint, or the varint is absurdly long.
    for (let i = FIXED_HEADER_BYTES; i < length; i++) {
      if ((bytes[i] & 0x80) === 0) {
        return { error: 'CountTooLarge' };
      }
    }
    return { error: 'Truncated' };
  }
  if (varint.value > BigInt(MAX_FIXES)) {
    return { error: 'CountTooLarge' };
  }
  return { error: null, count: Number(varint.value), bodyStart: varint.next };
}

function modulusOf(field, unit) {
  if (field === 2) {
    // Longitude: 2Q + 1, Q = 180 degrees in the unit, so +180 and -180 both survive.
    return 2n * ((HALF_TURN_E7 * STEP_DEN[field][unit]) / STEP_NUM[field][unit]) + 1n;
  }
  if (field === 5) {
    return TURN_CDEG / STEP_NUM[field][unit];
  }
  return 0n;
}

function reduce(x, low, modulus) {
  let r = BigInt.asIntN(64, x - low) % modulus;
  if (r < 0n) {
    r += modulus;
  }
  return low + r;
}

function inDomain(field, v) {
  switch (field) {
    case 1:
      return v >= -900000000n && v <= 900000000n;
    case 2:
      return v >= -HALF_TURN_E7 && v <= HALF_TURN_E7;
    case 3:
      return v > INT_MIN && v <= INT_MAX;
    case 5:
      return v >= 0n && v < TURN_CDEG;
    default:
      return v >= 0n && v <= INT_MAX;
  }
}

/**
 * v = sign(q) * floor((|q| * num + floor(den / 2)) / den), or null when it overflows or leaves the
 * field's domain (BatchFields.TryReconstruct).
 */
function reconstruct(field, unit, q) {
  const num = STEP_NUM[field][unit];
  const den = STEP_DEN[field][unit];
  if (field === 0) {
    // C#'s long.MaxValue / num truncates toward zero, as BigInt division does.
    if (q > LONG_MAX / num || q < LONG_MIN / num) {
      return null;
    }
    return q * num;
  }
  if (q > INT_QUOTIENT_BOUND || q < -INT_QUOTIENT_BOUND) {
    return null;
  }
  const magnitude = q < 0n ? -q : q;
  const m = (magnitude * num + den / 2n) / den;
  const v = q < 0n ? -m : m;
  return inDomain(field, v) ? v : null;
}

/**
 * One field section (README, "Section of one field"). Writes values[field][i] (bigint, or null
 * for unknown) and returns true when some value fell outside its domain.
 */
function readField(r, values, n, field) {
  const out = new Array(n).fill(null);
  values[field] = out;
  let known = n;
  let present = null;
  if (field >= FIRST_OPTIONAL && r.read(1) === 0) {
    if (r.read(1) === 0) {
      return false; // `00`: none known
    }
    present = new Array(n);
    known = 0;
    for (let i = 0; i < n; i++) {
      present[i] = r.read(1) === 1;
      known += present[i] ? 1 : 0;
    }
    if (known === 0) {
      return false;
    }
  }

  const unit = r.read(2);
  const order = known >= 3 ? 1 + r.read(1) : 1;
  const modulus = modulusOf(field, unit);
  const low = field === 2 ? -(modulus / 2n) : 0n;
  let outOfRange = false;
  let k = ALL_ZERO_K;
  let q = 0n;
  let delta = 0n;
  let j = 0;
  for (let i = 0; i < n && r.ok; i++) {
    if (present !== null && !present[i]) {
      continue;
    }
    if (j === 0) {
      q = unZigZag(r.readWide());
    } else {
      if (j === 1) {
        if (order === 2) {
          delta = unZigZag(r.readWide());
        }
        k = r.read(K_BITS);
      }
      if (order === 1 || j >= 2) {
        const residual = k === ALL_ZERO_K ? 0n : unZigZag(r.readUnaryLength(k));
        delta = order === 1 ? residual : BigInt.asIntN(64, delta + residual);
      }
      const sum = BigInt.asIntN(64, q + delta);
      q = modulus === 0n ? sum : reduce(sum, low, modulus);
    }
    const value = reconstruct(field, unit, q);
    if (value === null) {
      // Keep parsing so that a garbled message is still reported as garbled (BatchDecoder.ReadField).
      outOfRange = true;
      out[i] = 0n;
    } else {
      out[i] = value;
    }
    j++;
  }
  return outOfRange;
}

/** Mode and quality: s = (mode - 2) * 8 + (quality - 1), sent again only when it changes. */
function readSymbols(r, n) {
  const symbols = new Array(n);
  let symbol = r.read(4);
  symbols[0] = symbol;
  const varies = n >= 2 && r.read(1) === 1;
  for (let i = 1; i < n; i++) {
    if (varies && r.read(1) === 1) {
      symbol = r.read(4);
    }
    symbols[i] = symbol;
  }
  return symbols;
}

function fail(error) {
  return { ok: false, error };
}

/**
 * Decodes one batch message (the whole MQTT payload).
 * @param {unknown} input the payload: Uint8Array (a Buffer is one), another typed array, a
 *   DataView or an ArrayBuffer.
 * @returns {{ok: true, fixes: Array<{ts: number, latE7: number, lonE7: number, altCm: number|null,
 *   speedMmps: number|null, courseCdeg: number|null, hdopX100: number|null, satellites: number|null,
 *   mode: number, quality: number}>} | {ok: false, error: string}} the fixes in message order, or
 *   why the message was rejected.
 */
export function decodeBatch(input) {
  const bytes = asBytes(input);
  if (bytes === null) {
    return fail('NotBytes');
  }
  const end = bytes.length;
  const header = readHeader(bytes);
  if (header.error === 'CountTooLarge' && !crcMatches(bytes, end)) {
    return fail('ChecksumMismatch');
  }
  if (header.error !== null) {
    return fail(header.error);
  }

  const n = header.count;
  let bodyEnd = header.bodyStart;
  let outOfRange = false;
  const values = new Array(FIELD_COUNT);
  let symbols = [];
  if (n > 0) {
    const r = new BitReader(bytes, header.bodyStart, end);
    for (let f = 0; f < FIELD_COUNT && r.ok; f++) {
      outOfRange = readField(r, values, n, f) || outOfRange;
    }
    if (r.ok) {
      symbols = readSymbols(r, n);
    }
    // Padding to the byte boundary must be zero (README, "Body").
    if (r.ok && r.read(r.bitsLeftInByte) !== 0) {
      r.malformed = true;
    }
    if (r.overrun) {
      return fail('Truncated');
    }
    if (r.malformed) {
      return fail(crcMatches(bytes, end) ? 'Malformed' : 'ChecksumMismatch');
    }
    bodyEnd = r.endIndex;
  }

  if (bodyEnd !== end) {
    // Trailing garbage if the checksum covers the batch alone or the whole input (a faulty
    // encoder); otherwise the batch itself is garbled.
    const intact = crcMatches(bytes, bodyEnd) || crcMatches(bytes, end);
    return fail(intact ? 'TrailingBytes' : 'ChecksumMismatch');
  }
  if (!crcMatches(bytes, end)) {
    return fail('ChecksumMismatch');
  }
  if (outOfRange) {
    return fail('FieldOutOfRange');
  }

  const fixes = new Array(n);
  for (let i = 0; i < n; i++) {
    const ts = values[0][i];
    if (ts > SAFE_MAX || ts < -SAFE_MAX) {
      return fail('TimeNotSafeInteger');
    }
    const fix = { ts: 0, latE7: 0, lonE7: 0, altCm: null, speedMmps: null, courseCdeg: null, hdopX100: null, satellites: null, mode: 0, quality: 0 };
    for (let f = 0; f < FIELD_COUNT; f++) {
      const v = values[f][i];
      fix[FIELD_NAMES[f]] = v === null ? null : Number(v);
    }
    fix.mode = 2 + (symbols[i] >> 3);
    fix.quality = 1 + (symbols[i] & 7);
    fixes[i] = fix;
  }
  return { ok: true, fixes };
}

/**
 * The CRC-32 a batch's header carries (bytes 1 to 4, little-endian), whether or not it matches:
 * an identifier for one message, used to match a publish with its arrival.
 * @param {unknown} input the payload.
 * @returns {number | null} the unsigned checksum, or null when there is no header.
 */
export function batchHeaderCrc(input) {
  const bytes = asBytes(input);
  if (bytes === null || bytes.length < FIXED_HEADER_BYTES) {
    return null;
  }
  return storedCrc(bytes);
}
