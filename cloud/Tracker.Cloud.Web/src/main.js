// The app: sign-in (the local host's dev login, or a hosted UI with OAuth 2.0 code + PKCE, as
// config.json says), then the operator's fleet view or the renter's car view, with live updates
// over MQTT. Routing is the URL hash: `#car/car-0001` opens that car (so a car view is linkable),
// `#fleet` or nothing shows the fleet. Everything a session starts is registered in its scope, so
// signing out, or a 401 from any call, tears it all down and returns to the login form.

import { alertsElements, createAlertsView } from './alertsview.js';
import { createAnnouncer } from './announcer.js';
import { createApi } from './api.js';
import { createMap } from './basemap.js';
import { carPanelElements, openCarView } from './carview.js';
import { loadConfig } from './config.js';
import { FleetStore } from './fleetstore.js';
import { createFleetView } from './fleetview.js';
import { createFrame } from './frame.js';
import { unwrapBatch } from './envelope.js';
import { createHooks, logLive } from './hooks.js';
import { brokerUrl, connectLive } from './live.js';
import {
  appUrl, beginSignIn, exchangeCode, readCallback, refreshDelayMs, refreshTokens, revokeRefreshToken,
  sessionFromTokens, signOutUrl, takePendingSignIn,
} from './oauth.js';
import { pointFromFix, pointFromLocation } from './point.js';
import { activeRental, cleanRentals, nextBoundary, nextRental } from './rentals.js';
import { rentalId } from './reports.js';
import { openReportsView, reportsElements } from './reportsview.js';
import { createScope } from './scope.js';
import { clearSession, isOperator, leaveNotice, loadSession, saveSession, sessionFromLogin, takeNotice } from './session.js';
import { decodeStatus } from './status.js';
import { dateTime } from './timefmt.js';
import { ALL_EVENTS, ALL_FIXES, ALL_STATUS, isCarId, parseTopic } from './topics.js';
import { batchHeaderCrc, decodeBatch } from './wire.js';
import { createZoneEditor, zoneElements } from './zoneeditor.js';
import { createLimitsView, limitsElements } from './limitsview.js';
import { createNotifyView, notifyElements } from './notifyview.js';
import { createRemoteConfigView, remoteConfigElements } from './remoteconfigview.js';
import { createRolloutsView, rolloutsElements } from './rolloutsview.js';

/** How often cars are re-aged, so that one silent for 10 minutes turns offline. */
const REFRESH_MS = 15 * 1000;

/**
 * Least time between two repaints of the fleet and the car view (src/frame.js): live enough to
 * read, cheap enough for 1,000 cars, and with the frame and its timer still well inside the
 * issue's one second from a fix's arrival to the marker's move.
 */
const FRAME_SPACING_MS = 200;

/** setTimeout's longest delay (2^31 - 1 ms, about 24.8 days). */
const MAX_DELAY_MS = 2147483647;

/** After a refresh that could not reach the provider, the next try (until the session ends). */
const REFRESH_RETRY_MS = 30 * 1000;

const $ = (id) => document.getElementById(id);
const els = {
  loginView: $('login-view'), loginForm: $('login-form'), loginUser: $('login-user'), loginPassword: $('login-password'),
  loginSubmit: $('login-submit'), loginMessage: $('login-message'),
  hostedSignIn: $('hosted-signin'), hostedSignInButton: $('hosted-signin-button'), hostedMessage: $('hosted-message'),
  appView: $('app-view'), map: $('map'), connection: $('connection'), whoami: $('whoami'), logout: $('logout'),
  fleetPanel: $('fleet-panel'), list: $('car-list'), search: $('search'), searchResult: $('search-result'), toggle: $('panel-toggle'), stateFilter: $('state-filter'),
  counts: { moving: document.querySelector('[data-testid="count-moving"]'), stopped: document.querySelector('[data-testid="count-stopped"]'), offline: document.querySelector('[data-testid="count-offline"]') },
  noticePanel: $('notice-panel'), noticeTitle: $('notice-title'), noticeText: $('notice-text'),
};
const carElements = carPanelElements(document);
const announcer = createAnnouncer($('announcer'));

