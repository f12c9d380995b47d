// Times for people: the datetime-local inputs of the history form (local time, minutes) and the
// labels of the list and the panels. Epoch ms everywhere else.

const pad = (n, width = 2) => String(n).padStart(width, '0');

/**
 * @param {number} ms epoch ms.
 * @returns {string} `YYYY-MM-DDTHH:MM` in the browser's local time, as datetime-local takes it.
 */
export function toDatetimeLocal(ms) {
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * @param {string} value a datetime-local value (`YYYY-MM-DDTHH:MM`, optionally `:SS`).
 * @returns {number|null} epoch ms of that local time, or null when it is not one.
 */
export function fromDatetimeLocal(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/.exec(value ?? '');
  if (m === null) {
    return null;
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const date = new Date(y, mo - 1, d, h, mi, s);
  // new Date rolls 2026-02-31 over into March: refuse what does not round-trip.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h || date.getMinutes() !== mi) {
    return null;
  }
  return date.getTime();
}

/**
 * @param {number} ms epoch ms.
 * @returns {string} local `HH:MM:SS`.
 */
export function clockTime(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * @param {number} ms epoch ms.
 * @returns {string} local `YYYY-MM-DD HH:MM:SS`.
 */
export function dateTime(ms) {
  return `${toDatetimeLocal(ms).slice(0, 10)} ${clockTime(ms)}`;
}

/**
 * @param {number} ms a duration.
 * @returns {string} a short age such as `12 s`, `4 min`, `3 h`, `2 d`.
 */
export function age(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 172800) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/**
 * @param {number|null} speedMmps mm/s.
 * @returns {string} km/h with one decimal, or `unknown`.
 */
export function kmh(speedMmps) {
  return speedMmps === null ? 'unknown' : `${(speedMmps * 0.0036).toFixed(1)} km/h`;
}
