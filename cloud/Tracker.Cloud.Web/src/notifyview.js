// The notifications panel (issue 16, operators only): subscriptions by event type and car group,
// to a webhook and/or an e-mail address, created, edited, paused and deleted through
// GET/PUT/DELETE /subscriptions; and the deliveries (GET /notifications) by state, newest first, a
// page at a time, failed ones marked with their last error and sent again on request (redeliver).
// The server judges every subscription and its reason is shown word for word (src/notify.js). A new
// webhook's secret is made here and shown once: the API keeps it and never shows it again.

import { EVENT_TYPES, TYPE_LABELS } from './alerts.js';
import { panelMessage, readListing, smallButton } from './panelparts.js';
import {
  PAGE_SIZE, STATES, deliveryStateText, newSecret, readNotificationPage, readSubscriptions, refusalText,
  subscriptionBody, subscriptionId, subscriptionText,
} from './notify.js';
import { dateTime } from './timefmt.js';

/** How often the deliveries are read again while the panel is open and the page visible. */
export const REFRESH_MS = 10_000;

/**
 * @param {Document} doc the document.
 * @returns the elements (index.html).
 */
export function notifyElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    section: $('notify-section'), failedCount: $('notify-failed-count'), list: $('notify-list'),
    form: $('notify-form'), formTitle: $('notify-form-title'), name: $('notify-name'), types: $('notify-types'), cars: $('notify-cars'),
    webhook: $('notify-webhook'), newSecretField: $('notify-new-secret-field'), newSecret: $('notify-new-secret'), email: $('notify-email'),
    enabled: $('notify-enabled'), cancel: $('notify-cancel'), message: $('notify-message'),
    secret: $('notify-secret'), secretValue: $('notify-secret-value'), secretDone: $('notify-secret-done'),
    state: $('notify-state'), refresh: $('notify-refresh'), deliveriesMessage: $('notify-deliveries-message'), deliveries: $('notify-deliveries'), more: $('notify-more'),
  };
}

/**
 * @param {{api: any, elements: ReturnType<typeof notifyElements>, scope: any, announce: (text: string) => void,
 *   random?: (bytes: Uint8Array) => Uint8Array}} options
 * @returns the view: load() lists subscriptions and deliveries.
 */