/** The signed-in session's moving parts; null when signed out. */
let current = null;
let config = null;
let mapParts = null;

const hooks = createHooks({
  carsShown: () => {
    if (current === null) return 0;
    const fleet = current.fleetView === null ? 0 : current.fleetView.shown;
    return fleet + (current.carView !== null && current.carView.markerShown ? 1 : 0);
  },
  markerLatLng: (carId) => {
    if (current === null) return null;
    if (current.carView !== null && current.carView.carId === carId) return current.carView.markerLatLng();
    return current.fleetView === null ? null : current.fleetView.markerLatLng(carId);
  },
});
// Tests: centre the map on a car's marker at a zoom, and say where it is drawn (container pixels).
hooks.markerPoint = (carId, zoom) => {
  const at = hooks.markerLatLng(carId);
  if (at === null || mapParts === null) return null;
  mapParts.map.setView([at.lat, at.lng], zoom, { animate: false });
  const p = mapParts.map.latLngToContainerPoint([at.lat, at.lng]);
  return { x: p.x, y: p.y };
};
hooks.view = 'loading';
hooks.decodeErrors = 0;
hooks.tokenRefreshes = 0;
hooks.liveState = 'idle';
globalThis.trackerApp = hooks;

function showLogin(message) {
  hooks.ready = false;
  hooks.view = 'login';
  els.appView.hidden = true;
  els.logout.hidden = true;
  els.whoami.hidden = true;
  els.connection.hidden = true;
  els.toggle.hidden = true;
  els.loginView.hidden = false;
  const hosted = config.auth.mode === 'oauth';
  els.loginForm.hidden = hosted;
  els.hostedSignIn.hidden = !hosted;
  if (hosted) {
    els.hostedMessage.textContent = message;
    els.hostedSignInButton.disabled = false;
    els.hostedSignInButton.focus();
    return;
  }
  els.loginMessage.textContent = message;
  els.loginPassword.value = '';
  els.loginSubmit.disabled = false;
  els.loginUser.focus();
}

/** Sends the browser to the hosted UI; it comes back to this page with a code (onCallback). */
async function onHostedSignIn() {
  els.hostedSignInButton.disabled = true;
  const hash = location.hash.startsWith('#car/') ? location.hash : '';
  let url;
  try {
    url = await beginSignIn(config.auth, { crypto: globalThis.crypto, storage: sessionStorage, redirectUri: appUrl(location), returnHash: hash, now: Date.now() });
  } catch (e) {
    // Web Crypto's digest (the PKCE challenge) exists only on a secure page: https, or this machine.
    console.error(e);
    showLogin('Sign-in needs a secure page: open the app over https (or on this machine).');
    return;
  }
  location.assign(url);
}

/**
 * The hosted UI sent the browser back: check the state, exchange the code, start the session.
 * @param {{code: string, state: string}|{error: string, description: string, state: string|null}} callback
 */
async function onCallback(callback) {
  // The code and state leave the address bar (and the history) at once.
  history.replaceState(null, '', location.pathname);
  const pending = takePendingSignIn(sessionStorage, callback.state, Date.now());
  if ('error' in callback) {
    showLogin(callback.error === 'access_denied' ? 'Sign-in was cancelled.' : `Sign-in failed: ${callback.description || callback.error}`);
    return;
  }
  if (pending === null) {
    showLogin('That sign-in link has expired or was not started here. Please sign in again.');
    return;
  }
  els.hostedSignInButton.disabled = true;
  const r = await exchangeCode(config.auth, { code: callback.code, verifier: pending.verifier, redirectUri: pending.redirectUri }, (...a) => fetch(...a));
  const made = r.ok ? sessionFromTokens(r.body, { now: Date.now(), nonce: pending.nonce }) : { ok: false, error: r.status === 0 ? 'the sign-in service cannot be reached' : r.description || r.error };
  if (!made.ok) {
    showLogin(`Sign-in failed: ${made.error}. Please try again.`);
    return;
  }
  saveSession(sessionStorage, made.session);
  if (pending.returnHash !== '') history.replaceState(null, '', location.pathname + pending.returnHash);
  startSession(made.session);
}

