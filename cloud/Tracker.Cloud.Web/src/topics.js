// The MQTT topics the browser uses (contract with the local host, "Live updates"):
//   fleet/{carId}/fixes   the car's fix batches, republished verbatim by the broker (read)
//   fleet/{carId}/status  its status messages and the `offline` will, retained (read)
//   fleet/{carId}/events  the fleet events Derive stores, JSON (read; operators only, issue 16)
//   tracker/{carId}/live  the watch command, ASCII decimal seconds (write)

/**
 * An AWS IoT thing name: 1 to 128 of [a-zA-Z0-9:_-] (AWS IoT API reference, CreateThing,
 * thingName pattern). Checked before a car id goes into a topic or a URL, so no `+`, `#` or `/`
 * can widen a subscription.
 */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

/**
 * @param {unknown} carId the candidate.
 * @returns {boolean} true when it is a valid thing name.
 */
export function isCarId(carId) {
  return typeof carId === 'string' && THING_NAME.test(carId);
}

/** Every car's fixes (operators). */
export const ALL_FIXES = 'fleet/+/fixes';

/** Every car's status (operators). */
export const ALL_STATUS = 'fleet/+/status';

/** Every car's fleet events (operators only: the broker never lets a renter have them). */
export const ALL_EVENTS = 'fleet/+/events';

/**
 * @param {string} carId a valid car id.
 * @returns {string} its fixes topic.
 */
export function fixesTopic(carId) {
  return `fleet/${carId}/fixes`;
}

/**
 * @param {string} carId a valid car id.
 * @returns {string} its status topic.
 */
export function statusTopic(carId) {
  return `fleet/${carId}/status`;
}

/**
 * @param {string} carId a valid car id.
 * @returns {string} the topic its watch command goes to.
 */
export function liveTopic(carId) {
  return `tracker/${carId}/live`;
}

/**
 * Reads a topic the broker delivered.
 * @param {string} topic the topic name.
 * @returns {{carId: string, kind: 'fixes'|'status'|'events'} | null} what it carries, or null for anything else.
 */
export function parseTopic(topic) {
  if (typeof topic !== 'string') {
    return null;
  }
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== 'fleet' || !isCarId(parts[1])) {
    return null;
  }
  if (parts[2] === 'fixes' || parts[2] === 'status' || parts[2] === 'events') {
    return { carId: parts[1], kind: parts[2] };
  }
  return null;
}
