import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi } from '../src/api.js';
import { fetchHistory } from '../src/history.js';

/** A fetch that answers from a function and records the requests. */
function fakeFetch(answer) {
  const requests = [];
  const fetchImpl = async (url, init) => {
    requests.push({ url, init });
    const r = await answer(url, init);
    if (r instanceof Error) throw r;
    const [status, body] = r;
    return { status, ok: status >= 200 && status < 300, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) };
  };
  return { fetchImpl, requests };
}

const problem = (status, title) => [status, { type: 'about:blank', title, status, detail: `${title}!` }];

test('api_Calls_SendTheBearerToken', async () => {
  const { fetchImpl, requests } = fakeFetch(() => [200, { cars: [] }]);
  const api = createApi({ fetchImpl, getToken: () => 'tok' });
  assert.deepEqual(await api.cars(), { ok: true, status: 200, data: { cars: [] } });
  assert.equal(requests[0].url, '/cars');
  assert.equal(requests[0].init.headers.authorization, 'Bearer tok');
});

test('api_Login_PostsJsonWithoutAToken', async () => {
  const { fetchImpl, requests } = fakeFetch(() => [200, { token: 't' }]);
  const api = createApi({ baseUrl: 'http://h/', fetchImpl, getToken: () => 'ignored' });
  await api.login('ops', 'pw');
  assert.equal(requests[0].url, 'http://h/auth/login');
  assert.equal(requests[0].init.method, 'POST');
  assert.equal(requests[0].init.headers.authorization, undefined);
  assert.deepEqual(JSON.parse(requests[0].init.body), { user: 'ops', password: 'pw' });
});

test('api_LoginWith401_IsAnOutcomeNotASignOut', async () => {
  let signedOut = 0;
  const { fetchImpl } = fakeFetch(() => problem(401, 'Unauthorized'));
  const api = createApi({ fetchImpl, getToken: () => null, onUnauthorized: () => signedOut++ });
  const r = await api.login('ops', 'bad');
  assert.equal(r.ok, false);
  assert.equal(r.status, 401);
  assert.equal(r.problem.title, 'Unauthorized');
  assert.equal(signedOut, 0);
});

test('api_401OnAnAuthenticatedCall_SignsOut', async () => {
  let heard = null;
  const { fetchImpl } = fakeFetch(() => problem(401, 'Token expired'));
  const api = createApi({ fetchImpl, getToken: () => 'old', onUnauthorized: (p) => { heard = p; } });
  const r = await api.me();
  assert.equal(r.status, 401);
  assert.equal(heard.title, 'Token expired');
});

test('api_NoToken_SignsOutWithoutARequest', async () => {
  let signedOut = 0;
  const { fetchImpl, requests } = fakeFetch(() => [200, {}]);
  const api = createApi({ fetchImpl, getToken: () => null, onUnauthorized: () => signedOut++ });
  assert.equal((await api.cars()).status, 401);
  assert.equal(requests.length, 0);
  assert.equal(signedOut, 1);
});

test('api_ProblemJsonAndOtherFailures_BecomeProblems', async () => {
  const answers = [problem(403, 'Forbidden'), [500, 'not json'], new TypeError('Failed to fetch'), [200, '{broken']];
  const { fetchImpl } = fakeFetch(() => answers.shift());
  const api = createApi({ fetchImpl, getToken: () => 't' });
  const r1 = await api.location('car-0001');
  assert.deepEqual([r1.status, r1.problem.title, r1.problem.detail], [403, 'Forbidden', 'Forbidden!']);
  const r2 = await api.location('car-0001');
  assert.deepEqual([r2.status, r2.problem.title], [500, 'HTTP 500']);
  const r3 = await api.location('car-0001');
  assert.deepEqual([r3.status, r3.aborted, r3.problem.title], [0, false, 'The server cannot be reached']);
  const r4 = await api.location('car-0001');
  assert.equal(r4.ok, false);
});

test('api_Abort_IsReportedAsAborted', async () => {
  const { fetchImpl } = fakeFetch(() => Object.assign(new Error('aborted'), { name: 'AbortError' }));
  const api = createApi({ fetchImpl, getToken: () => 't' });
  const r = await api.me();
  assert.equal(r.aborted, true);
});