async function onLoginSubmit(event) {
  event.preventDefault();
  const user = els.loginUser.value.trim();
  const password = els.loginPassword.value;
  if (user === '' || password === '') {
    els.loginMessage.textContent = 'Enter your user name and password.';
    (user === '' ? els.loginUser : els.loginPassword).focus();
    return;
  }
  els.loginSubmit.disabled = true;
  els.loginMessage.textContent = '';
  const api = createApi({ baseUrl: config.apiBase, getToken: () => null });
  const r = await api.login(user, password);
  els.loginSubmit.disabled = false;
  if (!r.ok) {
    els.loginMessage.textContent = r.status === 401 ? 'Wrong user name or password.'
      : r.status === 0 ? 'The server cannot be reached. Try again in a moment.'
        : `Sign-in failed: ${r.problem.detail ?? r.problem.title}`;
    els.loginPassword.focus();
    return;
  }
  const session = sessionFromLogin(r.data);
  if (session === null) {
    els.loginMessage.textContent = 'Sign-in failed: the server sent an unexpected answer.';
    return;
  }
  saveSession(sessionStorage, session);
  startSession(session);
}

function showConnection(state, detail) {
  const text = { connecting: 'Live: connecting…', connected: 'Live', reconnecting: 'Live: reconnecting…', refused: 'Live updates refused', closed: 'Live: off' }[state] ?? state;
  hooks.liveState = state;
  els.connection.hidden = false;
  els.connection.dataset.state = state;
  els.connection.textContent = text;
  els.connection.title = detail ?? '';
}

/**
 * The broker refused the live connection's credentials. A token near its end is the likely
 * reason (the live authorizer wants 5 minutes left): renew it before the next attempt. A dev
 * login cannot be renewed, so an expired one ends the session.
 */
function onLiveRefused(me) {
  if (current !== me) return;
  if (me.session.kind === 'oauth') {
    if (me.session.expiresMs - Date.now() < 10 * 60 * 1000) refreshSession(me);
  } else if (Date.now() >= me.session.expiresMs) {
    endSession('Your session has expired. Please sign in again.');
  }
}

/** Ends the session when its token does, unless a refresh moves that first. */
function scheduleExpiry(me) {
  if (me.expiryTimer !== null) clearTimeout(me.expiryTimer);
  me.expiryTimer = me.scope.timeout(() => {
    if (current === me) endSession('Your session has expired. Please sign in again.');
  }, Math.min(MAX_DELAY_MS, Math.max(0, me.session.expiresMs - Date.now())));
}

/** A hosted-UI session renews its token before the end (src/oauth.js refreshDelayMs). */
function scheduleRefresh(me, delayMs) {
  if (me.session.kind !== 'oauth' || me.session.refreshToken === null) return;
  if (me.refreshTimer !== null) clearTimeout(me.refreshTimer);
  me.refreshTimer = me.scope.timeout(() => refreshSession(me), Math.min(MAX_DELAY_MS, delayMs ?? refreshDelayMs(me.session, Date.now())));
}

async function refreshSession(me) {
  if (current !== me || me.refreshing || me.session.refreshToken === null) return;
  me.refreshing = true;
  const r = await refreshTokens(config.auth, me.session.refreshToken, (...a) => fetch(...a));
  me.refreshing = false;
  if (current !== me) return;
  const made = r.ok ? sessionFromTokens(r.body, { now: Date.now(), previous: me.session }) : null;
  if (made !== null && made.ok) {
    me.session = made.session;
    saveSession(sessionStorage, made.session);
    hooks.tokenRefreshes++;
    scheduleExpiry(me);
    scheduleRefresh(me);
    return;
  }
  if (!r.ok && (r.status === 0 || r.status >= 500)) {
    scheduleRefresh(me, REFRESH_RETRY_MS); // the provider is unreachable: try again while the token lasts
    return;
  }
  endSession('Your session has ended. Please sign in again.');
}

