// Zones (issue 16) in the browser: what the zones API takes and gives, read strictly. The
// server's validator (cloud/Tracker.Cloud.Derive/Zones/ZoneValidator.cs) is the judge of a shape:
// the editor sends what was drawn and shows the server's reason when it is refused, so the two
// can never disagree. Only what the editor itself needs is checked here (enough points to send).

/** The id the path takes: letters, digits, '-' and '_' (a zone's id appears in URLs and events). */
const ZONE_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/** The most vertices the server takes (ZoneValidator); the editor stops adding there. */
export const MAX_VERTICES = 500;

/** Coordinates go to the server with 7 decimals (1 cm; the store keeps degrees × 10^7). */
const round7 = (v) => Math.round(v * 1e7) / 1e7;

/**
 * @param {unknown} id the candidate.
 * @returns {boolean} whether it is a zone id the path takes.
 */
export function isZoneId(id) {
  return typeof id === 'string' && ZONE_ID.test(id);
}

/**
 * A new zone's id from its name: a readable slug and a random suffix, so two zones of the same
 * name never overwrite each other.
 * @param {string} name the zone's name.
 * @param {() => number} random Math.random or a test's.
 * @returns {string} the id.
 */
export function newZoneId(name, random = Math.random) {
  const slug = String(name).toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'zone';
  const suffix = Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0');
  return `${slug}-${suffix}`;
}

/**
 * The body of PUT /zones/{id} for a drawn shape.
 * @param {{name: string, shape: {kind: 'circle', lat: number, lon: number, radiusM: number} |
 *   {kind: 'polygon', points: Array<[number, number]>}, scope?: 'fleet'|'rental', rentalId?: string|null,
 *   returnZone?: boolean}} zone what the editor holds.
 * @returns {{ok: true, body: any} | {ok: false, error: string}} the body, or why there is none yet.
 */
export function zoneBody(zone) {
  const name = String(zone.name ?? '').trim();
  if (name === '') return { ok: false, error: 'Give the zone a name.' };
  const body = { name, scope: zone.scope ?? 'fleet', returnZone: zone.returnZone === true };
  if (body.scope === 'rental') body.rentalId = zone.rentalId ?? '';
  const { shape } = zone;
  if (shape?.kind === 'circle') {
    if (![shape.lat, shape.lon, shape.radiusM].every(Number.isFinite)) return { ok: false, error: 'Click the centre, then a point on the edge.' };
    body.circle = { lat: round7(shape.lat), lon: round7(shape.lon), radiusM: Math.round(shape.radiusM) };
    return { ok: true, body };
  }
  if (shape?.kind === 'polygon') {
    if (!Array.isArray(shape.points) || shape.points.length < 3) return { ok: false, error: 'A polygon needs at least 3 points: click the map to add them.' };
    body.polygon = shape.points.map(([lat, lon]) => [round7(lat), round7(lon)]);
    return { ok: true, body };
  }
  return { ok: false, error: 'Draw the zone first.' };
}

/**
 * Reads one zone as GET /zones lists it; anything malformed is dropped (null), never guessed.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {id: string, name: string, scope: string, rentalId: string|null, returnZone: boolean,
 *   shape: {kind: 'circle', lat: number, lon: number, radiusM: number} | {kind: 'polygon', points: Array<[number, number]>}}}
 */
export function readZone(json) {
  if (json === null || typeof json !== 'object' || !isZoneId(json.id) || typeof json.name !== 'string') return null;
  const lat = (v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 90;
  const lon = (v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 180;
  let shape;
  if (json.circle && typeof json.circle === 'object') {
    const c = json.circle;
    if (!lat(c.lat) || !lon(c.lon) || typeof c.radiusM !== 'number' || !(c.radiusM > 0)) return null;
    shape = { kind: 'circle', lat: c.lat, lon: c.lon, radiusM: c.radiusM };
  } else if (Array.isArray(json.polygon)) {
    if (json.polygon.length < 3 || json.polygon.length > MAX_VERTICES) return null;
    const points = [];
    for (const p of json.polygon) {
      if (!Array.isArray(p) || p.length !== 2 || !lat(p[0]) || !lon(p[1])) return null;
      points.push([p[0], p[1]]);
    }
    shape = { kind: 'polygon', points };
  } else {
    return null;
  }
  return {
    id: json.id,
    name: json.name,
    scope: json.scope === 'rental' ? 'rental' : 'fleet',
    rentalId: typeof json.rentalId === 'string' ? json.rentalId : null,
    returnZone: json.returnZone === true,
    shape,
  };
}

/**
 * What to tell the user when the server refused a zone: its reason, as it gave it.
 * @param {{status: number, problem: {title: string, detail?: string}}} outcome the API's refusal.
 * @returns {string} the message.
 */
export function refusalText(outcome) {
  if (outcome.status === 0) return 'The server cannot be reached: the zone is not saved. Try again.';
  const why = outcome.problem.detail ?? outcome.problem.title;
  return `The zone was refused: ${why}`;
}

/**
 * Great-circle distance in metres (the circle's radius from two clicks).
 * @returns {number} metres.
 */
export function distanceM(lat1, lon1, lat2, lon2) {
  const r = 6371008.8;
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(a)));
}
