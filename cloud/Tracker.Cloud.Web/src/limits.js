// Thresholds (issue 16) in the browser: what GET/PUT /limits take and give, read strictly. The
// server's parser (cloud/Tracker.Cloud.Derive/Limits/LimitParser.cs) judges a setting: ranges,
// ids, scopes. The form sends what was typed and shows the server's reason when it is refused, so
// the two never disagree; here only what cannot be sent at all is caught (text that is no number).

/** The scopes a setting applies to; the most specific wins (rental, then car, then fleet). */
export const SCOPES = ['fleet', 'car', 'rental'];

/** The three thresholds, as the API names them, with the form's words. */
export const FIELDS = [
  { name: 'overspeedKmh', label: 'Overspeed', unit: 'km/h' },
  { name: 'offlineAfterIgnitionOnS', label: 'Offline, ignition on', unit: 's' },
  { name: 'offlineAfterIgnitionOffS', label: 'Offline, ignition off', unit: 's' },
];

/**
 * The body of PUT /limits from the form's text. An empty field leaves that threshold unset (the
 * next wider scope's, or the default, applies); a setting with none removes the scope's entry.
 * @param {{scope: string, id?: string, overspeedKmh?: string, offlineAfterIgnitionOnS?: string,
 *   offlineAfterIgnitionOffS?: string}} form what the form holds.
 * @returns {{ok: true, body: any} | {ok: false, error: string}} the body, or why it cannot be sent.
 */
export function limitBody(form) {
  const scope = String(form.scope ?? '');
  if (!SCOPES.includes(scope)) return { ok: false, error: 'Choose fleet, car or rental.' };
  const body = { scope };
  if (scope !== 'fleet') {
    const id = String(form.id ?? '').trim();
    if (id === '') return { ok: false, error: scope === 'car' ? "Enter the car's id." : "Enter the rental's id." };
    body.id = id;
  }
  for (const { name, label } of FIELDS) {
    const text = String(form[name] ?? '').trim();
    if (text === '') continue;
    if (!/^-?\d+(\.\d+)?$/.test(text)) return { ok: false, error: `${label}: "${text}" is not a number.` };
    body[name] = Number(text);
  }
  return { ok: true, body };
}

const whole = (v) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 10_000_000;

/**
 * Reads one setting as GET /limits lists it; anything malformed is dropped (null), never guessed.
 * @param {unknown} json the parsed JSON.
 * @returns {null | {scope: string, id: string|null, overspeedKmh: number|null,
 *   offlineAfterIgnitionOnS: number|null, offlineAfterIgnitionOffS: number|null}}
 */
export function readLimit(json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !SCOPES.includes(json.scope)) return null;
  let id = null;
  if (json.scope !== 'fleet') {
    if (typeof json.id !== 'string' || json.id.length === 0 || json.id.length > 200) return null;
    id = json.id;
  }
  const setting = { scope: json.scope, id };
  for (const { name } of FIELDS) {
    if (json[name] === undefined || json[name] === null) {
      setting[name] = null;
    } else if (whole(json[name])) {
      setting[name] = json[name];
    } else {
      return null;
    }
  }
  return setting;
}

/**
 * The settings of a GET /limits answer, fleet first, then cars and rentals by id.
 * @param {unknown} data the parsed JSON.
 * @returns {Array<NonNullable<ReturnType<typeof readLimit>>>} the readable ones.
 */
export function readLimits(data) {
  const list = data !== null && typeof data === 'object' && Array.isArray(data.limits) ? data.limits : [];
  const order = (s) => SCOPES.indexOf(s.scope);
  return list.map(readLimit).filter((s) => s !== null)
    .sort((a, b) => order(a) - order(b) || String(a.id).localeCompare(String(b.id)));
}

/**
 * One setting in words: "Car car-0023: overspeed 20 km/h, offline (ignition on) 120 s".
 * @param {NonNullable<ReturnType<typeof readLimit>>} setting the setting.
 * @returns {string} the text.
 */
export function limitText(setting) {
  const who = setting.scope === 'fleet' ? 'Fleet' : `${setting.scope === 'car' ? 'Car' : 'Rental'} ${setting.id}`;
  const parts = FIELDS.filter(({ name }) => setting[name] !== null).map(({ name, label, unit }) => `${label.toLowerCase()} ${setting[name]} ${unit}`);
  return `${who}: ${parts.length > 0 ? parts.join(', ') : 'defaults'}`;
}

/**
 * What to tell the user when the server refused a setting: its reason, word for word.
 * @param {{status: number, problem: {title: string, detail?: string}}} outcome the API's refusal.
 * @returns {string} the message.
 */
export function refusalText(outcome) {
  if (outcome.status === 0) return 'The server cannot be reached: the thresholds are not saved. Try again.';
  const why = outcome.problem.detail ?? outcome.problem.title;
  return `The thresholds were refused: ${why}`;
}
