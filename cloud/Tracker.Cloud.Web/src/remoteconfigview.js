// The remote config panel (issue 18, operators only): a car's or a group's config as the cars'
// shadows hold it (what is desired, what each car applied and under which version, the keys
// waiting for a restart, the loader's last refusal word for word), and a form that changes the
// report policy and the uplink settings through PUT /cars/{id}/config or PUT /groups/{g}/config.
// The host checks a group's change for every car before it writes any, and its refusal (an RFC
// 9457 problem) is shown word for word; the form sends only the fields filled in. While a car has
// not applied what is desired, the view reads it again (bounded: the panel open, the page visible,
// at most MAX_POLLS reads after the last thing the operator did).

import { isCarId } from './topics.js';
import {
  GROUP_NAME, SETTINGS, configBody, configStateText, groupBody, isSettling, readCarConfig, readGroupConfig, readGroups, valueText,
} from './remoteconfig.js';
import { refusalText } from './notify.js';
import { droppedText, panelMessage } from './panelparts.js';

/** How often a car that has not applied its desired config yet is read again. */
export const POLL_MS = 2000;
/** The most reads after the operator's last action (10 minutes at POLL_MS). */
export const MAX_POLLS = 300;

/**
 * @param {Document} doc the document.
 * @returns the elements (index.html).
 */
export function remoteConfigElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    section: $('config-section'), targetForm: $('config-target-form'), scope: $('config-scope'), target: $('config-target'), groupsList: $('config-groups'),
    groupField: $('config-group-field'), groupCars: $('config-group-cars'), groupSave: $('config-group-save'),
    message: $('config-message'), cars: $('config-cars'), form: $('config-form'), fields: $('config-fields'),
  };
}

/**
 * @param {{api: any, elements: ReturnType<typeof remoteConfigElements>, scope: any, announce: (text: string) => void}} options
 * @returns the view: load() lists the groups.
 */
