// The operator's alerts panel and toasts (issue 16). The panel lists the fleet's events, newest
// first, filtered by type and car (alerts only by default), each with its time, car, what
// happened, "late" when the data that showed it arrived well after it happened, and an
// Acknowledge button that goes through the API (the first acknowledgement stands). A toast
// tells of each new alert as it arrives over the live feed; it goes after a while or on Dismiss.

import { ALERT_TYPES, EVENT_TYPES, EventBook, TYPE_LABELS, describe, isAlert, parseEventMessage, readEvent } from './alerts.js';
import { dateTime } from './timefmt.js';

/** How long a toast stays. */
export const TOAST_MS = 10000;

/** Most toasts shown at once; the oldest goes. */
const MAX_TOASTS = 4;

/** Events listed from the API when the panel opens. */
const INITIAL_LIMIT = 200;

/**
 * @param {Document} doc the document.
 * @returns the elements (index.html).
 */
export function alertsElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    section: $('alerts-section'), count: $('alerts-count'), type: $('alerts-type'), car: $('alerts-car'),
    all: $('alerts-all'), list: $('alerts-list'), message: $('alerts-message'), toasts: $('toasts'),
  };
}

/**
 * @param {{api: any, elements: ReturnType<typeof alertsElements>, scope: any,
 *   onOpenCar: (carId: string) => void, announce: (text: string) => void,
 *   onEvent?: (e: any) => void, now?: () => number}} options
 * @returns the view.
 */