function ensureMap() {
  if (mapParts === null) {
    mapParts = createMap(els.map, config);
    hooks.map = mapParts.info;
  }
  mapParts.map.invalidateSize();
  return mapParts;
}

function startSession(session) {
  const scope = createScope();
  const store = new FleetStore({ rules: config.carRules });
  const operator = isOperator(session);
  const api = createApi({
    baseUrl: config.apiBase,
    getToken: () => me.session.token,
    onUnauthorized: () => endSession('Your session has ended. Please sign in again.'),
  });
  current = {
    session, scope, store, api, operator, live: null, fleetView: null, carView: null, reports: null, userId: null, rentalCar: null, frame: null, alerts: null, zones: null, limits: null, notify: null, remoteConfig: null, rollouts: null,
    expiryTimer: null, refreshTimer: null, refreshing: false,
  };
  const me = current;

  els.loginView.hidden = true;
  els.appView.hidden = false;
  els.appView.classList.remove('has-fleet', 'has-car');
  els.noticePanel.hidden = true;
  els.whoami.hidden = false;
  els.whoami.textContent = `${session.user} (${operator ? 'operator' : 'renter'})`;
  els.logout.hidden = false;
  ensureMap();

  me.frame = createFrame(() => renderFrame(me), { minIntervalMs: FRAME_SPACING_MS });
  scope.add(() => me.frame.cancel());
  scope.add(() => announcer.dispose());

  me.live = connectLive({
    mqttLib: globalThis.mqtt,
    url: brokerUrl(location, config.mqttUrl),
    authorizer: config.mqttAuthorizer,
    user: session.user,
    getToken: () => me.session.token,
    onMessage: (topic, payload) => onLiveMessage(me, topic, payload),
    onState: showConnection,
    onConnect: () => {
      me.carView?.onLiveConnected();
      me.alerts?.load(); // what happened while the connection was down
    },
    onRefused: () => onLiveRefused(me),
  });
  scope.add(() => me.live.end());

  scheduleExpiry(me);
  scheduleRefresh(me);
  scope.interval(() => {
    store.refresh();
    me.frame.schedule();
  }, REFRESH_MS);
  scope.listen(window, 'hashchange', () => route(me));

  (operator ? startFleet(me) : startRenter(me)).catch((e) => {
    console.error(e);
    showNotice('Something went wrong', 'The app could not start. Reload the page to try again.');
  });
}

