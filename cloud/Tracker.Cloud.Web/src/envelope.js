// The fix batch on fleet/{car}/fixes comes in two wrappings. The local broker republishes the
// device's bytes as they are (wire format v1 starts with its version byte, 0x01). In AWS the
// topic rule's republish can only send what its SQL SELECTs: a JSON object whose "payload" is
// the batch in base64 (cloud/Tracker.Cloud.Infra, the live republish rule). Both end here as bytes.

const OPEN_BRACE = 0x7b;
const MAX_ENVELOPE_BYTES = 256 * 1024;

/**
 * The batch bytes inside a fleet/{car}/fixes message. Never throws.
 * @param {Uint8Array} payload the MQTT payload.
 * @returns {Uint8Array|null} the batch, or null for a JSON envelope that does not hold one.
 */
export function unwrapBatch(payload) {
  if (!(payload instanceof Uint8Array) || payload.length === 0 || payload[0] !== OPEN_BRACE) {
    return payload;
  }
  if (payload.length > MAX_ENVELOPE_BYTES) return null;
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return null;
  }
  let envelope;
  try {
    envelope = JSON.parse(text);
  } catch {
    return null;
  }
  if (envelope === null || typeof envelope !== 'object' || typeof envelope.payload !== 'string') return null;
  const b64 = envelope.payload;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  try {
    const binary = atob(b64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}
