// A status message writer for tests only, following the table in
// firmware/Tracker.Core/Uplink/README.md ("Status message"); the reference is StatusCodec.Encode.

import { seal } from './batch-builder.js';

function varint(out, value) {
  let v = BigInt(value);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
}

/**
 * @param {{ignition?: number, moving?: boolean, watched?: boolean, uptimeS?: number|bigint,
 *   utcS?: number|bigint|null, supplyMv?: number|bigint|null, signalDbm?: number|null,
 *   fixAgeS?: number|bigint|null, queueDepth?: number|bigint, evictions?: number|bigint,
 *   reconnects?: number|bigint, firmwareVersion?: string, versionBytes?: number[], backupMv?: number|bigint|null,
 *   format?: number, flags2?: number}} s the fields (versionBytes overrides the firmware version's bytes, to write
 *   invalid ones; format is the version byte, 2 by default; flags2 overrides version 2's second flags byte).
 * @returns {Uint8Array} the sealed message.
 */
export function buildStatus(s) {
  const format = s.format ?? 2;
  const out = [format, 0, 0, 0, 0, 1];
  const has = (v) => v !== null && v !== undefined;
  const flags = (s.ignition ?? 0) | (s.moving ? 0x04 : 0) | (s.watched ? 0x08 : 0)
    | (has(s.utcS) ? 0x10 : 0) | (has(s.supplyMv) ? 0x20 : 0) | (has(s.signalDbm) ? 0x40 : 0) | (has(s.fixAgeS) ? 0x80 : 0);
  out.push(flags);
  if (format >= 2) out.push(s.flags2 ?? (has(s.backupMv) ? 0x01 : 0));
  varint(out, s.uptimeS ?? 0);
  if (has(s.utcS)) varint(out, s.utcS);
  if (has(s.supplyMv)) varint(out, s.supplyMv);
  if (format >= 2 && has(s.backupMv)) varint(out, s.backupMv);
  if (has(s.signalDbm)) {
    const d = BigInt(s.signalDbm);
    varint(out, d >= 0n ? 2n * d : -2n * d - 1n);
  }
  if (has(s.fixAgeS)) varint(out, s.fixAgeS);
  varint(out, s.queueDepth ?? 0);
  varint(out, s.evictions ?? 0);
  varint(out, s.reconnects ?? 0);
  const bytes = s.versionBytes ?? [...(s.firmwareVersion ?? '')].map((c) => c.charCodeAt(0));
  out.push(bytes.length, ...bytes);
  return seal(Uint8Array.from(out));
}