test('api_CarIdThatIsNotAThingName_IsRefusedBeforeAnyRequest', () => {
  const api = createApi({ fetchImpl: async () => assert.fail('no request'), getToken: () => 't' });
  assert.throws(() => api.location('../me'), RangeError);
  assert.throws(() => api.locations('car/+', { start: 0, end: 1 }), RangeError);
});

test('api_Locations_SendsStartEndLimitCursor', async () => {
  const { fetchImpl, requests } = fakeFetch(() => [200, { fixes: [], nextCursor: null }]);
  const api = createApi({ fetchImpl, getToken: () => 't' });
  await api.locations('car-0001', { start: 10, end: 20, limit: 1000, cursor: 'abc=' });
  assert.equal(requests[0].url, '/cars/car-0001/locations?start=10&end=20&limit=1000&cursor=abc%3D');
});

const loc = (ts) => ({ carId: 'car-0001', ts, latE7: 395000000 + ts, lonE7: -1198000000, speedMmps: 1000, moving: false });

test('fetchHistory_FollowsEveryCursor_WithTheSameRange', async () => {
  const pages = { '': [[loc(1), loc(2)], 'c1'], c1: [[loc(3)], 'c2'], c2: [[loc(4)], null] };
  const { fetchImpl, requests } = fakeFetch((url) => {
    const cursor = new URL(url, 'http://x').searchParams.get('cursor') ?? '';
    const [fixes, next] = pages[cursor];
    return [200, { carId: 'car-0001', start: 0, end: 100, fixes, nextCursor: next }];
  });
  const api = createApi({ fetchImpl, getToken: () => 't' });
  const progress = [];
  const r = await fetchHistory(api, 'car-0001', 0, 100, { onProgress: (n) => progress.push(n) });
  assert.equal(r.ok, true);
  assert.deepEqual(r.points.map((p) => p.ts), [1, 2, 3, 4]);
  assert.deepEqual(progress, [2, 3, 4]);
  for (const q of requests) {
    const u = new URL(q.url, 'http://x');
    assert.deepEqual([u.searchParams.get('start'), u.searchParams.get('end'), u.searchParams.get('limit')], ['0', '100', '1000']);
  }
});

test('fetchHistory_RepeatedCursor_StopsWithAProblem', async () => {
  const { fetchImpl, requests } = fakeFetch(() => [200, { fixes: [loc(1)], nextCursor: 'same' }]);
  const api = createApi({ fetchImpl, getToken: () => 't' });
  const r = await fetchHistory(api, 'car-0001', 0, 100);
  assert.equal(r.ok, false);
  assert.equal(requests.length, 2);
});

test('fetchHistory_Cap_TruncatesAndSays', async () => {
  let n = 0;
  const { fetchImpl } = fakeFetch(() => {
    n++;
    return [200, { fixes: [loc(n * 2), loc(n * 2 + 1)], nextCursor: `c${n}` }];
  });
  const api = createApi({ fetchImpl, getToken: () => 't' });
  const r = await fetchHistory(api, 'car-0001', 0, 100, { maxPoints: 5 });
  assert.equal(r.ok, true);
  assert.equal(r.truncated, true);
  assert.equal(r.points.length, 5);
});

test('fetchHistory_BadPageOrError_IsAProblem', async () => {
  const answers = [[200, { nope: 1 }], problem(404, 'Not found')];
  const { fetchImpl } = fakeFetch(() => answers.shift());
  const api = createApi({ fetchImpl, getToken: () => 't' });
  assert.equal((await fetchHistory(api, 'car-0001', 0, 1)).ok, false);
  const r = await fetchHistory(api, 'car-0001', 0, 1);
  assert.equal(r.problem.title, 'Not found');
});

test('fetchHistory_MalformedLocations_AreSkippedAndTheRestSorted', async () => {
  const { fetchImpl } = fakeFetch(() => [200, { fixes: [loc(5), { ts: 'x' }, null, loc(3), loc(3)], nextCursor: null }]);
  const api = createApi({ fetchImpl, getToken: () => 't' });
  const r = await fetchHistory(api, 'car-0001', 0, 10);
  assert.deepEqual(r.points.map((p) => p.ts), [3, 5]);
});
