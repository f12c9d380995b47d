// The browser's MQTT client id names its user: web-{owner tag}-{random}, the owner tag being the
// first 32 hex digits of SHA-256 of the token's subject (UTF-8). AWS IoT Core hands a client id to
// whichever connection uses it last, so the live authorizer (Tracker.Cloud.Core LiveClientIds)
// refuses a client id that does not carry the caller's own tag: a renter cannot take an operator's
// connection (issue 15, F4). The hash is computed here, synchronously, because crypto.subtle
// exists only in secure contexts (a LAN address over plain http is not one) and is asynchronous,
// while the client id is needed when the connection is made.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The owner tag's length in hex digits (128 bits). */
export const OWNER_TAG_LENGTH = 32;

const rotr = (x, n) => (x >>> n) | (x << (32 - n));

/**
 * SHA-256 (FIPS 180-4 §6.2) of some bytes.
 * @param {Uint8Array} bytes the message.
 * @returns {Uint8Array} the 32-byte digest.
 */
export function sha256(bytes) {
  // §5.1.1 padding: a 1 bit, zeros, and the length in bits as a 64-bit big-endian number.
  const padded = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bytes.length / 0x20000000));
  view.setUint32(padded.length - 4, (bytes.length * 8) >>> 0);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  for (let block = 0; block < padded.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let t = 0; t < 64; t++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      k = g; g = f; f = e; e = (d + t1) >>> 0;
      d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
  return out;
}

/**
 * The subject (`sub`) of a JWT, read without checking it (the broker checks it); null when the
 * token is not a JWT with a string subject.
 * @param {string} token the token.
 * @returns {string|null} the subject.
 */
export function tokenSubject(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return claims !== null && typeof claims === 'object' && typeof claims.sub === 'string' && claims.sub.length > 0 ? claims.sub : null;
  } catch {
    return null;
  }
}

/**
 * The owner tag of a subject: the first 32 hex digits of SHA-256 of its UTF-8.
 * @param {string} subject the token's subject.
 * @returns {string} 32 lowercase hex digits.
 */
export function ownerTag(subject) {
  return [...sha256(new TextEncoder().encode(subject))].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, OWNER_TAG_LENGTH);
}

/**
 * A client id for this token's user: web-{owner tag}-{16 random hex digits}, or web-{random} when
 * the token carries no subject (a broker that checks ownership then refuses it, saying why).
 * @param {string} token the current token.
 * @param {() => number} random Math.random (the random part only keeps two tabs apart).
 * @returns {string} the client id.
 */
export function liveClientId(token, random) {
  const word = () => Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  const subject = tokenSubject(token);
  return subject === null ? `web-${word()}${word()}` : `web-${ownerTag(subject)}-${word()}${word()}`;
}
