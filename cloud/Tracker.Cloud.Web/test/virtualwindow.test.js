import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OVERSCAN, scrollToShow, sortedIndex, windowOf } from '../src/virtualwindow.js';
import { seeded } from '../test-support/random.js';

const uniform = (seed) => {
  const r = seeded(seed);
  return () => r.next() / 2 ** 32;
};

test('Window_AtTheTop_RendersTheRowsInViewAndTheOverscanBelow', () => {
  // 10,000 rows of 44 px in a 600 px list: 14 rows in view (the 14th partly), 8 more below.
  assert.deepEqual(windowOf(0, 600, 44, 10_000), { first: 0, last: 14 + OVERSCAN });
});

test('Window_AtTheEnd_EndsAtTheLastRow', () => {
  const scrollTop = 10_000 * 44 - 600;
  const w = windowOf(scrollTop, 600, 44, 10_000);
  assert.equal(w.last, 10_000);
  assert.equal(w.first, Math.floor(scrollTop / 44) - OVERSCAN);
});

test('Window_ScrolledPastTheEnd_StillHoldsTheLastRows', () => {
  const w = windowOf(1e9, 600, 44, 10_000);
  assert.equal(w.last, 10_000);
  assert.ok(w.first < w.last);
});

test('Window_OfAnEmptyListOrAnUnmeasuredOne_IsSmall', () => {
  assert.deepEqual(windowOf(0, 600, 44, 0), { first: 0, last: 0 });
  assert.deepEqual(windowOf(0, 600, 0, 100), { first: 0, last: OVERSCAN });
  assert.deepEqual(windowOf(Number.NaN, Number.NaN, 44, 100), { first: 0, last: 1 + OVERSCAN });
  // A list not laid out (a closed panel on a phone) renders one row and the overscan.
  assert.deepEqual(windowOf(0, 0, 44, 100), { first: 0, last: 1 + OVERSCAN });
});

test('Window_AnyScroll_CoversEveryRowInView_AndStaysUnder200Rows', () => {
  const random = uniform(19);
  for (let i = 0; i < 5000; i++) {
    const count = Math.floor(random() * 20_000);
    const rowHeight = 20 + random() * 60;
    const viewport = random() * 2000;
    const scrollTop = random() * count * rowHeight;
    const { first, last } = windowOf(scrollTop, viewport, rowHeight, count);
    assert.ok(first >= 0 && first <= last && last <= count, `${first}..${last} of ${count}`);
    const inViewFirst = Math.floor(scrollTop / rowHeight);
    const inViewLast = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight));
    if (count > 0 && inViewFirst < count) {
      assert.ok(first <= inViewFirst && last >= inViewLast, `rows ${inViewFirst}..${inViewLast} in view, ${first}..${last} rendered`);
    }
    assert.ok(last - first <= Math.ceil(viewport / rowHeight) + 1 + 2 * OVERSCAN);
    assert.ok(last - first < 200);
  }
});

test('ScrollToShow_MovesOnlyAsFarAsNeeded', () => {
  assert.equal(scrollToShow(5, 0, 440, 44), 0); // in view
  assert.equal(scrollToShow(10, 0, 440, 44), 44); // just below: its bottom at the view's bottom
  assert.equal(scrollToShow(2, 200, 440, 44), 88); // above: its top at the view's top
  assert.equal(scrollToShow(9_999, 0, 440, 44), 9_999 * 44 + 44 - 440);
  const random = uniform(7);
  for (let i = 0; i < 2000; i++) {
    const rowHeight = 30 + random() * 30;
    const viewport = rowHeight + random() * 1000;
    const index = Math.floor(random() * 10_000);
    const top = scrollToShow(index, random() * 10_000 * rowHeight, viewport, rowHeight);
    assert.ok(index * rowHeight >= top - 1e-6 && (index + 1) * rowHeight <= top + viewport + 1e-6);
  }
});

test('SortedIndex_FindsACarOrWhereItGoes', () => {
  const ids = ['car-0001', 'car-0003', 'car-0010'];
  assert.equal(sortedIndex(ids, 'car-0001'), 0);
  assert.equal(sortedIndex(ids, 'car-0002'), 1);
  assert.equal(sortedIndex(ids, 'car-0010'), 2);
  assert.equal(sortedIndex(ids, 'car-9999'), 3);
  assert.equal(sortedIndex([], 'x'), 0);
});
