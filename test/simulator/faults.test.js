'use strict';

const { MODEL, TASKS_PATH, waitFor, waitForStatus, startForTest, download } = require('./helpers');

const CREATE = { model: MODEL, prompt: 'a cat' };

describe('API faults', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof import('./helpers').apiClient>} */
  let api;

  beforeEach(async () => {
    ({ sim, api } = await startForTest({ queuedMs: 0, taskMs: 0 }));
  });
  afterEach(() => sim.close());

  test('status: answers the status with an Ark error body and headers; the create makes no task', async () => {
    const handle = sim.injectFault({ match: { method: 'POST', path: TASKS_PATH }, kind: 'status', status: 503, headers: { 'Retry-After': '2' } });
    const faulted = await api.create(CREATE);
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('2');
    expect(faulted.body.error).toMatchObject({ code: 'ServiceUnavailable', type: 'ServiceUnavailable' });
    expect(sim.tasks.size).toBe(0);
    expect(sim.stats).toMatchObject({ creates: 1, tasksCreated: 0 });
    expect(sim.requests[0]).toMatchObject({ status: 503, fault: { id: handle.id, kind: 'status', status: 503 } });
    expect(handle).toMatchObject({ remaining: 0, hits: 1 });

    const next = await api.create(CREATE);
    expect(next.status).toBe(200);
    expect(sim.requests[1].fault).toBeUndefined();
  });

  test.each([
    [400, 'InvalidParameter'],
    [401, 'AuthenticationError'],
    [403, 'AccountOverdueError'],
    [404, 'InvalidEndpointOrModel.NotFound'],
    [405, 'MethodNotAllowed'],
    [409, 'Conflict'],
    [429, 'RateLimitExceeded.EndpointRPMExceeded'],
    [500, 'InternalServiceError'],
  ])('status %i has a plausible default code (%s)', async (status, code) => {
    sim.injectFault({ kind: 'status', status });
    const answer = await api.get('task_x');
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });

  test('status: a custom body and times: N', async () => {
    sim.injectFault({ kind: 'status', status: 500, body: { oops: true }, times: 2 });
    expect((await api.get('task_x')).body).toEqual({ oops: true });
    expect((await api.get('task_x')).body).toEqual({ oops: true });
    expect((await api.get('task_x')).status).toBe(404);
  });

  test('acceptThenStatus: the task is created and billed, but the answer is an error', async () => {
    sim.injectFault({ match: { method: 'POST' }, kind: 'acceptThenStatus', status: 502 });
    const answer = await api.create(CREATE);
    expect(answer.status).toBe(502);
    expect(sim.tasks.size).toBe(1);
    expect(sim.stats.tasksCreated).toBe(1);
    const [record] = sim.requests;
    expect(record.fault.kind).toBe('acceptThenStatus');
    expect(record.status).toBe(502);
    expect(sim.getTask(/** @type {string} */ (record.taskId))).toBeDefined();
  });

  test('reset: the connection drops without an answer and no task is made', async () => {
    sim.injectFault({ match: { method: 'POST' }, kind: 'reset' });
    await expect(api.create(CREATE)).rejects.toThrow();
    expect(sim.tasks.size).toBe(0);
    expect(sim.requests[0]).toMatchObject({ status: null, fault: { kind: 'reset' } });
  });

  test('reset with afterAccept: the task is created, then the connection drops', async () => {
    sim.injectFault({ match: { method: 'POST' }, kind: 'reset', afterAccept: true });
    await expect(api.create(CREATE)).rejects.toThrow();
    expect(sim.tasks.size).toBe(1);
    expect(sim.stats.tasksCreated).toBe(1);
    expect(sim.requests[0].taskId).toBe([...sim.tasks.keys()][0]);
  });

  test('timeout: never answers; the request stays in flight until the client gives up', async () => {
    sim.injectFault({ kind: 'timeout' });
    const started = Date.now();
    await expect(api.request('GET', `${TASKS_PATH}/task_x`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sim.requests[0]).toMatchObject({ status: null, fault: { kind: 'timeout' } });
    await waitFor(() => sim.stats.inFlight === 0, { what: 'the abandoned request to close' });
  });

  test('html: 502 with an HTML page', async () => {
    sim.injectFault({ kind: 'html' });
    const answer = await api.get('task_x');
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toBe('text/html');
    expect(answer.text).toContain('<html>');
  });

  test('empty: 200 with an empty body', async () => {
    sim.injectFault({ kind: 'empty' });
    const answer = await api.create(CREATE);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-length')).toBe('0');
    expect(answer.text).toBe('');
    expect(sim.tasks.size).toBe(0);
  });

  test('badShape: 200 with JSON lacking id', async () => {
    sim.injectFault({ kind: 'badShape' });
    const answer = await api.create(CREATE);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true });
  });

  test('truncate on the API: full Content-Length announced, half the body sent', async () => {
    const { body: { id } } = await api.create(CREATE);
    sim.injectFault({ match: { target: 'api', method: 'GET' }, kind: 'truncate' });
    const result = await download(`${sim.baseUrl}${TASKS_PATH}/${id}`, undefined, { Authorization: `Bearer ${sim.apiKey}` });
    expect(result.status).toBe(200);
    expect(result.complete).toBe(false);
    expect(result.bytes).toBe(Math.floor(Number(result.headers['content-length']) / 2));
  });

  test('faults match by method, path prefix or RegExp and are consumed in order', async () => {
    sim.injectFault({ match: { method: 'GET', path: /\/tasks\/task_b$/ }, kind: 'status', status: 500 });
    sim.injectFault({ match: { method: 'GET', path: `${TASKS_PATH}/` }, kind: 'status', status: 503 });
    sim.injectFault({ match: { method: 'GET', path: `${TASKS_PATH}/` }, kind: 'status', status: 502 });
    expect((await api.create(CREATE)).status).toBe(200);
    expect((await api.get('task_a')).status).toBe(503);
    expect((await api.get('task_b')).status).toBe(500);
    expect((await api.get('task_b')).status).toBe(502);
    expect((await api.get('task_b')).status).toBe(404);
  });

  test('a cancelled fault hits nothing; clearFaults removes all', async () => {
    const handle = sim.injectFault({ kind: 'status', status: 500 });
    handle.cancel();
    sim.injectFault({ kind: 'status', status: 500, times: Infinity });
    sim.clearFaults();
    expect((await api.get('task_x')).status).toBe(404);
  });

  test('an unknown kind or a status fault without status is refused', () => {
    expect(() => sim.injectFault({ kind: 'explode' })).toThrow(/Unknown fault kind/);
    expect(() => sim.injectFault({ kind: 'status' })).toThrow(/status/);
  });

  test('pause/resume: the API port refuses connections, then serves again', async () => {
    const port = sim.apiPort;
    await sim.pause();
    const refused = await api.get('task_x').then(() => null, (error) => error);
    expect(refused.cause.code).toBe('ECONNREFUSED');
    await sim.resume();
    expect(sim.apiPort).toBe(port);
    expect((await api.get('task_x')).status).toBe(404);
  });
});

