// The aria-live region: tells screen-reader users what changed without stealing focus. Fleet
// updates can change many cars a second, so announcements are coalesced: at most one every
// MIN_GAP_MS, summarising what happened in between.

import { summarizeTransitions } from './summary.js';

/** Least time between two announcements. */
export const MIN_GAP_MS = 5000;

/**
 * @param {HTMLElement} region an element with aria-live="polite".
 * @returns the announcer.
 */
export function createAnnouncer(region) {
  let pending = [];
  let timer = null;
  let last = 0;
  const flush = () => {
    timer = null;
    if (pending.length === 0) return;
    const text = summarizeTransitions(pending);
    pending = [];
    last = Date.now();
    // Setting the same text twice is not re-read; clearing first makes every message heard.
    region.textContent = '';
    region.textContent = text;
  };
  return {
    /**
     * @param {Array<{carId: string, from: string, to: string}>} transitions state changes.
     */
    transitions(transitions) {
      if (transitions.length === 0) return;
      pending.push(...transitions);
      if (timer === null) {
        timer = setTimeout(flush, Math.max(0, last + MIN_GAP_MS - Date.now()));
      }
    },
    /**
     * Announces a sentence at once (sign-in, errors, the renter's rental).
     * @param {string} text the sentence.
     */
    say(text) {
      region.textContent = '';
      region.textContent = text;
      last = Date.now();
    },
    /** Drops anything pending. */
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = [];
      region.textContent = '';
    },
  };
}