export function createRemoteConfigView(options) {
  const { api, elements: el, scope, announce } = options;
  const { say, tell } = panelMessage(el.message, announce);
  const doc = el.section.ownerDocument;
  /** @type {null | {scope: 'car'|'group', id: string}} */
  let shown = null;
  let views = [];
  let groups = [];
  let loading = null;
  let saving = false;
  let pollsLeft = 0;

  // One field a setting: a number typed, or a boolean chosen; empty leaves it as it is.
  const inputs = new Map(SETTINGS.map((setting) => {
    const field = doc.createElement('div');
    field.className = 'field';
    const label = doc.createElement('label');
    const id = `config-${setting.key.replace(/\./g, '-')}`;
    label.htmlFor = id;
    label.textContent = setting.label;
    let input;
    if (setting.type === 'boolean') {
      input = doc.createElement('select');
      for (const [value, text] of [['', 'As it is'], ['true', 'Yes'], ['false', 'No']]) {
        const option = doc.createElement('option');
        option.value = value;
        option.textContent = text;
        input.append(option);
      }
    } else {
      input = doc.createElement('input');
      input.inputMode = 'numeric';
      input.autocomplete = 'off';
    }
    input.id = id;
    input.dataset.testid = `config-field-${setting.key}`;
    input.dataset.key = setting.key;
    field.append(label, input);
    el.fields.append(field);
    return [setting.key, input];
  }));

  el.section.hidden = false;
  scope.add(() => {
    loading?.abort();
    el.section.hidden = true;
    el.fields.replaceChildren();
    el.cars.replaceChildren();
    el.groupsList.replaceChildren();
  });
  scope.listen(el.scope, 'change', () => {
    el.groupField.hidden = el.scope.value !== 'group';
  });
  scope.listen(el.targetForm, 'submit', (e) => {
    e.preventDefault();
    show(el.scope.value === 'group' ? 'group' : 'car', el.target.value.trim());
  });
  scope.listen(el.groupSave, 'click', () => saveGroup());
  scope.listen(el.form, 'submit', (e) => {
    e.preventDefault();
    save();
  });
  scope.interval(() => {
    if (shown === null || pollsLeft <= 0 || !el.section.open || doc.visibilityState === 'hidden') return;
    if (!views.some(isSettling)) return;
    pollsLeft--;
    read(false);
  }, POLL_MS);
  el.groupField.hidden = el.scope.value !== 'group';

  async function loadGroups() {
    const r = await api.groups();
    if (!r.ok) return;
    const read = readGroups(r.data);
    if (read === null) return;
    groups = read.groups;
    el.groupsList.replaceChildren(...groups.map((g) => {
      const option = doc.createElement('option');
      option.value = g.group;
      option.label = `group: ${g.cars.length} car${g.cars.length === 1 ? '' : 's'}`;
      return option;
    }));
  }

  async function show(kind, id) {
    if (kind === 'car' ? !isCarId(id) : !GROUP_NAME.test(id)) {
      say(kind === 'car' ? 'Type a car id, for example car-0001.' : 'A group name is 1 to 128 letters, digits, ":", "_" or "-".', true);
      el.target.focus();
      return;
    }
    shown = { scope: kind, id };
    pollsLeft = MAX_POLLS;
    const group = groups.find((g) => g.group === id);
    if (kind === 'group') el.groupCars.value = group ? group.cars.join(', ') : '';
    await read(true);
  }

  /** @param {boolean} told announce what was read (the operator asked for it). */
  async function read(told) {
    if (shown === null) return;
    const { scope: kind, id } = shown;
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    const r = kind === 'car' ? await api.carConfig(id, controller.signal) : await api.groupConfig(id, controller.signal);
    if (controller.signal.aborted || shown === null || shown.id !== id) return;
    if (!r.ok) {
      if (r.status === 401) return;
      views = [];
      render();
      el.form.hidden = true;
      const text = `${kind === 'car' ? 'Car' : 'Group'} ${id}: ${r.problem.detail ?? r.problem.title}`;
      say(text, true);
      if (told) announce(text);
      return;
    }
    const got = kind === 'car' ? carAsGroup(readCarConfig(r.data)) : readGroupConfig(r.data);
    if (got === null) {
      say('Config not shown: the server sent something that is not a config view.', true);
      return;
    }
    views = got.cars;
    render();
    el.form.hidden = false;
    const dropped = got.dropped > 0 ? ` ${droppedText(got.dropped, { one: 'car', many: 'cars' })}` : '';
    if (told) {
      const text = kind === 'car' ? `Config of ${id}.${dropped}` : `Config of group ${id}: ${views.length} car${views.length === 1 ? '' : 's'}.${dropped}`;
      say(text, got.dropped > 0);
      announce(text);
      fillPlaceholders();
    }
  }

  function carAsGroup(view) {
    return view === null ? null : { group: '', cars: [view], dropped: 0, failed: [] };
  }

  // The placeholders show what runs now, so that an empty field reads "as it is".
  function fillPlaceholders() {
    const single = views.length === 1 ? views[0] : null;
    for (const [key, input] of inputs) {
      if (input.tagName === 'SELECT') continue;
      const now = single === null ? undefined : single.desired[key] ?? single.applied[key];
      input.placeholder = now === undefined ? '' : String(now);
    }
  }

  function render() {
    el.cars.replaceChildren(...views.map((c) => {
      const state = configStateText(c);
      const li = doc.createElement('li');
      li.className = 'config-car';
      li.dataset.testid = 'config-car';
      li.dataset.car = c.car;
      const head = doc.createElement('p');
      const name = doc.createElement('strong');
      name.textContent = c.car;
      const applied = doc.createElement('span');
      applied.dataset.testid = 'config-applied';
      applied.textContent = state.applied;
      head.append(name, ': ', applied);
      li.append(head);
      const keys = [...new Set([...Object.keys(c.desired), ...Object.keys(c.applied)])].sort();
      if (keys.length > 0) li.append(table(c, keys));
      for (const [line, testid, cls] of [[state.waiting, 'config-waiting', ''], [state.pending, 'config-pending', ''], [state.refused, 'config-refused', 'error']]) {
        if (line === null) continue;
        const p = doc.createElement('p');
        p.dataset.testid = testid;
        if (cls) p.className = cls;
        p.textContent = line;
        li.append(p);
      }
      return li;
    }));
  }

  function table(c, keys) {
    const t = doc.createElement('table');
    t.className = 'config-table';
    const caption = doc.createElement('caption');
    caption.textContent = `Settings of ${c.car} changed from its tracker.conf`;
    caption.className = 'visually-hidden';
    const head = doc.createElement('tr');
    for (const text of ['Setting', 'Desired', 'Applied']) {
      const th = doc.createElement('th');
      th.scope = 'col';
      th.textContent = text;
      head.append(th);
    }
    const rows = keys.map((key) => {
      const tr = doc.createElement('tr');
      tr.dataset.key = key;
      const th = doc.createElement('th');
      th.scope = 'row';
      th.textContent = key;
      const desired = doc.createElement('td');
      desired.dataset.testid = 'config-desired';
      desired.textContent = valueText(c.desired[key]);
      const applied = doc.createElement('td');
      applied.dataset.testid = 'config-applied-value';
      applied.textContent = valueText(c.applied[key]);
      tr.append(th, desired, applied);
      return tr;
    });
    const thead = doc.createElement('thead');
    thead.append(head);
    const tbody = doc.createElement('tbody');
    tbody.append(...rows);
    t.append(caption, thead, tbody);
    return t;
  }

  async function save() {
    if (saving || shown === null) return;
    const typed = {};
    for (const [key, input] of inputs) typed[key] = input.value;
    const body = configBody(typed);
    if (body === null) {
      say('Nothing to change: fill in the settings to change.', true);
      return;
    }
    const { scope: kind, id } = shown;
    saving = true;
    say('Saving…');
    const r = kind === 'car' ? await api.putCarConfig(id, body) : await api.putGroupConfig(id, body);
    saving = false;
    pollsLeft = MAX_POLLS;
    if (!r.ok) {
      // A group's write that met a shadow changed meanwhile names the cars it could not write.
      const failed = kind === 'group' && r.status === 409 ? readGroupConfig(r.data) : null;
      const text = failed !== null && failed.failed.length > 0
        ? `The change was written to ${failed.cars.length} car${failed.cars.length === 1 ? '' : 's'}, not to: ${failed.failed.join('; ')}`
        : refusalText('The config change', r);
      tell(text, true);
      if (failed !== null) await read(false);
      return;
    }
    for (const input of inputs.values()) input.value = '';
    const keys = Object.keys(body.cfg);
    const text = `Saved ${keys.join(', ')} for ${kind === 'car' ? id : `group ${id}`}: the car${kind === 'car' ? '' : 's'} apply it when connected.`;
    tell(text);
    const after = kind === 'car' ? carAsGroup(readCarConfig(r.data)) : readGroupConfig(r.data);
    if (after !== null) {
      views = after.cars;
      render();
      fillPlaceholders();
    } else {
      await readAgain();
    }
  }

  async function readAgain() {
    await read(false);
    fillPlaceholders();
  }

  async function saveGroup() {
    const id = el.target.value.trim();
    if (!GROUP_NAME.test(id)) {
      say('A group name is 1 to 128 letters, digits, ":", "_" or "-".', true);
      el.target.focus();
      return;
    }
    const r = await api.putGroup(id, groupBody(el.groupCars.value));
    if (!r.ok) {
      const text = refusalText('The group', r);
      tell(text, true);
      return;
    }
    const cars = Array.isArray(r.data?.cars) ? r.data.cars.length : 0;
    await loadGroups();
    shown = { scope: 'group', id };
    pollsLeft = MAX_POLLS;
    await read(false);
    fillPlaceholders();
    const text = `Group ${id} saved: ${cars} car${cars === 1 ? '' : 's'}.`;
    tell(text);
  }

  return {
    load: () => loadGroups(),
    /** @returns {Array<any>} the cars shown (tests). */
    get views() { return views; },
  };
}
