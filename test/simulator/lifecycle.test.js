'use strict';

const { MODEL, sleep, waitForStatus, startForTest } = require('./helpers');

/**
 * @param {import('../../simulator/tasks').Task} task
 * @param {string} status
 * @returns {number} when the task entered that status
 */
function enteredAt(task, status) {
  const entry = task.history.find((step) => step.status === status);
  if (!entry) throw new Error(`task never was ${status}`);
  return entry.atMs;
}

describe('task lifecycle (ark flavour)', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof import('./helpers').apiClient>} */
  let api;

  beforeAll(async () => {
    ({ sim, api } = await startForTest({ flavour: 'ark', queuedMs: 100, taskMs: 250 }));
  });
  afterAll(() => sim.close());

  test('goes queued -> running -> succeeded after queuedMs, then taskMs', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat' });
    expect((await api.get(id)).body.status).toBe('queued');
    await waitForStatus(api, id, 'running');
    const done = await waitForStatus(api, id, 'succeeded');
    expect(done.status).toBe('succeeded');

    const task = sim.getTask(id);
    expect(task.history.map((step) => step.status)).toEqual(['queued', 'running', 'succeeded']);
    expect(enteredAt(task, 'running') - enteredAt(task, 'queued')).toBeGreaterThanOrEqual(95);
    expect(enteredAt(task, 'succeeded') - enteredAt(task, 'running')).toBeGreaterThanOrEqual(245);
  });

  test('a succeeded task object has exactly the documented fields', async () => {
    const { body: { id } } = await api.create({
      model: MODEL, content: [{ type: 'text', text: 'a cat' }], resolution: '1080p', ratio: '9:16', duration: 8,
      seed: 42, generate_audio: true, service_tier: 'flex', execution_expires_after: 3600, return_last_frame: true,
    });
    const task = await waitForStatus(api, id, 'succeeded');
    expect(Object.keys(task)).toEqual([
      'id', 'model', 'status', 'error', 'content', 'seed', 'resolution', 'ratio', 'duration', 'framespersecond',
      'generate_audio', 'service_tier', 'execution_expires_after', 'usage', 'created_at', 'updated_at',
    ]);
    expect(task).toMatchObject({
      id, model: MODEL, status: 'succeeded', error: null, seed: 42, resolution: '1080p', ratio: '9:16', duration: 8,
      framespersecond: 24, generate_audio: true, service_tier: 'flex', execution_expires_after: 3600,
    });
    expect(task.content.video_url).toMatch(new RegExp(`^${sim.mediaBaseUrl}/videos/${id}\\.mp4\\?.*X-Tos-Expires=\\d+.*X-Tos-Signature=[0-9a-f]+`));
    expect(task.content.last_frame_url).toMatch(new RegExp(`^${sim.mediaBaseUrl}/frames/${id}\\.png\\?`));
    expect(task.usage.completion_tokens).toBeGreaterThan(0);
    expect(task.usage.total_tokens).toBe(task.usage.completion_tokens);
    expect(Number.isInteger(task.created_at)).toBe(true);
    expect(Number.isInteger(task.updated_at)).toBe(true);
    expect(task.updated_at).toBeGreaterThanOrEqual(task.created_at);
  });

  test('defaults: 720p, 16:9, 5 s, random seed, default tier, 172800 s; no last frame unless asked', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat [sim:queued_ms=0] [sim:task_ms=0]' });
    const task = await waitForStatus(api, id, 'succeeded');
    expect(task).toMatchObject({ resolution: '720p', ratio: '16:9', duration: 5, service_tier: 'default', execution_expires_after: 172800 });
    expect(Number.isInteger(task.seed)).toBe(true);
    expect(Object.keys(task.content)).toEqual(['video_url']);
  });

  test('a task that has not succeeded has no content and no usage', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat' });
    const queued = (await api.get(id)).body;
    expect(queued.status).toBe('queued');
    expect(queued).not.toHaveProperty('content');
    expect(queued).not.toHaveProperty('usage');
    expect(queued.error).toBeNull();
  });

  test('an unknown id answers 404 ResourceNotFound', async () => {
    const answer = await api.get('cgt-20250101000000-nope1');
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: 'ResourceNotFound', message: 'The specified task cgt-20250101000000-nope1 is not found.' });
  });

  test('[sim:fail] ends failed with OutputVideoSensitiveContentDetected (still HTTP 200)', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat [sim:fail] [sim:queued_ms=0] [sim:task_ms=20]' });
    const task = await waitForStatus(api, id, 'failed');
    expect(task.error.code).toBe('OutputVideoSensitiveContentDetected');
    expect(typeof task.error.message).toBe('string');
    expect(task).not.toHaveProperty('content');
  });

  test('[sim:fail=CODE] picks the error code', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: '[sim:fail=InternalServiceError][sim:queued_ms=0][sim:task_ms=0]' });
    const task = await waitForStatus(api, id, 'failed');
    expect(task.error.code).toBe('InternalServiceError');
  });

  test('[sim:expire] ends expired; [sim:status=weird] ends in an unknown final status', async () => {
    const expired = await api.create({ model: MODEL, prompt: 'x [sim:expire] [sim:queued_ms=0] [sim:task_ms=10]' });
    const weird = await api.create({ model: MODEL, prompt: 'x [sim:status=weird] [sim:queued_ms=0] [sim:task_ms=10]' });
    const expiredTask = await waitForStatus(api, expired.body.id, 'expired');
    const weirdTask = await waitForStatus(api, weird.body.id, 'weird');
    expect(expiredTask.error.code).toBe('TaskExpired');
    expect(weirdTask.error).toBeNull();
    expect(sim.getTask(weird.body.id).history.map((step) => step.status)).toEqual(['queued', 'running', 'weird']);
  });

  test('[sim:stay_queued] never leaves queued; [sim:expire_ms=N] then expires it', async () => {
    const stuck = await api.create({ model: MODEL, prompt: 'x [sim:stay_queued]' });
    const expiring = await api.create({ model: MODEL, prompt: 'x [sim:stay_queued] [sim:expire_ms=150]' });
    await sleep(400);
    expect((await api.get(stuck.body.id)).body.status).toBe('queued');
    const expired = (await api.get(expiring.body.id)).body;
    expect(expired.status).toBe('expired');
    expect(expired.error.code).toBe('TaskExpired');
    expect(sim.getTask(expiring.body.id).finishedAtMs - sim.getTask(expiring.body.id).createdAtMs).toBeGreaterThanOrEqual(145);
  });

  test('markers are read from the first text content item too', async () => {
    const { body: { id } } = await api.create({
      model: MODEL,
      content: [{ type: 'text', text: 'a cat [sim:task_ms=0] [sim:queued_ms=0] [sim:video_mb=2]' }],
    });
    await waitForStatus(api, id, 'succeeded', 500);
    expect(sim.getTask(id).videoBytes).toBe(2 * 1024 * 1024);
    expect(sim.getTask(id).plan).toMatchObject({ queuedMs: 0, taskMs: 0 });
  });
});

