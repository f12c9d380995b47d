// The HTTP API client (contract: POST /auth/login, GET /me, /cars, /cars/{id}/location,
// /cars/{id}/locations; issue 16: /events, /cars/{id}/events, acknowledge, /zones; issue 17: trips,
// stops, daily summaries, a rental's summary, and exports as files; issue 16: limits, subscriptions,
// notifications; issue 18: cars' and groups' config, images, rollouts, a car's update). Every call returns an outcome,
// never throws: {ok: true, data} or {ok: false, status, problem}, where problem is the RFC 9457 body
// when the server sent one.
// A 401 on an authenticated call also calls onUnauthorized, which sends the user back to the
// login form.

import { isCarId } from './topics.js';

/**
 * @typedef {{type?: string, title: string, status?: number, detail?: string}} Problem
 * @typedef {{ok: true, status: number, data: any} | {ok: false, status: number, problem: Problem, aborted?: boolean, data?: any}} Outcome
 */

/**
 * @param {number} status the HTTP status.
 * @param {string} text the response body.
 * @returns {Problem} the RFC 9457 problem in it, or one made from the status.
 */
function problemFrom(status, text) {
  try {
    const body = JSON.parse(text);
    if (body !== null && typeof body === 'object' && typeof body.title === 'string') {
      return { type: body.type, title: body.title, status: body.status, detail: typeof body.detail === 'string' ? body.detail : undefined };
    }
  } catch {
    // Not JSON: fall through.
  }
  return { title: `HTTP ${status}`, status };
}

/**
 * @param {string|Blob} text a refusal's body.
 * @returns {any} its JSON (a group's partial write lists what failed), or null.
 */
