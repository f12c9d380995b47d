// A seeded xorshift32, so every fuzz and property test runs the same inputs on every machine.

/**
 * @param {number} seed a non-zero 32-bit seed.
 * @returns {{next: () => number, below: (n: number) => number, bytes: (n: number) => Uint8Array,
 *   pick: <T>(list: T[]) => T, int: (lo: number, hi: number) => number}} the generator.
 */
export function seeded(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const below = (n) => next() % n;
  return {
    next,
    below,
    bytes: (n) => Uint8Array.from({ length: n }, () => below(256)),
    pick: (list) => list[below(list.length)],
    // Inclusive, for ranges up to 2^53 (two draws make 52 random bits).
    int: (lo, hi) => lo + Math.floor(((next() * 2 ** 20 + (next() >>> 12)) / 2 ** 52) * (hi - lo + 1)),
  };
}

/**
 * @param {string} text hexadecimal, whitespace allowed.
 * @returns {Uint8Array} the bytes.
 */
export function hex(text) {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}
