// One sentence for a batch of car state changes, for the aria-live region.

const WORD = { moving: 'moving', stopped: 'stopped', offline: 'offline' };

/**
 * @param {Array<{carId: string, from: string, to: string}>} transitions in order; a car may appear
 *   more than once (its last state counts).
 * @returns {string} e.g. "car-0003 is now offline." or "4 cars changed: 3 now moving, 1 now offline."
 */
export function summarizeTransitions(transitions) {
  const last = new Map();
  for (const t of transitions) {
    last.set(t.carId, t.to);
  }
  if (last.size === 1) {
    const [[carId, to]] = [...last];
    return `${carId} is now ${WORD[to] ?? to}.`;
  }
  const counts = new Map();
  for (const to of last.values()) {
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  const parts = ['moving', 'stopped', 'offline'].filter((s) => counts.has(s)).map((s) => `${counts.get(s)} now ${WORD[s]}`);
  return `${last.size} cars changed: ${parts.join(', ')}.`;
}
