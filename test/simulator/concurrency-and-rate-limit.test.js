'use strict';

const { MODEL, sleep, waitFor, startForTest } = require('./helpers');

/**
 * @param {import('../../simulator/tasks').Task[]} tasks
 * @returns {number} the most tasks that were running at the same moment, from their histories
 */
function peakRunning(tasks) {
  const events = tasks.flatMap((task) => {
    const start = task.history.find((step) => step.status === 'running');
    const end = task.history.find((step) => step.status !== 'queued' && step.status !== 'running');
    return start && end ? [{ at: start.atMs, delta: 1 }, { at: end.atMs, delta: -1 }] : [];
  });
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let peak = 0;
  for (const event of events) {
    running += event.delta;
    peak = Math.max(peak, running);
  }
  return peak;
}

describe('maxConcurrentTasks', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof import('./helpers').apiClient>} */
  let api;

  beforeAll(async () => {
    ({ sim, api } = await startForTest({ flavour: 'ark', queuedMs: 0, taskMs: 400, maxConcurrentTasks: 2 }));
  });
  afterAll(() => sim.close());

  test('at most N tasks run at once; the rest wait queued and start in FIFO order', async () => {
    const ids = (await Promise.all([0, 1, 2, 3, 4].map((i) => api.create({ model: MODEL, prompt: `clip ${i}` }))))
      .map((answer) => answer.body.id)
      .sort((a, b) => sim.getTask(a).seq - sim.getTask(b).seq);
    await waitFor(() => sim.getTask(ids[1]).status === 'running', { what: 'two tasks running' });
    expect(ids.map((id) => sim.getTask(id).status)).toEqual(['running', 'running', 'queued', 'queued', 'queued']);
    expect((await api.get(ids[2])).body.status).toBe('queued');

    await waitFor(() => ids.every((id) => sim.getTask(id).status === 'succeeded'), { what: 'all tasks to succeed' });
    const tasks = ids.map((id) => sim.getTask(id));
    expect(peakRunning(tasks)).toBe(2);
    const startTimes = tasks.map((task) => task.startedAtMs);
    expect([...startTimes].sort((a, b) => a - b)).toEqual(startTimes);
    expect(tasks[2].startedAtMs).toBeGreaterThanOrEqual(tasks[0].finishedAtMs);
  });

  test('a cancelled queued task gives up its place in line', async () => {
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await api.create({ model: MODEL, prompt: `clip ${i}` })).body.id);
    await waitFor(() => sim.getTask(ids[1]).status === 'running', { what: 'two tasks running' });
    expect((await api.remove(ids[2])).status).toBe(200);
    await waitFor(() => sim.getTask(ids[1]).status === 'succeeded', { what: 'second task' });
    expect(sim.getTask(ids[2]).history.map((step) => step.status)).toEqual(['queued', 'cancelled']);
  });
});

describe('request accounting', () => {
  test('maxInFlight counts API requests being processed at the same moment', async () => {
    const { sim, api } = await startForTest({ apiLatencyMs: 300 });
    try {
      await Promise.all(Array.from({ length: 6 }, () => api.get('task_unknown')));
      expect(sim.stats.maxInFlight).toBe(6);
      expect(sim.stats.statusReads).toBe(6);
      await waitFor(() => sim.stats.inFlight === 0, { what: 'no request in flight' });
      await api.get('task_unknown');
      await api.get('task_unknown');
      expect(sim.stats.maxInFlight).toBe(6);
      sim.reset();
      expect(sim.stats).toMatchObject({ maxInFlight: 0, statusReads: 0 });
      expect(sim.requests).toHaveLength(0);
    } finally {
      await sim.close();
    }
  });
});

describe('rateLimitPerMinute', () => {
  test('requests over the limit get 429 with an integer Retry-After, and a 429 create creates no task', async () => {
    const { sim, api } = await startForTest({ rateLimitPerMinute: 3, queuedMs: 10_000 });
    try {
      for (let i = 0; i < 3; i += 1) expect((await api.create({ model: MODEL, prompt: 'a cat' })).status).toBe(200);
      const limited = await api.create({ model: MODEL, prompt: 'a cat' });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RateLimitExceeded.EndpointRPMExceeded');
      const retryAfter = limited.headers.get('retry-after');
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(59);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      expect((await api.get('task_x')).status).toBe(429);
      expect(sim.tasks.size).toBe(3);
      expect(sim.stats).toMatchObject({ creates: 4, tasksCreated: 3, rateLimited: 2 });
    } finally {
      await sim.close();
    }
  });

  test('the window slides: requests pass again once old ones leave it', async () => {
    const windowMs = 1000;
    const { sim, api } = await startForTest({ rateLimitPerMinute: 2, rateLimitWindowMs: windowMs });
    try {
      expect((await api.get('task_a')).status).toBe(404);
      await sleep(500);
      expect((await api.get('task_b')).status).toBe(404);
      const limited = await api.get('task_c');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      const [first, second] = sim.requests;
      await sleep(first.time + windowMs + 20 - Date.now());
      expect((await api.get('task_d')).status).toBe(404);
      const stillLimited = await api.get('task_e');
      if (Date.now() < second.time + windowMs) expect(stillLimited.status).toBe(429);
    } finally {
      await sim.close();
    }
  });

  test('media downloads are not rate limited', async () => {
    const { sim, api } = await startForTest({ rateLimitPerMinute: 2, queuedMs: 0, taskMs: 0 });
    try {
      const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat' });
      await sleep(30);
      const task = (await api.get(id)).body;
      expect(task.status).toBe('succeeded');
      for (let i = 0; i < 4; i += 1) expect((await fetch(task.content.video_url)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
