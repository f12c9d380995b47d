// The updates panel (issue 18, operators only): the uploaded images (GET /updates/images), a form
// that starts a rollout of one to a group (version, cars released a minute, abort criterion), the
// rollouts newest first with pause, resume and cancel, and one rollout's cars: each car's state in
// it (queued, in progress with its step, succeeded, failed or rejected with the car's reason,
// canceled) and the version it runs (GET /cars/{id}/update). The host judges every request and its
// refusal is shown word for word (src/rollouts.js). Live-ish: while the panel is open and the page
// visible, an active rollout is read every POLL_MS, at most MAX_POLLS times after the operator's
// last action; the list every LIST_MS.

import { droppedText, panelMessage, readListing, smallButton } from './panelparts.js';
import { refusalText } from './notify.js';
import { GROUP_NAME } from './remoteconfig.js';
import {
  actionsFor, carStateText, isActive, progressText, readCarUpdate, readImages, readRollout, readRollouts, rolloutBody, settingsText,
  sizeText, stateClass,
} from './rollouts.js';
import { isCarId } from './topics.js';

/** How often the open rollout is read while it is active. */
export const POLL_MS = 2000;
/** How often the list of rollouts is read while the panel is open. */
export const LIST_MS = 10_000;
/** The most reads of an open rollout after the operator's last action (20 minutes at POLL_MS). */
export const MAX_POLLS = 600;
/** The most cars whose running version is read at each refresh (one GET each). */
export const MAX_VERSION_READS = 50;

const ACTION_WORDS = Object.freeze({ pause: ['Pause', 'paused'], resume: ['Resume', 'resumed'], cancel: ['Cancel', 'canceled'] });

/**
 * @param {Document} doc the document.
 * @returns the elements (index.html).
 */
export function rolloutsElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    section: $('rollouts-section'), images: $('rollouts-images'), form: $('rollout-form'), group: $('rollout-group'), version: $('rollout-version'),
    rate: $('rollout-rate'), abortPercent: $('rollout-abort-percent'), abortMin: $('rollout-abort-min'), message: $('rollouts-message'),
    refresh: $('rollouts-refresh'), list: $('rollouts-list'), detail: $('rollout-detail'), detailTitle: $('rollout-detail-title'),
    detailSummary: $('rollout-detail-summary'), actions: $('rollout-actions'), cars: $('rollout-cars'),
  };
}

/**
 * @param {{api: any, elements: ReturnType<typeof rolloutsElements>, scope: any, announce: (text: string) => void}} options
 * @returns the view: load() lists the images and the rollouts.
 */
