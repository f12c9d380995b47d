// Unsigned LEB128 and ZigZag, as the firmware's Common/Varint.cs: 7 bits a byte, low group first,
// high bit = more; at most 10 bytes for 64 bits, and the tenth may only carry the top bit.

const U64 = (1n << 64n) - 1n;

/**
 * Reads one unsigned varint from bytes[pos, end).
 * @param {Uint8Array} bytes the data.
 * @param {number} pos where it starts.
 * @param {number} end index one past the last readable byte.
 * @returns {{ok: true, value: bigint, next: number} | {ok: false}} the value (0 to 2^64-1) and the
 *   index after it; not ok when the input ends inside it or it does not fit in 64 bits.
 */
export function readVarint(bytes, pos, end) {
  let value = 0n;
  let shift = 0n;
  for (let i = pos; i < end; i++) {
    const b = bytes[i];
    if (shift === 63n && b > 1) {
      return { ok: false };
    }
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      return { ok: true, value: value & U64, next: i + 1 };
    }
    shift += 7n;
    if (shift > 63n) {
      break;
    }
  }
  return { ok: false };
}

/**
 * ZigZag back to signed 64-bit: 0, 1, 2, 3, 4 become 0, -1, 1, -2, 2.
 * @param {bigint} u unsigned 64-bit value.
 * @returns {bigint} the signed value.
 */
export function unZigZag(u) {
  return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
}