export function createNotifyView(options) {
  const { api, elements: el, scope, announce } = options;
  const { say, tell } = panelMessage(el.message, announce);
  const fill = options.random ?? ((b) => globalThis.crypto.getRandomValues(b));
  const doc = el.section.ownerDocument;
  let subscriptions = [];
  let editing = null; // the subscription being edited, or null for a new one
  let deliveries = [];
  let cursor = null;
  /** How many pages of deliveries the list holds (More adds one). */
  let pages = 0;
  let loadingSubs = null;
  let loadingDeliveries = null;
  let saving = false;

  // The type boxes and the state filter, made from the lists the modules share.
  const boxes = EVENT_TYPES.map((type) => {
    const label = doc.createElement('label');
    const box = doc.createElement('input');
    box.type = 'checkbox';
    box.value = type;
    box.id = `notify-type-${type}`;
    box.dataset.testid = `notify-type-${type}`;
    label.htmlFor = box.id;
    label.append(box, ` ${TYPE_LABELS[type]}`);
    el.types.append(label);
    return box;
  });
  el.state.replaceChildren(...STATES.map(({ name, label }) => {
    const option = doc.createElement('option');
    option.value = name;
    option.textContent = label;
    return option;
  }));

  el.section.hidden = false;
  scope.add(() => {
    loadingSubs?.abort();
    loadingDeliveries?.abort();
    el.section.hidden = true;
    el.types.replaceChildren();
    el.list.replaceChildren();
    el.deliveries.replaceChildren();
    hideSecret();
  });
  scope.listen(el.form, 'submit', (e) => {
    e.preventDefault();
    save();
  });
  scope.listen(el.cancel, 'click', () => {
    reset();
    say('Edit cancelled.');
    el.name.focus();
  });
  scope.listen(el.secretDone, 'click', () => {
    hideSecret();
    el.name.focus();
  });
  scope.listen(el.state, 'change', () => loadDeliveries(false));
  scope.listen(el.refresh, 'click', () => loadDeliveries(false, true));
  scope.listen(el.more, 'click', () => loadDeliveries(true));
  scope.listen(el.section, 'toggle', () => { if (el.section.open) loadDeliveries(false); });
  scope.interval(() => {
    // The refresh reloads the first page only while that is all the list holds and nothing is loading:
    // a page the operator asked for with More stays until they refresh or change the filter.
    if (el.section.open && doc.visibilityState !== 'hidden' && pages <= 1 && loadingDeliveries === null) loadDeliveries(false);
    else loadFailedCount();
  }, REFRESH_MS);

  function hideSecret() {
    el.secret.hidden = true;
    el.secretValue.textContent = '';
  }

  function reset() {
    editing = null;
    el.form.reset();
    el.enabled.checked = true;
    el.formTitle.textContent = 'New subscription';
    el.cancel.hidden = true;
    el.newSecretField.hidden = true;
  }

  function randomHex(n) {
    return [...fill(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function save() {
    if (saving) return;
    const url = el.webhook.value.trim();
    // A new webhook gets a fresh secret; an edit keeps the stored one unless asked for a new one
    // (or the subscription had no webhook, so there is none to keep).
    const needsSecret = url !== '' && (editing === null || editing.webhookUrl === null || el.newSecret.checked);
    const secret = needsSecret ? newSecret(fill) : null;
    const body = subscriptionBody({
      name: el.name.value, types: boxes.filter((b) => b.checked).map((b) => b.value), cars: el.cars.value,
      webhookUrl: url, email: el.email.value, enabled: el.enabled.checked, secret,
    });
    const id = editing?.id ?? subscriptionId(body.name, randomHex(3));
    saving = true;
    say('Saving…');
    const r = await api.putSubscription(id, body);
    saving = false;
    if (!r.ok) {
      const text = refusalText('The subscription', r);
      tell(text, true);
      return;
    }
    const done = `Subscription ${body.name} ${editing === null ? 'created' : 'saved'}.`;
    reset();
    say(done);
    announce(secret === null ? done : `${done} Its webhook secret is shown once below.`);
    if (secret !== null) {
      el.secretValue.textContent = secret;
      el.secret.hidden = false;
      el.secret.focus();
    }
    await loadSubscriptions();
  }

  function edit(s) {
    editing = s;
    hideSecret();
    el.name.value = s.name;
    for (const box of boxes) box.checked = s.types.includes(box.value);
    el.cars.value = s.cars.join(', ');
    el.webhook.value = s.webhookUrl ?? '';
    el.email.value = s.email ?? '';
    el.enabled.checked = s.enabled;
    el.newSecret.checked = false;
    el.newSecretField.hidden = s.webhookUrl === null;
    el.formTitle.textContent = `Editing ${s.name}`;
    el.cancel.hidden = false;
    say(`Editing ${s.name}: change it, then save.${s.webhookUrl === null ? '' : ' The webhook secret is kept unless you ask for a new one.'}`);
    el.name.focus();
  }

  async function setEnabled(s, enabled) {
    const body = subscriptionBody({
      name: s.name, types: s.types, cars: s.cars.join(','), webhookUrl: s.webhookUrl ?? '', email: s.email ?? '', enabled, secret: null,
    });
    const r = await api.putSubscription(s.id, body);
    if (!r.ok) {
      const text = refusalText('The change', r);
      tell(text, true);
      return;
    }
    const done = `Subscription ${s.name} ${enabled ? 'resumed' : 'paused'}.`;
    tell(done);
    await loadSubscriptions();
  }

  async function remove(s, button) {
    if (button.dataset.confirming !== 'true') {
      // Two presses: the first asks, so that a slip of the keyboard deletes nothing.
      button.dataset.confirming = 'true';
      button.textContent = 'Press again to delete';
      announce(`Press again to delete subscription ${s.name}.`);
      scope.timeout(() => {
        button.dataset.confirming = 'false';
        button.textContent = 'Delete';
      }, 5000);
      return;
    }
    const r = await api.deleteSubscription(s.id);
    if (!r.ok) {
      const text = refusalText('The deletion', r);
      tell(text, true);
      return;
    }
    if (editing?.id === s.id) reset();
    const done = `Subscription ${s.name} deleted.`;
    tell(done);
    await loadSubscriptions();
  }

  const button = (text, label, onClick, testid) => smallButton(doc, text, label, onClick, testid);

  function renderSubscriptions() {
    if (subscriptions.length === 0) {
      const li = doc.createElement('li');
      li.className = 'notify-item';
      li.textContent = 'No subscriptions: nobody is told of events yet.';
      el.list.replaceChildren(li);
      return;
    }
    el.list.replaceChildren(...subscriptions.map((s) => {
      const { what, who, where } = subscriptionText(s);
      const li = doc.createElement('li');
      li.className = `notify-item${s.enabled ? '' : ' paused'}`;
      li.dataset.testid = 'notify-item';
      li.dataset.id = s.id;
      const head = doc.createElement('p');
      const name = doc.createElement('strong');
      name.textContent = s.name;
      head.append(name);
      if (!s.enabled) {
        const tag = doc.createElement('span');
        tag.className = 'tag paused';
        tag.dataset.testid = 'notify-paused';
        tag.textContent = 'paused';
        head.append(' ', tag);
      }
      const covers = doc.createElement('p');
      covers.textContent = `${what}, ${who}`;
      const goes = doc.createElement('p');
      goes.dataset.testid = 'notify-channels';
      goes.textContent = `To ${where}`;
      const tools = doc.createElement('p');
      tools.append(
        button('Edit', `Edit subscription ${s.name}`, () => edit(s), 'notify-edit'), ' ',
        button(s.enabled ? 'Pause' : 'Resume', `${s.enabled ? 'Pause' : 'Resume'} subscription ${s.name}`, () => setEnabled(s, !s.enabled), 'notify-toggle'), ' ',
        button('Delete', `Delete subscription ${s.name}`, (b) => remove(s, b), 'notify-delete'),
      );
      li.append(head, covers, goes, tools);
      return li;
    }));
  }

  function renderDeliveries() {
    const names = new Map(subscriptions.map((s) => [s.id, s.name]));
    el.deliveries.replaceChildren(...deliveries.map((n) => {
      const li = doc.createElement('li');
      li.className = `delivery-item ${n.state}`;
      li.dataset.testid = 'delivery-item';
      li.dataset.state = n.state;
      li.dataset.car = n.carId;
      li.dataset.subscription = n.subscriptionId;
      const head = doc.createElement('p');
      if (n.state === 'failed') {
        const tag = doc.createElement('span');
        tag.className = 'tag failed';
        tag.dataset.testid = 'delivery-failed';
        tag.textContent = 'failed';
        head.append(tag, ' ');
      }
      const when = doc.createElement('time');
      when.dateTime = new Date(n.createdMs).toISOString();
      when.textContent = dateTime(n.createdMs);
      const what = doc.createElement('strong');
      what.textContent = n.summary || `${n.carId} event ${n.eventId}`;
      head.append(when, ' ', what);
      const to = doc.createElement('p');
      to.textContent = `${names.get(n.subscriptionId) ?? n.subscriptionId}: ${n.channel === 'webhook' ? 'webhook' : 'e-mail'} ${n.target}`;
      const state = doc.createElement('p');
      state.dataset.testid = 'delivery-state';
      state.textContent = deliveryStateText(n);
      li.append(head, to, state);
      if (n.state === 'failed') {
        li.append(button('Redeliver', `Redeliver ${n.summary || n.eventId} to ${n.target}`, (b) => redeliver(n, b), 'delivery-redeliver'));
      }
      return li;
    }));
    el.more.hidden = cursor === null;
  }

  async function redeliver(n, b) {
    b.disabled = true;
    const r = await api.redeliver(n.deliveryId);
    const message = el.deliveriesMessage;
    if (!r.ok) {
      b.disabled = false;
      const text = refusalText('The redelivery', r);
      message.textContent = text;
      message.classList.add('error');
      announce(text);
      return;
    }
    const text = `Redelivering to ${n.target}: it is retrying or waiting now.`;
    await loadDeliveries(false);
    message.textContent = text;
    message.classList.remove('error');
    announce(text);
  }

  function showFailedCount(count, more) {
    el.failedCount.hidden = count === 0;
    el.failedCount.textContent = count === 0 ? '' : `${count}${more ? '+' : ''}`;
    el.failedCount.setAttribute('aria-label', `${count}${more ? ' or more' : ''} failed deliveries`);
  }

  async function loadSubscriptions() {
    loadingSubs?.abort();
    const controller = new AbortController();
    loadingSubs = controller;
    const read = await readListing(api.subscriptions(controller.signal), readSubscriptions, { one: 'subscription', many: 'subscriptions' }, say, controller.signal);
    if (read === null) return;
    subscriptions = read.subscriptions;
    renderSubscriptions();
    renderDeliveries();
  }

  async function loadFailedCount() {
    const r = await api.notifications({ state: 'failed', limit: PAGE_SIZE });
    if (!r.ok) return;
    const page = readNotificationPage(r.data);
    if (page !== null) showFailedCount(page.notifications.length, page.nextCursor !== null);
  }

  /**
   * @param {boolean} more the next page, or the first again.
   * @param {boolean} [told] say when it is done (the Refresh button).
   */
  async function loadDeliveries(more, told = false) {
    if (more && cursor === null) return;
    loadingDeliveries?.abort();
    const controller = new AbortController();
    loadingDeliveries = controller;
    const state = el.state.value;
    const r = await api.notifications({ state, limit: PAGE_SIZE, cursor: more ? cursor : null }, controller.signal);
    if (controller.signal.aborted) return;
    loadingDeliveries = null;
    const message = el.deliveriesMessage;
    if (!r.ok) {
      if (r.status !== 401) {
        message.textContent = `Deliveries not loaded: ${r.problem.detail ?? r.problem.title}`;
        message.classList.add('error');
      }
      return;
    }
    const page = readNotificationPage(r.data);
    if (page === null) {
      message.textContent = 'Deliveries not loaded: the server sent something that is not a page of deliveries.';
      message.classList.add('error');
      return;
    }
    deliveries = more ? [...deliveries, ...page.notifications] : page.notifications;
    pages = more ? pages + 1 : 1;
    cursor = page.nextCursor;
    if (state === 'failed' && !more) showFailedCount(page.notifications.length, page.nextCursor !== null);
    const label = STATES.find((s) => s.name === state)?.label.toLowerCase() ?? state;
    const dropped = page.dropped > 0 ? ` ${page.dropped} could not be read and ${page.dropped === 1 ? 'is' : 'are'} not shown.` : '';
    message.textContent = deliveries.length === 0
      ? `No ${label} deliveries.${dropped}`
      : `${deliveries.length} ${label} deliver${deliveries.length === 1 ? 'y' : 'ies'}, newest first${cursor === null ? '' : '; more below'}.${dropped}`;
    message.classList.toggle('error', page.dropped > 0);
    renderDeliveries();
    if (told || more) announce(message.textContent);
  }

  return {
    async load() {
      await loadSubscriptions();
      await loadDeliveries(false);
    },
    loadDeliveries,
    /** @returns {Array<any>} the subscriptions listed (tests). */
    get subscriptions() { return subscriptions; },
    /** @returns {Array<any>} the deliveries listed (tests). */
    get deliveries() { return deliveries; },
  };
}