async function startFleet(me) {
  const { L } = globalThis;
  const parts = ensureMap();
  els.appView.classList.add('has-fleet');
  parts.map.invalidateSize();
  me.fleetView = createFleetView({
    L,
    map: parts.map,
    store: me.store,
    elements: { panel: els.fleetPanel, list: els.list, search: els.search, searchResult: els.searchResult, toggle: els.toggle, stateFilter: els.stateFilter, counts: els.counts },
    onOpen: (carId) => {
      location.hash = `#car/${carId}`;
    },
    scope: me.scope,
  });
  me.scope.add(() => me.fleetView?.destroy());

  me.live.subscribe([ALL_FIXES, ALL_STATUS]).then(async (outcome) => {
    if (current !== me) return;
    if (outcome.refused.length > 0) announcer.say('Live updates for the fleet were refused.');
    // Listed again once the fixes are granted, as the alerts are below: a fix stored after the
    // first list and pushed before the grant is not missed.
    if (!outcome.granted.includes(ALL_FIXES)) return;
    const again = await me.api.cars();
    if (current !== me || !again.ok) return;
    applyCars(me, again.data);
    renderFrame(me);
  });

  // Issue 16: the alerts panel over the live event feed (operators only), and zone editing.
  me.alerts = createAlertsView({
    api: me.api,
    elements: alertsElements(document),
    scope: me.scope,
    onOpenCar: (carId) => { location.hash = `#car/${carId}`; },
    announce: (text) => announcer.say(text),
    onEvent: (e) => me.carView?.onEvent(e),
  });
  hooks.alerts = me.alerts;
  me.scope.add(() => { if (hooks.alerts === me.alerts) hooks.alerts = null; });
  // Listed now, and again once the live feed is granted: an event stored between the two is not missed.
  me.alerts.load();
  me.live.subscribe([ALL_EVENTS]).then((outcome) => {
    if (current !== me) return;
    if (outcome.refused.length > 0) {
      announcer.say('Live alerts were refused.');
      return;
    }
    hooks.alertsLive = true;
    me.alerts.load();
  });
  me.scope.add(() => { hooks.alertsLive = false; });
  me.zones = createZoneEditor({ L, map: parts.map, api: me.api, elements: zoneElements(document), scope: me.scope, announce: (text) => announcer.say(text) });
  hooks.zones = me.zones;
  me.zones.load();
  // The operators' panels: thresholds and notifications (issue 16: who is told of which events, and
  // whether it reached them), the cars' remote config and the application's rollouts (issue 18).
  for (const [name, create, elements] of [
    ['limits', createLimitsView, limitsElements],
    ['notify', createNotifyView, notifyElements],
    ['remoteConfig', createRemoteConfigView, remoteConfigElements],
    ['rollouts', createRolloutsView, rolloutsElements],
  ]) {
    const view = create({ api: me.api, elements: elements(document), scope: me.scope, announce: (text) => announcer.say(text) });
    me[name] = view;
    hooks[name] = view;
    me.scope.add(() => { if (hooks[name] === view) hooks[name] = null; });
    view.load();
  }

  const r = await me.api.cars();
  if (current !== me) return;
  if (!r.ok) {
    if (r.status !== 401) showNotice('Cars not loaded', `The list of cars could not be loaded: ${r.problem.title}.`);
    return;
  }
  applyCars(me, r.data);
  me.store.takeTransitions(); // the initial states are not news
  renderFrame(me);
  me.fleetView.fitToCars();
  announcer.say(`Signed in as ${me.session.user}. ${me.store.cars.size} cars: ${me.store.counts.moving} moving, ${me.store.counts.stopped} stopped, ${me.store.counts.offline} offline.`);
  route(me);
  hooks.ready = true;
}

/** Puts each car of a `GET /cars` answer in the store (older than what it has changes nothing). */
function applyCars(me, data) {
  const cars = data !== null && typeof data === 'object' && Array.isArray(data.cars) ? data.cars : [];
  for (const loc of cars) {
    const point = pointFromLocation(loc);
    if (point !== null && isCarId(loc.carId)) me.store.applyLocation(loc.carId, point);
  }
}

async function startRenter(me) {
  const r = await me.api.me();
  if (current !== me) return;
  if (!r.ok) {
    if (r.status !== 401) showNotice('Account not loaded', `Your rentals could not be loaded: ${r.problem.title}.`);
    return;
  }
  const rentals = cleanRentals(r.data?.rentals).filter((x) => isCarId(x.carId));
  // The API's user id (the token's sub), which a rental's id is made of; a hosted-UI session shows a user name.
  if (typeof r.data?.user === 'string' && r.data.user !== '') me.userId = r.data.user;
  const evaluate = () => {
    if (current !== me) return;
    const now = Date.now();
    const active = activeRental(rentals, now);
    if (active !== null) {
      els.noticePanel.hidden = true;
      me.rentalCar = active;
      if (location.hash !== `#car/${active.carId}`) history.replaceState(null, '', `#car/${active.carId}`);
      openCar(me, active.carId, { subscribe: true, window: active });
    } else {
      me.rentalCar = null;
      closeCar(me);
      if (location.hash !== '') history.replaceState(null, '', location.pathname + location.search);
      const next = nextRental(rentals, now);
      showNotice('No active rental', next === null
        ? 'You have no rental right now, so there is no car to show.'
        : `Your rental of ${next.carId} starts on ${dateTime(next.fromMs)}. The car appears here then.`);
      hooks.view = 'notice';
    }
    const boundary = nextBoundary(rentals, now);
    if (boundary !== null) {
      me.scope.timeout(evaluate, Math.min(MAX_DELAY_MS, boundary - now + 250));
    }
  };
  evaluate();
  hooks.ready = true;
}