export function createRolloutsView(options) {
  const { api, elements: el, scope, announce } = options;
  const { say, tell } = panelMessage(el.message, announce);
  const doc = el.section.ownerDocument;
  let images = [];
  let rollouts = [];
  /** @type {null | NonNullable<ReturnType<typeof readRollout>>} */
  let open = null;
  /** @type {Map<string, NonNullable<ReturnType<typeof readCarUpdate>>>} */
  let versions = new Map();
  let loadingOpen = null;
  let busy = false;
  let pollsLeft = 0;
  let finalRead = false;
  /** The rollout whose Cancel waits for its second press, or null. */
  let confirming = null;
  /** What the action buttons were drawn for: they are drawn again only when it changes, so focus stays. */
  let actionsDrawn = '';
  /** The list's items by rollout id, updated in place so a focused button stays. */
  const items = new Map();

  el.section.hidden = false;
  scope.add(() => {
    loadingOpen?.abort();
    el.section.hidden = true;
    el.images.replaceChildren();
    el.list.replaceChildren();
    el.cars.replaceChildren();
    el.detail.hidden = true;
  });
  scope.listen(el.form, 'submit', (e) => {
    e.preventDefault();
    start();
  });
  scope.listen(el.refresh, 'click', async () => {
    pollsLeft = MAX_POLLS;
    await loadAll();
    announce(el.message.textContent);
  });
  scope.listen(el.section, 'toggle', () => { if (el.section.open) loadAll(); });
  scope.interval(() => {
    if (open === null || pollsLeft <= 0 || !el.section.open || doc.visibilityState === 'hidden') return;
    // An active rollout is read until it ends, and once more after, for the versions the cars run then.
    if (!isActive(open) && finalRead) return;
    pollsLeft--;
    readOpen(open.id, false);
  }, POLL_MS);
  scope.interval(() => {
    if (el.section.open && doc.visibilityState !== 'hidden') loadRollouts();
  }, LIST_MS);

  const button = (text, label, onClick, testid) => smallButton(doc, text, label, onClick, testid);

  async function loadAll() {
    await loadImages();
    await loadRollouts();
    if (open !== null) await readOpen(open.id, false);
  }

  async function loadImages() {
    const read = await readListing(api.images(), readImages, { one: 'image', many: 'images' }, say);
    if (read === null) return;
    images = read.images;
    const chosen = el.version.value;
    el.version.replaceChildren(...images.map((i) => {
      const option = doc.createElement('option');
      option.value = i.version;
      option.textContent = i.version;
      return option;
    }));
    if (images.some((i) => i.version === chosen)) el.version.value = chosen;
    if (images.length === 0) {
      const li = doc.createElement('li');
      li.className = 'rollout-image';
      li.textContent = 'No images: upload one signed with the fleet key (POST /updates/images) first.';
      el.images.replaceChildren(li);
      return;
    }
    el.images.replaceChildren(...images.map((i) => {
      const li = doc.createElement('li');
      li.className = 'rollout-image';
      li.dataset.testid = 'rollout-image';
      li.dataset.version = i.version;
      const name = doc.createElement('strong');
      name.textContent = i.version;
      const sha = doc.createElement('code');
      sha.title = `SHA-256 ${i.sha256}`;
      sha.textContent = i.sha256.slice(0, 16);
      li.append(name, `, ${sizeText(i.size)}, SHA-256 `, sha, `…, key ${i.keyId}`);
      return li;
    }));
  }

  async function loadRollouts() {
    const read = await readListing(api.rollouts(), readRollouts, { one: 'rollout', many: 'rollouts' }, say);
    if (read === null) return;
    rollouts = read.rollouts;
    renderList();
  }

  function renderList() {
    if (rollouts.length === 0) {
      items.clear();
      const li = doc.createElement('li');
      li.className = 'rollout-item';
      li.textContent = 'No rollouts yet.';
      el.list.replaceChildren(li);
      return;
    }
    for (const id of [...items.keys()]) if (!rollouts.some((r) => r.id === id)) items.delete(id);
    const order = rollouts.map((r) => {
      const item = items.get(r.id) ?? newItem(r);
      items.set(r.id, item);
      item.li.className = `rollout-item ${r.state}`;
      item.li.dataset.state = r.state;
      item.tag.className = `tag ${r.state}`;
      item.tag.textContent = r.state;
      item.progress.textContent = progressText(r);
      item.why.hidden = r.abortReason === null;
      item.why.textContent = r.abortReason === null ? '' : `Aborted: ${r.abortReason}`;
      return item.li;
    });
    // Moved only when the order changed: moving the element that holds the focus would lose it.
    const now = [...el.list.children];
    if (now.length !== order.length || now.some((li, k) => li !== order[k])) el.list.replaceChildren(...order);
  }

  function newItem(r) {
    const li = doc.createElement('li');
    li.dataset.testid = 'rollout-item';
    li.dataset.id = r.id;
    const head = doc.createElement('p');
    const what = doc.createElement('strong');
    what.textContent = `${r.version} to group ${r.group}`;
    const tag = doc.createElement('span');
    tag.dataset.testid = 'rollout-state';
    head.append(what, ' ', tag);
    const progress = doc.createElement('p');
    progress.dataset.testid = 'rollout-progress';
    const why = doc.createElement('p');
    why.className = 'error';
    const tools = doc.createElement('p');
    tools.append(button('Show cars', `Show the cars of rollout ${r.id} (${r.version} to ${r.group})`, () => openRollout(r.id), 'rollout-open'));
    li.append(head, progress, why, tools);
    return { li, tag, progress, why };
  }

  async function openRollout(id) {
    pollsLeft = MAX_POLLS;
    finalRead = false;
    versions = new Map();
    await readOpen(id, true);
    el.detail.focus();
  }

  /** @param {boolean} told announce it (the operator asked). */
  async function readOpen(id, told) {
    loadingOpen?.abort();
    const controller = new AbortController();
    loadingOpen = controller;
    const r = await api.rollout(id, controller.signal);
    if (controller.signal.aborted) return;
    if (!r.ok) {
      if (r.status !== 401) say(`Rollout ${id} not loaded: ${r.problem.detail ?? r.problem.title}`, true);
      return;
    }
    const read = readRollout(r.data);
    if (read === null || read.cars === null) {
      say(`Rollout ${id} not shown: the server sent something that is not a rollout.`, true);
      return;
    }
    if (!isActive(read)) finalRead = true;
    open = read;
    await readVersions(read, controller.signal);
    if (controller.signal.aborted) return;
    renderOpen();
    // Keep the list's line of it current too.
    const i = rollouts.findIndex((x) => x.id === read.id);
    if (i >= 0) {
      rollouts[i] = { ...read, cars: null };
      renderList();
    }
    if (told) announce(`Rollout of ${read.version} to group ${read.group}: ${read.state}, ${progressText(read)}.`);
  }

  async function readVersions(r, signal) {
    const next = new Map();
    for (const c of r.cars.slice(0, MAX_VERSION_READS)) {
      if (!isCarId(c.car)) continue;
      const u = await api.carUpdate(c.car, signal);
      if (signal.aborted) return;
      const read = u.ok ? readCarUpdate(u.data) : null;
      if (read !== null) next.set(c.car, read);
      else if (versions.has(c.car)) next.set(c.car, versions.get(c.car));
    }
    versions = next;
  }

  function renderOpen() {
    const r = open;
    el.detail.hidden = false;
    el.detail.dataset.id = r.id;
    el.detail.dataset.state = r.state;
    el.detailTitle.textContent = `Rollout ${r.id}: ${r.version} to group ${r.group}`;
    el.detailSummary.textContent = `${capital(r.state)}. ${progressText(r)}. ${settingsText(r)}.${r.abortReason === null ? '' : ` Aborted: ${r.abortReason}.`}`
      + (r.droppedCars > 0 ? ` ${droppedText(r.droppedCars, { one: 'car', many: 'cars' })}` : '')
      + (r.cars.length > MAX_VERSION_READS ? ` Running versions shown for the first ${MAX_VERSION_READS} cars.` : '');
    const actions = actionsFor(r.state);
    const drawn = `${r.id} ${actions.join(' ')} ${confirming === r.id}`;
    if (drawn !== actionsDrawn) {
      actionsDrawn = drawn;
      el.actions.replaceChildren(...actions.map((action) => {
        const [word] = ACTION_WORDS[action];
        const text = action === 'cancel' && confirming === r.id ? 'Press again to cancel' : word;
        return button(text, `${word} the rollout of ${r.version} to group ${r.group}`, () => act(r, action), `rollout-${action}`);
      }));
    }
    el.cars.replaceChildren(...r.cars.map((c) => {
      const li = doc.createElement('li');
      li.className = `rollout-car ${stateClass(c.state)}`;
      li.dataset.testid = 'rollout-car';
      li.dataset.car = c.car;
      li.dataset.state = c.state;
      const name = doc.createElement('strong');
      name.textContent = c.car;
      const state = doc.createElement('span');
      state.dataset.testid = 'rollout-car-state';
      state.textContent = carStateText(c);
      const running = doc.createElement('span');
      running.dataset.testid = 'rollout-car-version';
      const v = versions.get(c.car);
      running.textContent = v === undefined ? '' : v.version === null ? 'version not reported yet' : `runs ${v.version}`;
      li.append(name, ': ', state, running.textContent === '' ? '' : '; ', running);
      return li;
    }));
  }

  async function act(r, action) {
    const [, done] = ACTION_WORDS[action];
    if (action === 'cancel' && confirming !== r.id) {
      // Two presses: the first asks, so that a slip of the keyboard cancels nothing. The view holds
      // the question, so a refresh in between keeps it; the button keeps the focus.
      confirming = r.id;
      const b = el.actions.querySelector('[data-testid=rollout-cancel]');
      if (b !== null) b.textContent = 'Press again to cancel';
      actionsDrawn = `${r.id} ${actionsFor(r.state).join(' ')} true`;
      announce(`Press again to cancel the rollout of ${r.version} to group ${r.group}.`);
      scope.timeout(() => {
        if (confirming !== r.id) return;
        confirming = null;
        const again = el.actions.querySelector('[data-testid=rollout-cancel]');
        if (again !== null) again.textContent = 'Cancel';
        actionsDrawn = '';
        if (open !== null && open.id === r.id) renderOpen();
      }, 5000);
      return;
    }
    if (busy) return;
    confirming = null;
    busy = true;
    const out = await api.rolloutAction(r.id, action);
    busy = false;
    pollsLeft = MAX_POLLS;
    if (!out.ok) {
      const text = refusalText(`The ${action}`, out);
      tell(text, true);
      await readOpen(r.id, false);
      return;
    }
    finalRead = false;
    const text = `Rollout of ${r.version} to group ${r.group} ${done}.`;
    tell(text);
    await readOpen(r.id, false);
    await loadRollouts();
    // Its buttons were drawn anew for the new state: the keyboard goes on from the first, or the rollout.
    (el.actions.querySelector('button') ?? el.detail).focus();
  }

  async function start() {
    if (busy) return;
    const group = el.group.value.trim();
    if (!GROUP_NAME.test(group)) {
      say('A group name is 1 to 128 letters, digits, ":", "_" or "-" (the Remote config panel saves a group\'s cars).', true);
      el.group.focus();
      return;
    }
    const body = rolloutBody({ version: el.version.value, ratePerMinute: el.rate.value, failurePercent: el.abortPercent.value, minCount: el.abortMin.value });
    busy = true;
    say('Starting…');
    const r = await api.startRollout(group, body);
    busy = false;
    if (!r.ok) {
      const text = refusalText('The rollout', r);
      tell(text, true);
      return;
    }
    const read = readRollout(r.data);
    const text = `Rollout of ${body.version} to group ${group} started.`;
    tell(text);
    await loadRollouts();
    if (read !== null) await openRollout(read.id);
  }

  return {
    load: () => loadAll(),
    /** @returns {any} the rollout shown (tests). */
    get open() { return open; },
  };
}

function capital(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