describe('media faults', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {string} */
  let videoUrl;

  beforeEach(async () => {
    let api;
    ({ sim, api } = await startForTest({ queuedMs: 0, taskMs: 0, videoBytes: 1024 * 1024 }));
    const { body: { id } } = await api.create(CREATE);
    videoUrl = (await waitForStatus(api, id, 'succeeded')).content.video_url;
  });
  afterEach(() => sim.close());

  test('truncate: headers announce the full length, half arrives, the socket drops', async () => {
    sim.injectFault({ kind: 'truncate' });
    const result = await download(videoUrl);
    expect(result.status).toBe(200);
    expect(result.headers['content-length']).toBe(String(1024 * 1024));
    expect(result.complete).toBe(false);
    expect(result.bytes).toBe(512 * 1024);
    expect(sim.mediaRequests[0]).toMatchObject({ status: 200, fault: { kind: 'truncate' } });
  });

  test('contentType: the video comes with a wrong content type', async () => {
    sim.injectFault({ kind: 'contentType', contentType: 'text/html' });
    const response = await fetch(videoUrl);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect((await response.arrayBuffer()).byteLength).toBe(1024 * 1024);
  });

  test('status on media answers an object-storage XML error', async () => {
    sim.injectFault({ match: { target: 'media', path: '/videos/' }, kind: 'status', status: 503 });
    const response = await fetch(videoUrl);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('<Code>ServiceUnavailable</Code>');
    expect((await fetch(videoUrl)).status).toBe(200);
  });

  test('reset and html apply to media too; API faults do not hit media', async () => {
    sim.injectFault({ kind: 'status', status: 500, times: Infinity });
    sim.injectFault({ match: { target: 'media' }, kind: 'reset' });
    sim.injectFault({ match: { target: 'media' }, kind: 'html' });
    await expect(fetch(videoUrl)).rejects.toThrow();
    const html = await fetch(videoUrl);
    expect(html.status).toBe(502);
    expect((await fetch(videoUrl)).status).toBe(200);
  });
});