function showNotice(title, text) {
  els.noticeTitle.textContent = title;
  els.noticeText.textContent = text;
  els.noticePanel.hidden = false;
  announcer.say(`${title}. ${text}`);
}

/** The hash says which car to show (operators); a renter always sees their rental's car. */
function route(me) {
  if (current !== me) return;
  const m = /^#car\/([^/]+)$/.exec(location.hash);
  const carId = m === null ? null : decodeURIComponent(m[1]);
  if (!me.operator) {
    const own = me.rentalCar === null ? null : me.rentalCar.carId;
    if (carId !== own) {
      history.replaceState(null, '', own === null ? location.pathname + location.search : `#car/${own}`);
    }
    return;
  }
  if (carId !== null && isCarId(carId)) {
    openCar(me, carId, { subscribe: false, window: null });
  } else {
    const was = me.carView?.carId ?? null;
    closeCar(me);
    hooks.view = 'fleet';
    if (was !== null) me.fleetView?.focusItem(was);
  }
}

function openCar(me, carId, { subscribe, window: rentalWindow }) {
  if (me.carView !== null && me.carView.carId === carId) return;
  closeCar(me);
  const parts = ensureMap();
  els.appView.classList.add('has-car');
  me.carView = openCarView({
    L: globalThis.L,
    map: parts.map,
    renderer: parts.focusRenderer,
    store: me.store,
    api: me.api,
    live: me.live,
    elements: carElements,
    carId,
    operator: me.operator,
    window: rentalWindow,
    subscribe,
    announce: (text) => announcer.say(text),
    requestFrame: () => me.frame.schedule(),
    nearestStreet: parts.nearestStreet,
  });
  // Issue 17: the car's reports; a renter's default to their rental, with its summary.
  me.reports = openReportsView({
    L: globalThis.L,
    map: parts.map,
    renderer: parts.focusRenderer,
    api: me.api,
    carId,
    elements: reportsElements(document),
    rental: rentalWindow ? { id: rentalId(carId, me.userId ?? me.session.user, rentalWindow.fromMs), fromMs: rentalWindow.fromMs, toMs: rentalWindow.toMs } : null,
    operator: me.operator,
    announce: (text) => announcer.say(text),
    nearestStreet: parts.nearestStreet,
    showLive: () => {
      const at = me.carView?.markerLatLng();
      if (at) parts.map.setView([at.lat, at.lng], Math.max(parts.map.getZoom(), 14), { animate: false });
    },
  });
  hooks.reports = me.reports;
  me.fleetView?.setFocus(carId);
  parts.map.invalidateSize();
  me.frame.schedule();
  hooks.view = 'car';
  carElements.title.tabIndex = -1;
  carElements.title.focus({ preventScroll: true });
}

function closeCar(me) {
  if (me.carView === null) return;
  me.reports?.close();
  me.reports = null;
  hooks.reports = null;
  me.carView.close();
  me.carView = null;
  me.fleetView?.setFocus(null);
  els.appView.classList.remove('has-car');
  mapParts?.map.invalidateSize();
}

