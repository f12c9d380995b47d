// Static checks of src/index.html: what the issue asks of the page that a test can read without a
// browser (lang, labels, test ids, no inline script). The browser checks are the lead's Playwright
// tests against the running host.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '../src');
const html = readFileSync(join(src, 'index.html'), 'utf8');

test('page_HasALanguageAndATitle', () => {
  assert.match(html, /<html lang="en">/);
  assert.match(html, /<title>[^<]+<\/title>/);
});

test('page_EveryInputAndSelect_HasALabel', () => {
  const controls = [...html.matchAll(/<(input|select)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[2]);
  assert.ok(controls.length >= 6);
  for (const id of controls) assert.match(html, new RegExp(`<label for="${id}"`), `no label for #${id}`);
});

test('page_HasTheTestIdsTheContractNames', () => {
  for (const id of ['login-form', 'login-user', 'login-password', 'login-submit', 'fleet-list', 'search', 'car-view',
    'history-start', 'history-end', 'history-load', 'play', 'speed-chart', 'status-counts',
    // Issue 16: alerts, toasts, zones, the car's events.
    'alerts-panel', 'alerts-list', 'alerts-type', 'alerts-car', 'toasts', 'zones-panel', 'zone-name', 'zone-draw-polygon',
    'zone-draw-circle', 'zone-save', 'zone-message', 'zone-list', 'car-events', 'playback-events',
    // Issue 17: the car's reports.
    'reports', 'reports-from', 'reports-to', 'reports-load', 'reports-message', 'reports-daily', 'reports-trips', 'reports-stops',
    'reports-trips-more', 'reports-stops-more', 'reports-exports', 'reports-trip-gpx', 'reports-trip-kml', 'reports-trip-clear',
    'limits-panel', 'limits-scope', 'limits-id', 'limits-overspeed', 'limits-offline-on', 'limits-offline-off', 'limits-save', 'limits-message', 'limits-list',
    // Issue 16: subscriptions and deliveries.
    'notify-panel', 'notify-list', 'notify-form', 'notify-name', 'notify-types', 'notify-cars', 'notify-webhook', 'notify-email', 'notify-enabled',
    'notify-new-secret', 'notify-save', 'notify-cancel', 'notify-message', 'notify-secret', 'notify-secret-value', 'notify-state', 'notify-refresh',
    'notify-deliveries', 'notify-deliveries-message', 'notify-more', 'notify-failed-count',
    // Issue 18: remote config and updates.
    'config-panel', 'config-scope', 'config-target', 'config-load', 'config-group-cars', 'config-group-save', 'config-message', 'config-cars',
    'config-form', 'config-fields', 'config-save', 'rollouts-panel', 'rollouts-images', 'rollout-form', 'rollout-group', 'rollout-version', 'rollout-rate',
    'rollout-abort-percent', 'rollout-abort-min', 'rollout-start', 'rollouts-message', 'rollouts-refresh', 'rollouts-list', 'rollout-detail',
    'rollout-detail-summary', 'rollout-actions', 'rollout-cars']) {
    assert.match(html, new RegExp(`data-testid="${id}"`), id);
  }
  // car-item-<id> is set per item by the fleet view.
  assert.match(readFileSync(join(src, 'fleetview.js'), 'utf8'), /testid = `car-item-\$\{carId\}`/);
});

test('page_MapHasAnAccessibleNameAndThereIsALiveRegion', () => {
  assert.match(html, /id="map"[^>]*aria-label="[^"]+"/);
  assert.match(html, /aria-live="polite"/);
});

test('page_NoInlineScriptsOrHandlers', () => {
  for (const m of html.matchAll(/<script\b[^>]*>/g)) assert.match(m[0], /\bsrc="/, m[0]);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
});

test('modules_NeverCallEvalOrAddInlineScripts', () => {
  for (const name of readdirSync(src).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(join(src, name), 'utf8');
    assert.doesNotMatch(text, /\beval\(|new Function\(|innerHTML\s*=|insertAdjacentHTML|document\.write/, name);
  }
});