export function createAlertsView(options) {
  const { api, elements: el, scope, onOpenCar, announce } = options;
  const book = new EventBook();
  const filter = { type: '', carId: '', alertsOnly: true };
  let toastCount = 0;

  el.section.hidden = false;
  if (el.type.options.length === 0) {
    el.type.append(new Option('All types', ''));
    for (const t of EVENT_TYPES) el.type.append(new Option(TYPE_LABELS[t], t));
  }
  el.type.value = '';
  el.car.value = '';
  el.all.checked = false;
  scope.listen(el.type, 'change', () => { filter.type = el.type.value; render(); });
  scope.listen(el.car, 'input', () => { filter.carId = el.car.value; render(); });
  scope.listen(el.all, 'change', () => { filter.alertsOnly = !el.all.checked; render(); });
  scope.add(() => {
    el.section.hidden = true;
    el.list.replaceChildren();
    el.toasts.replaceChildren();
  });

  function render() {
    // A type chosen in the filter is shown even when it is not an alert type.
    const shown = book.list({ ...filter, alertsOnly: filter.alertsOnly && filter.type === '' });
    const items = shown.slice(0, 300).map(item);
    el.list.replaceChildren(...items);
    el.message.textContent = shown.length === 0 ? 'No events to show.' : '';
    const n = book.unacknowledged;
    el.count.textContent = n === 0 ? '' : String(n);
    el.count.hidden = n === 0;
  }

  function item(e) {
    const li = document.createElement('li');
    li.className = `alert-item${isAlert(e) ? ' is-alert' : ''}${e.acknowledgedBy ? ' acknowledged' : ''}`;
    li.setAttribute('data-testid', 'alert-item');
    li.dataset.type = e.type;
    li.dataset.car = e.carId;
    const head = document.createElement('p');
    head.className = 'alert-head';
    const car = document.createElement('button');
    car.type = 'button';
    car.className = 'link';
    car.textContent = e.carId;
    car.title = `Open ${e.carId}`;
    car.addEventListener('click', () => onOpenCar(e.carId));
    const time = document.createElement('time');
    time.dateTime = new Date(e.ts).toISOString();
    time.textContent = dateTime(e.ts);
    head.append(car, ' ', time);
    const what = document.createElement('p');
    what.className = 'alert-what';
    what.textContent = describe(e);
    li.append(head, what);
    const flags = [];
    if (e.late) flags.push(['late', 'Late: the data arrived after a delay; this happened at the time shown']);
    if (e.pending) flags.push(['pending', 'Pending: waiting for the data of a gap before it is confirmed']);
    if (flags.length > 0) {
      const p = document.createElement('p');
      p.className = 'alert-flags';
      for (const [name, title] of flags) {
        const tag = document.createElement('span');
        tag.className = `tag ${name}`;
        tag.setAttribute('data-testid', `alert-${name}`);
        tag.title = title;
        tag.textContent = name;
        p.append(tag, ' ');
      }
      li.append(p);
    }
    if (e.acknowledgedBy) {
      const p = document.createElement('p');
      p.className = 'alert-ack';
      p.setAttribute('data-testid', 'alert-acknowledged');
      p.textContent = `Acknowledged by ${e.acknowledgedBy}`;
      li.append(p);
    } else {
      const ack = document.createElement('button');
      ack.type = 'button';
      ack.className = 'small';
      ack.textContent = 'Acknowledge';
      ack.setAttribute('data-testid', 'alert-acknowledge');
      ack.setAttribute('aria-label', `Acknowledge ${describe(e)} of ${e.carId} at ${dateTime(e.ts)}`);
      ack.addEventListener('click', () => acknowledge(e, ack));
      li.append(ack);
    }
    return li;
  }

  async function acknowledge(e, button) {
    button.disabled = true;
    const r = await api.acknowledge(e.carId, e.id);
    if (!r.ok) {
      button.disabled = false;
      el.message.textContent = `Could not acknowledge: ${r.problem.detail ?? r.problem.title}`;
      return;
    }
    const acked = readEvent(r.data);
    if (acked !== null) book.apply(acked, { fromList: true });
    announce(`Acknowledged: ${describe(e)}, ${e.carId}.`);
    render();
  }

  function toast(e) {
    const div = document.createElement('div');
    div.className = 'toast';
    div.setAttribute('role', 'status');
    div.setAttribute('data-testid', 'toast');
    const text = document.createElement('p');
    text.textContent = `${e.carId}: ${describe(e)}${e.late ? ' (late)' : ''}`;
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'small';
    open.textContent = 'Show car';
    open.addEventListener('click', () => { div.remove(); onOpenCar(e.carId); });
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'small secondary';
    close.textContent = 'Dismiss';
    close.setAttribute('data-testid', 'toast-dismiss');
    close.addEventListener('click', () => div.remove());
    div.append(text, open, close);
    el.toasts.append(div);
    while (el.toasts.children.length > MAX_TOASTS) el.toasts.firstElementChild.remove();
    toastCount++;
    scope.timeout(() => div.remove(), TOAST_MS);
  }

  return {
    book,
    get toasts() {
      return toastCount;
    },
    /** Lists the newest events from the API (old news: no toasts). */
    async load() {
      const r = await api.events({ limit: INITIAL_LIMIT });
      if (!r.ok) {
        el.message.textContent = r.status === 403 ? 'Events are for fleet operators.' : `Events could not be loaded: ${r.problem.title}`;
        return;
      }
      const list = r.data !== null && typeof r.data === 'object' && Array.isArray(r.data.events) ? r.data.events : [];
      for (const json of list) {
        const e = readEvent(json);
        if (e !== null && !e.withdrawnOnly) book.apply(e, { fromList: true });
      }
      render();
    },
    /**
     * A live-feed message (fleet/{car}/events).
     * @param {string} carId the topic's car.
     * @param {Uint8Array} payload the message.
     * @returns {boolean} whether it was a valid event.
     */
    onMessage(carId, payload) {
      const e = parseEventMessage(payload);
      if (e === null || e.carId !== carId) return false;
      const done = book.apply(e);
      if (done.changed) {
        render();
        if (done.toast) {
          toast(done.event);
          announce(`Alert: ${done.event.carId}, ${describe(done.event)}.`);
        }
        if (done.event !== null) options.onEvent?.(done.event);
      }
      return true;
    },
    render,
  };
}

export { ALERT_TYPES };
