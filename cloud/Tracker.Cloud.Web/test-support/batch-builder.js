// A minimal batch writer for tests only: every field in unit 0 with first differences and k = 0,
// which is one valid stream among many (Wire/README.md, "Encoder choices (not part of the
// format)"). It lets property tests feed src/wire.js fixes from anywhere in the domain. The
// reference encoder is the firmware's BatchEncoder; test/fixtures/wire-corpus.json holds its output.

import { frameCrc } from '../src/crc32.js';

const FIELDS = ['ts', 'latE7', 'lonE7', 'altCm', 'speedMmps', 'courseCdeg', 'hdopX100', 'satellites'];

class Bits {
  constructor() {
    this.bits = [];
  }

  write(value, width) {
    const v = BigInt(value);
    for (let i = width - 1; i >= 0; i--) this.bits.push(Number((v >> BigInt(i)) & 1n));
  }

  wide(u) {
    const length = u === 0n ? 0 : u.toString(2).length;
    this.write(length, 7);
    if (length > 1) this.write(u & ((1n << BigInt(length - 1)) - 1n), length - 1);
  }

  unary0(u) {
    const length = u === 0n ? 0 : u.toString(2).length;
    for (let i = 0; i < length; i++) this.bits.push(0);
    this.bits.push(1);
    if (length > 1) this.write(u & ((1n << BigInt(length - 1)) - 1n), length - 1);
  }

  bytes() {
    while (this.bits.length % 8 !== 0) this.bits.push(0);
    const out = [];
    for (let i = 0; i < this.bits.length; i += 8) {
      let b = 0;
      for (let j = 0; j < 8; j++) b = (b << 1) | this.bits[i + j];
      out.push(b);
    }
    return out;
  }
}

const zz = (v) => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));

/**
 * Writes a batch; values may be numbers or bigints (null = unknown, optional fields only).
 * @param {Array<Record<string, number|bigint|null>>} fixes the fixes with mode and quality.
 * @returns {Uint8Array} the message.
 */
export function buildBatch(fixes) {
  const w = new Bits();
  const n = fixes.length;
  if (n > 0) {
    FIELDS.forEach((name, f) => {
      const present = fixes.map((x) => x[name] !== null && x[name] !== undefined);
      const known = present.filter(Boolean).length;
      if (f >= 3) {
        if (known === n) w.write(1, 1);
        else if (known === 0) {
          w.write(0, 2);
          return;
        } else {
          w.write(1, 2); // `01`
          present.forEach((p) => w.write(p ? 1 : 0, 1));
        }
      }
      const values = fixes.filter((_, i) => present[i]).map((x) => BigInt(x[name]));
      w.write(0, 2); // unit 0
      if (values.length >= 3) w.write(0, 1); // first differences
      w.wide(zz(values[0]));
      if (values.length >= 2) {
        w.write(0, 4); // k = 0
        for (let j = 1; j < values.length; j++) w.unary0(zz(BigInt.asIntN(64, values[j] - values[j - 1])));
      }
    });
    const symbol = (x) => (x.mode - 2) * 8 + (x.quality - 1);
    w.write(symbol(fixes[0]), 4);
    if (n >= 2) {
      w.write(1, 1);
      for (let i = 1; i < n; i++) {
        w.write(1, 1);
        w.write(symbol(fixes[i]), 4);
      }
    }
  }
  const count = [];
  let c = n;
  do {
    let b = c & 0x7f;
    c >>>= 7;
    if (c !== 0) b |= 0x80;
    count.push(b);
  } while (c !== 0);
  return seal(Uint8Array.from([1, 0, 0, 0, 0, ...count, ...w.bytes()]));
}

/**
 * Writes the frame CRC into bytes 1 to 4 (a copy).
 * @param {Uint8Array} message at least 5 bytes.
 * @returns {Uint8Array} the sealed copy.
 */
export function seal(message) {
  const out = Uint8Array.from(message);
  const crc = frameCrc(out, out.length);
  out[1] = crc & 0xff;
  out[2] = (crc >>> 8) & 0xff;
  out[3] = (crc >>> 16) & 0xff;
  out[4] = (crc >>> 24) & 0xff;
  return out;
}
