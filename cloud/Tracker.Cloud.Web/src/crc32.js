// CRC-32/ISO-HDLC (zlib, PNG, Ethernet): reflected polynomial 0xEDB88320, initial value and final
// XOR 0xFFFFFFFF; "123456789" gives 0xCBF43926. The same function as the firmware's
// Common/Crc32.cs, which both the fix batches (Wire/README.md, "CRC-32") and the status messages
// (Uplink/README.md, "Status message") use.

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * Continues a CRC-32 register over bytes[start, end). Start with 0xFFFFFFFF and finish with
 * `~crc >>> 0`, as the firmware's Crc32.Update does.
 * @param {number} crc the register (unsigned 32-bit).
 * @param {Uint8Array} bytes the data.
 * @param {number} start first index.
 * @param {number} end index one past the last.
 * @returns {number} the register, unsigned.
 */
export function crc32Update(crc, bytes, start, end) {
  let c = crc >>> 0;
  for (let i = start; i < end; i++) {
    c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  }
  return c >>> 0;
}

/**
 * The CRC-32 of a whole byte array.
 * @param {Uint8Array} bytes the data.
 * @returns {number} the checksum, unsigned.
 */
export function crc32(bytes) {
  return ~crc32Update(0xffffffff, bytes, 0, bytes.length) >>> 0;
}

/**
 * The checksum both frames carry (batches and status messages): byte 0, then bytes 5 to end,
 * skipping the four CRC bytes themselves.
 * @param {Uint8Array} bytes the message.
 * @param {number} end index one past the last byte covered (at least 5).
 * @returns {number} the checksum, unsigned.
 */
export function frameCrc(bytes, end) {
  const crc = crc32Update(0xffffffff, bytes, 0, 1);
  return ~crc32Update(crc, bytes, 5, end) >>> 0;
}

/**
 * The CRC stored in a frame's header: bytes 1 to 4, little-endian.
 * @param {Uint8Array} bytes the message (at least 5 bytes).
 * @returns {number} the stored checksum, unsigned.
 */
export function storedCrc(bytes) {
  return (bytes[1] | (bytes[2] << 8) | (bytes[3] << 16) | (bytes[4] << 24)) >>> 0;
}

/**
 * Views anything byte-like as a Uint8Array without copying: a Uint8Array (mqtt.js hands a Buffer,
 * which is one), any other typed array or DataView, or an ArrayBuffer.
 * @param {unknown} input the candidate.
 * @returns {Uint8Array | null} the bytes, or null when the input is not bytes.
 */
export function asBytes(input) {
  if (input instanceof Uint8Array) {
    return input;
  }
  if (ArrayBuffer.isView(input)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  if (input instanceof ArrayBuffer) {
    return new Uint8Array(input);
  }
  return null;
}