describe('outcome option and aggregator task objects', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof import('./helpers').apiClient>} */
  let api;
  /** @type {unknown[]} */
  const seenBodies = [];

  beforeAll(async () => {
    ({ sim, api } = await startForTest({
      queuedMs: 0,
      taskMs: 20,
      outcome: (body) => {
        seenBodies.push(body);
        if (String(body.prompt).includes('broken')) {
          return { status: 'failed', error: { code: 'ModelOverloaded', message: 'try again' } };
        }
        if (String(body.prompt).includes('slow')) return { taskMs: 300 };
        return undefined;
      },
    }));
  });
  afterAll(() => sim.close());

  test('the outcome function sees the create body and sets the result (over prompt markers)', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: 'broken [sim:status=weird]' });
    const task = await waitForStatus(api, id, 'failed');
    expect(task.error).toEqual({ code: 'ModelOverloaded', message: 'try again' });
    expect(seenBodies.at(-1)).toEqual({ model: MODEL, prompt: 'broken [sim:status=weird]' });
  });

  test('the outcome function can change timing', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: 'slow' });
    await waitForStatus(api, id, 'running');
    await waitForStatus(api, id, 'succeeded');
    const task = sim.getTask(id);
    expect(task.plan.taskMs).toBe(300);
    expect(task.finishedAtMs - task.startedAtMs).toBeGreaterThanOrEqual(295);
  });

  test('aggregator task objects carry created_at as a string and updated_at as an integer', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat' });
    const task = await waitForStatus(api, id, 'succeeded');
    expect(task.created_at).toMatch(/^\d+$/);
    expect(Number.isInteger(task.updated_at)).toBe(true);
  });
});
