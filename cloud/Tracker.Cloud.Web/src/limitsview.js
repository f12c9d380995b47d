// The thresholds form (issue 16, operators): the overspeed threshold and the offline limits
// (ignition on, off) for the fleet, a car or a rental, through GET/PUT /limits. The list shows
// what is set; "Edit" fills the form with a setting, "Clear" removes it. The server judges every
// value and its reason is shown word for word (src/limits.js).

import { FIELDS, limitBody, limitText, readLimits, refusalText } from './limits.js';

/**
 * @param {Document} doc the document.
 * @returns the elements (index.html).
 */
export function limitsElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    section: $('limits-section'), form: $('limits-form'), scope: $('limits-scope'), id: $('limits-id'), idField: $('limits-id-field'),
    overspeedKmh: $('limits-overspeed'), offlineAfterIgnitionOnS: $('limits-offline-on'), offlineAfterIgnitionOffS: $('limits-offline-off'),
    message: $('limits-message'), list: $('limits-list'),
  };
}

/**
 * @param {{api: any, elements: ReturnType<typeof limitsElements>, scope: any, announce: (text: string) => void}} options
 * @returns the view: load() lists the settings.
 */
export function createLimitsView(options) {
  const { api, elements: el, scope, announce } = options;
  let settings = [];
  let loading = null;

  el.section.hidden = false;
  scope.add(() => {
    loading?.abort();
    el.section.hidden = true;
    el.list.replaceChildren();
  });
  scope.listen(el.scope, 'change', () => showId());
  scope.listen(el.form, 'submit', (e) => {
    e.preventDefault();
    save();
  });
  showId();

  function say(text, isError = false) {
    el.message.textContent = text;
    el.message.classList.toggle('error', isError);
  }

  function showId() {
    const fleet = el.scope.value === 'fleet';
    el.idField.hidden = fleet;
    if (fleet) el.id.value = '';
  }

  function formValues() {
    const values = { scope: el.scope.value, id: el.id.value };
    for (const { name } of FIELDS) values[name] = el[name].value;
    return values;
  }

  async function save() {
    const built = limitBody(formValues());
    if (!built.ok) {
      say(built.error, true);
      return;
    }
    await put(built.body, 'Thresholds saved.');
  }

  async function put(body, done) {
    say('Saving…');
    const r = await api.putLimits(body);
    if (!r.ok) {
      const text = refusalText(r);
      say(text, true);
      announce(text);
      return false;
    }
    say(done);
    announce(done);
    await load();
    return true;
  }

  function fill(setting) {
    el.scope.value = setting.scope;
    showId();
    el.id.value = setting.id ?? '';
    for (const { name } of FIELDS) el[name].value = setting[name] === null ? '' : String(setting[name]);
    say(`Editing ${limitText(setting).split(':')[0]}: change the values, then save.`);
    el.overspeedKmh.focus();
  }

  function render() {
    const doc = el.list.ownerDocument;
    const items = settings.map((setting) => {
      const li = doc.createElement('li');
      li.className = 'limits-item';
      li.dataset.testid = 'limits-item';
      li.dataset.scope = setting.scope;
      if (setting.id !== null) li.dataset.id = setting.id;
      const text = doc.createElement('span');
      text.textContent = limitText(setting);
      const who = limitText(setting).split(':')[0];
      const edit = doc.createElement('button');
      edit.type = 'button';
      edit.className = 'small secondary';
      edit.textContent = 'Edit';
      edit.setAttribute('aria-label', `Edit thresholds of ${who}`);
      edit.addEventListener('click', () => fill(setting));
      const clear = doc.createElement('button');
      clear.type = 'button';
      clear.className = 'small secondary';
      clear.textContent = 'Clear';
      clear.setAttribute('aria-label', `Clear thresholds of ${who}`);
      clear.addEventListener('click', () => put(setting.scope === 'fleet' ? { scope: 'fleet' } : { scope: setting.scope, id: setting.id }, `Thresholds of ${who} cleared.`));
      li.append(text, ' ', edit, ' ', clear);
      return li;
    });
    el.list.replaceChildren(...items);
  }

  async function load() {
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    const r = await api.limits(controller.signal);
    if (controller.signal.aborted) return;
    if (!r.ok) {
      if (r.status !== 401) say(`Thresholds not loaded: ${r.problem.detail ?? r.problem.title}`, true);
      return;
    }
    settings = readLimits(r.data);
    render();
  }

  return {
    load,
    /** @returns {Array<any>} the settings listed (tests). */
    get settings() { return settings; },
  };
}
