// Deployment settings, read from config.json beside index.html (the build writes the defaults;
// a deployment may serve its own). Missing or malformed: the defaults, which suit the local host.

/** @typedef {{apiBase: string, mqttUrl: string|null, tileUrl: string|null, tileProbeUrl: string|null,
 *   tileProbeTimeoutMs: number, tileAttribution: string}} AppConfig */

/** @type {AppConfig} */
export const DEFAULT_CONFIG = Object.freeze({
  apiBase: '',
  mqttUrl: null,
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  tileProbeUrl: 'https://tile.openstreetmap.org/0/0/0.png',
  tileProbeTimeoutMs: 3000,
  tileAttribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
});

/**
 * Merges a parsed config over the defaults, keeping only keys of the right type.
 * @param {any} raw the parsed JSON.
 * @returns {AppConfig} the config.
 */
export function mergeConfig(raw) {
  const out = { ...DEFAULT_CONFIG };
  if (raw === null || typeof raw !== 'object') {
    return out;
  }
  for (const key of ['apiBase', 'tileAttribution']) {
    if (typeof raw[key] === 'string') out[key] = raw[key];
  }
  for (const key of ['mqttUrl', 'tileUrl', 'tileProbeUrl']) {
    if (typeof raw[key] === 'string' || raw[key] === null) out[key] = raw[key];
  }
  if (Number.isFinite(raw.tileProbeTimeoutMs) && raw.tileProbeTimeoutMs > 0) {
    out.tileProbeTimeoutMs = raw.tileProbeTimeoutMs;
  }
  return out;
}

/**
 * @returns {Promise<AppConfig>} config.json merged over the defaults.
 */
export async function loadConfig() {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    return response.ok ? mergeConfig(await response.json()) : mergeConfig(null);
  } catch {
    return mergeConfig(null);
  }
}