function jsonOrNull(text) {
  try {
    return typeof text === 'string' ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * @param {{baseUrl?: string, fetchImpl?: typeof fetch, getToken: () => string|null,
 *   onUnauthorized?: (problem: Problem) => void}} options where the API is ('' = this origin),
 *   the fetch to use, the current token, and what to do on a 401.
 * @returns the client.
 */
export function createApi(options) {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const fetchImpl = options.fetchImpl ?? ((...args) => globalThis.fetch(...args));
  const onUnauthorized = options.onUnauthorized ?? (() => {});

  /**
   * @param {string} path starting with '/'.
   * @param {{method?: string, body?: any, signal?: AbortSignal, auth?: boolean, file?: boolean, accept?: string}} [init]
   *   the request; `file`: the answer is kept as a Blob (an export), not parsed.
   * @returns {Promise<Outcome>} the outcome.
   */
  async function request(path, init = {}) {
    const auth = init.auth ?? true;
    const headers = { accept: init.accept ?? 'application/json' };
    if (auth) {
      const token = options.getToken();
      if (token === null) {
        const problem = { title: 'Not signed in', status: 401 };
        onUnauthorized(problem);
        return { ok: false, status: 401, problem };
      }
      headers.authorization = `Bearer ${token}`;
    }
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    let response;
    let text;
    try {
      response = await fetchImpl(baseUrl + path, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
        cache: 'no-store',
      });
      // A file (an export) is kept as the server's bytes; only a refusal is read as text.
      text = init.file && response.ok ? await response.blob() : await response.text();
    } catch (e) {
      const aborted = e !== null && typeof e === 'object' && e.name === 'AbortError';
      return { ok: false, status: 0, aborted, problem: { title: aborted ? 'Cancelled' : 'The server cannot be reached', detail: String(e && e.message ? e.message : e) } };
    }
    if (response.status === 401 && auth) {
      const problem = problemFrom(401, text);
      onUnauthorized(problem);
      return { ok: false, status: 401, problem };
    }
    if (!response.ok) {
      return { ok: false, status: response.status, problem: problemFrom(response.status, text), data: jsonOrNull(text) };
    }
    if (response.status === 204) {
      return { ok: true, status: 204, data: null };
    }
    if (init.file) {
      return { ok: true, status: response.status, data: text, nextCursor: response.headers.get('x-next-cursor') };
    }
    try {
      return { ok: true, status: response.status, data: JSON.parse(text) };
    } catch {
      return { ok: false, status: response.status, problem: { title: 'The server sent a response that is not JSON', status: response.status } };
    }
  }

  const carPath = (carId) => {
    if (!isCarId(carId)) {
      throw new RangeError(`not a car id: ${carId}`); // a programming error: ids are checked on the way in
    }
    return `/cars/${encodeURIComponent(carId)}`;
  };

  return {
    /** @returns {Promise<Outcome>} the login outcome (a 401 here is a wrong password, not an expiry). */
    login: (user, password) => request('/auth/login', { method: 'POST', body: { user, password }, auth: false }),
    /** @returns {Promise<Outcome>} {user, roles, rentals}. */
    me: (signal) => request('/me', { signal }),
    /** @returns {Promise<Outcome>} {cars: Location[]} (operators). */
    cars: (signal) => request('/cars', { signal }),
    /** @returns {Promise<Outcome>} one Location. */
    location: (carId, signal) => request(`${carPath(carId)}/location`, { signal }),
    /**
     * One page of history.
     * @param {string} carId the car.
     * @param {{start: number, end: number, limit?: number, cursor?: string|null}} query epoch ms.
     * @param {AbortSignal} [signal] cancels it.
     * @returns {Promise<Outcome>} {carId, start, end, fixes, nextCursor}.
     */
    locations: (carId, query, signal) => {
      const params = new URLSearchParams({ start: String(query.start), end: String(query.end) });
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.cursor) params.set('cursor', query.cursor);
      return request(`${carPath(carId)}/locations?${params}`, { signal });
    },
    /**
     * The fleet's events (operators; issue 16), newest first, or one car's.
     * @param {{carId?: string, type?: string, start?: number, end?: number, limit?: number, cursor?: string|null}} [query]
     * @param {AbortSignal} [signal] cancels it.
     * @returns {Promise<Outcome>} {events, nextCursor}.
     */
    events: (query = {}, signal) => {
      const params = new URLSearchParams();
      for (const name of ['type', 'start', 'end', 'limit', 'cursor']) {
        if (query[name] !== undefined && query[name] !== null && query[name] !== '') params.set(name, String(query[name]));
      }
      const qs = params.size > 0 ? `?${params}` : '';
      return request(query.carId ? `${carPath(query.carId)}/events${qs}` : `/events${qs}`, { signal });
    },
    /** @returns {Promise<Outcome>} the event as acknowledged (the first acknowledgement stands). */
    acknowledge: (carId, eventId) => request(`${carPath(carId)}/events/${encodeURIComponent(eventId)}/acknowledge`, { method: 'POST' }),
    /** @returns {Promise<Outcome>} {zones}. */
    zones: (signal) => request('/zones', { signal }),
    /** @returns {Promise<Outcome>} the zone stored, or a 400 whose detail is the validator's reason. */
    putZone: (zoneId, body) => request(`/zones/${encodeURIComponent(zoneId)}`, { method: 'PUT', body }),
    /** @returns {Promise<Outcome>} the outcome. */
    deleteZone: (zoneId) => request(`/zones/${encodeURIComponent(zoneId)}`, { method: 'DELETE' }),
    /**
     * A car's report (issue 17): `trips`, `stops` or `daily`, JSON.
     * @param {string} carId the car.
     * @param {'trips'|'stops'|'daily'} route which report.
     * @param {string} query from reports.js reportQuery ('' or `?...`).
     * @param {AbortSignal} [signal] cancels it.
     * @returns {Promise<Outcome>} {trips|stops, nextCursor} or {days}.
     */
    report: (carId, route, query, signal) => request(`${carPath(carId)}/${route}${query}`, { signal }),
    /** @returns {Promise<Outcome>} {trip, points: [ts, latE7, lonE7, speedMmps][]}. */
    trip: (carId, startTs, signal) => request(`${carPath(carId)}/trips/${encodeURIComponent(String(startTs))}`, { signal }),
    /** @returns {Promise<Outcome>} the rental's summary (what a bill is made from). */
    rentalSummary: (id, signal) => request(`/rentals/${encodeURIComponent(id)}/summary`, { signal }),
    /**
     * A report as a file, the server's own bytes: data is a Blob of its content type, nextCursor the
     * x-next-cursor header (more rows than one export holds) or null.
     * @param {string} carId the car.
     * @param {string} path `trips`, `stops` or `trips/{startTs}`.
     * @param {string} query with its format.
     * @returns {Promise<Outcome & {nextCursor?: string|null}>} the file.
     */
    download: (carId, path, query) => request(`${carPath(carId)}/${path}${query}`, { file: true, accept: '*/*' }),
    /** @returns {Promise<Outcome>} {limits}: the thresholds set for the fleet, cars and rentals (operators). */
    limits: (signal) => request('/limits', { signal }),
    /** @returns {Promise<Outcome>} the setting stored, or a 400 whose detail is the parser's reason. */
    putLimits: (body) => request('/limits', { method: 'PUT', body }),
    /** @returns {Promise<Outcome>} {subscriptions}: who is told of which events, and how (operators; secrets never shown). */
    subscriptions: (signal) => request('/subscriptions', { signal }),
    /** @returns {Promise<Outcome>} the subscription stored (without its secret), or a 400 whose detail is the validator's reason. */
    putSubscription: (id, body) => request(`/subscriptions/${encodeURIComponent(id)}`, { method: 'PUT', body }),
    /** @returns {Promise<Outcome>} the outcome (204). */
    deleteSubscription: (id) => request(`/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    /**
     * Deliveries in one state, newest first, a page at a time.
     * @param {{state: string, limit?: number, cursor?: string|null}} query the state and the page.
     * @param {AbortSignal} [signal] cancels it.
     * @returns {Promise<Outcome>} {notifications, nextCursor}.
     */
    notifications: (query, signal) => {
      const params = new URLSearchParams({ state: query.state });
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.cursor) params.set('cursor', query.cursor);
      return request(`/notifications?${params}`, { signal });
    },
    /** @returns {Promise<Outcome>} the notification, pending again and due now; 404 when it is no longer failed. */
    redeliver: (deliveryId) => request(`/notifications/${encodeURIComponent(deliveryId)}/redeliver`, { method: 'POST' }),
    /** @returns {Promise<Outcome>} a car's config view (issue 18, operators): desired, applied, version, pending, refused. */
    carConfig: (carId, signal) => request(`${carPath(carId)}/config`, { signal }),
    /** @returns {Promise<Outcome>} the view after (202), or a 422 whose detail is the host's reason. */
    putCarConfig: (carId, body) => request(`${carPath(carId)}/config`, { method: 'PUT', body }),
    /** @returns {Promise<Outcome>} {groups: [{group, cars}]}. */
    groups: (signal) => request('/groups', { signal }),
    /** @returns {Promise<Outcome>} the group as stored, or a 422 naming a car that is not provisioned. */
    putGroup: (group, body) => request(`/groups/${encodeURIComponent(group)}`, { method: 'PUT', body }),
    /** @returns {Promise<Outcome>} {group, cars: [config view]}. */
    groupConfig: (group, signal) => request(`/groups/${encodeURIComponent(group)}/config`, { signal }),
    /** @returns {Promise<Outcome>} {group, cars, failed} (202), or a 422 checked for every car before any is written. */
    putGroupConfig: (group, body) => request(`/groups/${encodeURIComponent(group)}/config`, { method: 'PUT', body }),
    /** @returns {Promise<Outcome>} {images: [{version, size, sha256, keyId}]} (issue 18, operators). */
    images: (signal) => request('/updates/images', { signal }),
    /** @returns {Promise<Outcome>} {rollouts}: newest first, without their cars. */
    rollouts: (signal) => request('/rollouts', { signal }),
    /** @returns {Promise<Outcome>} one rollout with each car's state, step and reason. */
    rollout: (id, signal) => request(`/rollouts/${encodeURIComponent(id)}`, { signal }),
    /** @returns {Promise<Outcome>} the rollout started (201), or a problem whose detail is the host's reason. */
    startRollout: (group, body) => request(`/groups/${encodeURIComponent(group)}/rollouts`, { method: 'POST', body }),
    /**
     * @param {string} id the rollout.
     * @param {'pause'|'resume'|'cancel'} action what to do.
     * @returns {Promise<Outcome>} the rollout after, or a 409 saying why not in its state.
     */
    rolloutAction: (id, action) => request(`/rollouts/${encodeURIComponent(id)}/${encodeURIComponent(action)}`, { method: 'POST' }),
    /** @returns {Promise<Outcome>} {car, version, rollout?, target?, state?, step?, reason?}. */
    carUpdate: (carId, signal) => request(`${carPath(carId)}/update`, { signal }),
  };
}