function onLiveMessage(me, topic, payload) {
  if (current !== me) return;
  const t = parseTopic(topic);
  if (t === null) return;
  // A renter only ever subscribes to their car; anything else is not shown.
  if (!me.operator && (me.rentalCar === null || t.carId !== me.rentalCar.carId)) return;
  if (t.kind === 'events') {
    // Fleet events are for operators; a renter's session never asks for them and never shows one.
    if (me.operator && me.alerts !== null && !me.alerts.onMessage(t.carId, payload)) {
      hooks.decodeErrors++;
      console.debug(`fleet/${t.carId}/events: rejected`);
    }
    return;
  }
  if (t.kind === 'fixes') {
    const bytes = unwrapBatch(payload);
    logLive(hooks, { carId: t.carId, crc32: bytes === null ? null : batchHeaderCrc(bytes), recvMs: Date.now() });
    const batch = bytes === null ? { ok: false, error: 'BadEnvelope' } : decodeBatch(bytes);
    if (batch.ok) {
      me.store.applyFixes(t.carId, batch.fixes.map(pointFromFix));
    } else {
      hooks.decodeErrors++;
      console.debug(`fleet/${t.carId}/fixes: rejected (${batch.error})`);
    }
  } else {
    const status = decodeStatus(payload);
    if (status.ok) {
      me.store.applyStatus(t.carId, status.status);
    } else {
      hooks.decodeErrors++;
      console.debug(`fleet/${t.carId}/status: rejected (${status.error})`);
    }
  }
  me.frame.schedule();
}

function renderFrame(me) {
  if (current !== me) return;
  const dirty = me.store.takeDirty();
  me.fleetView?.render(dirty);
  me.carView?.render();
  const transitions = me.store.takeTransitions();
  if (me.fleetView !== null) {
    const focused = me.carView?.carId;
    announcer.transitions(transitions.filter((t) => t.carId !== focused));
  }
}

function endSession(message) {
  const me = current;
  if (me === null) return;
  current = null;
  closeCar(me);
  me.scope.dispose();
  clearSession(sessionStorage);
  els.appView.classList.remove('has-fleet', 'has-car');
  els.noticePanel.hidden = true;
  showLogin(message);
}

/**
 * Signing out of a hosted-UI session also revokes its refresh token, so it mints nothing more,
 * and ends the hosted UI's own session (else its cookie would sign the next person straight in);
 * the hosted UI then sends the browser back here.
 */
async function signOut() {
  const me = current;
  if (me === null) return;
  const { session } = me;
  endSession('You have signed out.');
  if (session.kind !== 'oauth') return;
  els.hostedSignInButton.disabled = true;
  if (session.refreshToken !== null) {
    await revokeRefreshToken(config.auth, session.refreshToken, (...a) => fetch(...a));
  }
  const url = signOutUrl(config.auth, appUrl(location));
  if (url === null) {
    els.hostedSignInButton.disabled = false;
    return;
  }
  leaveNotice(sessionStorage, 'You have signed out.');
  location.assign(url);
}

async function boot() {
  config = await loadConfig();
  els.loginForm.addEventListener('submit', onLoginSubmit);
  els.hostedSignInButton.addEventListener('click', () => onHostedSignIn());
  els.logout.addEventListener('click', () => signOut());
  if (config.auth.mode === 'local' && location.protocol === 'https:') {
    // The build's config.json reached a deployment: the dev login exists only on the local host.
    showLogin('');
    els.loginSubmit.disabled = true;
    els.loginMessage.textContent = 'This deployment has no sign-in settings (config.json is the local one). Deploy the stack again, and upload the app without its config.json.';
    return;
  }
  if (config.carRules === null) {
    // Moving, stopped, offline and filtered are the cloud's definitions; without them the map would guess.
    showLogin('');
    els.loginSubmit.disabled = true;
    els.hostedSignInButton.disabled = true;
    els.loginMessage.textContent = 'This deployment\'s config.json has no car rules (carRules). On AWS, write it with scripts/config-from-stack.mjs from the current stack; the local host serves its own.';
    return;
  }
  const callback = config.auth.mode === 'oauth' ? readCallback(location.search) : null;
  if (callback !== null) {
    await onCallback(callback);
    return;
  }
  const session = loadSession(sessionStorage);
  const kindFits = session !== null && (session.kind === 'oauth') === (config.auth.mode === 'oauth');
  if (session === null || !kindFits) {
    clearSession(sessionStorage);
    showLogin(takeNotice(sessionStorage));
  } else if (session.expiresMs <= Date.now()) {
    clearSession(sessionStorage);
    showLogin('Your session has expired. Please sign in again.');
  } else {
    startSession(session);
  }
}

boot();
