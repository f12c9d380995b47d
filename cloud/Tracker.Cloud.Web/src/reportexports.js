// The report's exports (issue 17): the whole period's trips as CSV, GPX or KML and its stops as CSV,
// and the chosen trip as GPX or KML. Each is fetched with the bearer token (src/api.js download) and
// saved as the API's own bytes through an object URL behind a download link, named for the car
// and the days (src/reports.js). A refusal shows the API's RFC 9457 detail as sent.

import { EXPORTS, exportFileName, periodFromDays, reportQuery, tripFileName } from './reports.js';

/**
 * Wires the export buttons of the reports section.
 * @param {{api: any, carId: string, elements: ReturnType<typeof import('./reportsview.js').reportsElements>,
 *   scope: ReturnType<typeof import('./scope.js').createScope>, signal: AbortSignal,
 *   message: (text: string, isError: boolean) => void, selectedTrip: () => ({startTs: number}|null)}} options
 *   `message`: the section's status line; `selectedTrip`: the trip drawn on the map, if any.
 */
export function createReportExports(options) {
  const { api, carId, elements: el, scope, signal, message, selectedTrip } = options;
  renderExports();
  scope.listen(el.tripGpx, 'click', () => downloadTrip('gpx'));
  scope.listen(el.tripKml, 'click', () => downloadTrip('kml'));

  function renderExports() {
    const buttons = Object.entries(EXPORTS).map(([kind, spec]) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'small secondary';
      b.textContent = spec.label;
      b.setAttribute('data-testid', `reports-export-${kind}`);
      b.setAttribute('aria-label', `Download ${spec.what} of the period as ${spec.format.toUpperCase()}`);
      b.addEventListener('click', () => downloadPeriod(kind, b));
      return b;
    });
    el.exports.replaceChildren(...buttons);
  }

  async function downloadPeriod(kind, button) {
    const spec = EXPORTS[kind];
    const p = periodFromDays(el.from.value, el.to.value);
    if (!p.ok) {
      message(p.error, true);
      return;
    }
    button.disabled = true;
    // No limit: the API writes the whole period (or refuses, past its ceiling, with a 422 that says so).
    const r = await api.download(carId, spec.route, reportQuery({ start: p.startMs, end: p.endMs, format: spec.format }));
    button.disabled = false;
    if (signal.aborted) return;
    if (!r.ok) {
      message(`The ${spec.label} export failed: ${r.problem.detail ?? r.problem.title}`, true);
      return;
    }
    const name = exportFileName(carId, el.from.value, el.to.value, spec.what, spec.ext);
    save(r.data, name);
    message(`Saved ${name}.`, false);
  }

  async function downloadTrip(format) {
    const trip = selectedTrip();
    if (trip === null) return;
    const r = await api.download(carId, `trips/${trip.startTs}`, reportQuery({ format }));
    if (signal.aborted) return;
    if (!r.ok) {
      el.tripText.textContent = `The ${format.toUpperCase()} export failed: ${r.problem.detail ?? r.problem.title}`;
      return;
    }
    const name = tripFileName(carId, trip.startTs, format);
    save(r.data, name);
    message(`Saved ${name}.`, false);
  }

  /** Saves the server's bytes under a name: an object URL behind a download link. */
  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    // The download has its bytes once it starts; the URL goes a little later.
    setTimeout(() => URL.revokeObjectURL(url), 30000);
  }
}
