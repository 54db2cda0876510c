'use strict';

const { MODEL, TASKS_PATH, waitFor, waitForStatus, startForTest } = require('./helpers');

const LITE = 'doubao-seedance-1-0-lite-t2v-250428';

describe('list tasks (ark)', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof import('./helpers').apiClient>} */
  let api;
  /** @type {string[]} ids in creation order */
  const ids = [];

  beforeAll(async () => {
    ({ sim, api } = await startForTest({ flavour: 'ark', queuedMs: 0, taskMs: 0 }));
    const bodies = [
      { model: MODEL, prompt: 'one' },
      { model: LITE, prompt: 'two', service_tier: 'flex' },
      { model: MODEL, prompt: 'three [sim:stay_queued]' },
      { model: LITE, prompt: 'four [sim:fail]' },
      { model: MODEL, prompt: 'five [sim:stay_queued]', service_tier: 'flex' },
    ];
    for (const body of bodies) ids.push((await api.create(body)).body.id);
    await waitFor(() => sim.getTask(ids[3]).status === 'failed' && sim.getTask(ids[1]).status === 'succeeded', { what: 'tasks to finish' });
  });
  afterAll(() => sim.close());

  test('lists every task, newest first, with the total', async () => {
    const answer = await api.list('page_num=1&page_size=10');
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(5);
    expect(answer.body.items.map((task) => task.id)).toEqual([...ids].reverse());
    expect(Object.keys(answer.body).sort()).toEqual(['items', 'total']);
    expect(sim.stats.listReads).toBeGreaterThanOrEqual(1);
  });

  test('a succeeded item has exactly the SDK list-item shape, not the task object', async () => {
    const answer = await api.list(`filter.task_ids=${ids[0]}`);
    const full = (await api.get(ids[0])).body;
    const [item] = answer.body.items;
    expect(item).toEqual({
      id: ids[0],
      model: MODEL,
      status: 'succeeded',
      failure_reason: '',
      content: { video_url: full.content.video_url },
      usage: { completion_tokens: full.usage.completion_tokens },
      created_at: full.created_at,
      updated_at: full.updated_at,
    });
    expect(Number.isInteger(item.created_at)).toBe(true);
    expect(item.content.video_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/videos\//);
    expect(item.usage.completion_tokens).toBeGreaterThan(0);
    for (const absent of ['error', 'seed', 'resolution', 'ratio', 'duration', 'framespersecond', 'generate_audio', 'service_tier', 'execution_expires_after']) {
      expect(item).not.toHaveProperty(absent);
      expect(full).toHaveProperty(absent);
    }
  });

  test('a failed item carries failure_reason "<code>: <message>" and no error, content or usage', async () => {
    const [item] = (await api.list(`filter.task_ids=${ids[3]}`)).body.items;
    const full = (await api.get(ids[3])).body;
    expect(full.error.code).toBe('OutputVideoSensitiveContentDetected');
    expect(item).toEqual({
      id: ids[3],
      model: LITE,
      status: 'failed',
      failure_reason: `OutputVideoSensitiveContentDetected: ${full.error.message}`,
      created_at: full.created_at,
      updated_at: full.updated_at,
    });
  });

  test('a queued item has an empty failure_reason and no content or usage', async () => {
    const [item] = (await api.list(`filter.task_ids=${ids[2]}`)).body.items;
    expect(Object.keys(item).sort()).toEqual(['created_at', 'failure_reason', 'id', 'model', 'status', 'updated_at']);
    expect(item).toMatchObject({ id: ids[2], status: 'queued', failure_reason: '' });
  });

  test('a last frame never appears in a list item, though GET shows it', async () => {
    const { body: { id } } = await api.create({ model: MODEL, prompt: 'six', return_last_frame: true });
    try {
      await waitFor(() => sim.getTask(id).status === 'succeeded', { what: 'the last-frame task to succeed' });
      const [item] = (await api.list(`filter.task_ids=${id}`)).body.items;
      expect((await api.get(id)).body.content).toHaveProperty('last_frame_url');
      expect(item.content).toEqual({ video_url: expect.any(String) });
    } finally {
      await api.remove(id); // the other tests count five tasks
    }
  });

  test('pages with page_num and page_size', async () => {
    const second = await api.list('page_num=2&page_size=2');
    const last = await api.list('page_num=3&page_size=2');
    const beyond = await api.list('page_num=4&page_size=2');
    expect(second.body.items.map((task) => task.id)).toEqual([ids[2], ids[1]]);
    expect(last.body.items.map((task) => task.id)).toEqual([ids[0]]);
    expect(beyond.body).toEqual({ items: [], total: 5 });
  });

  test('filters by status, model, service tier and repeated task ids', async () => {
    const queued = await api.list('filter.status=queued');
    const lite = await api.list(`filter.model=${LITE}`);
    const flex = await api.list('filter.service_tier=flex');
    const picked = await api.list(`filter.task_ids=${ids[0]}&filter.task_ids=${ids[3]}&filter.task_ids=cgt-none`);
    const combined = await api.list(`filter.status=queued&filter.service_tier=flex`);
    expect(queued.body.items.map((task) => task.id)).toEqual([ids[4], ids[2]]);
    expect(queued.body.total).toBe(2);
    expect(lite.body.items.map((task) => task.id)).toEqual([ids[3], ids[1]]);
    expect(flex.body.items.map((task) => task.id)).toEqual([ids[4], ids[1]]);
    expect(picked.body.items.map((task) => task.id)).toEqual([ids[3], ids[0]]);
    expect(combined.body).toMatchObject({ total: 1, items: [{ id: ids[4] }] });
    expect(sim.requests.at(-2).query).toEqual({ 'filter.task_ids': [ids[0], ids[3], 'cgt-none'] });
  });

  test('the total counts every match even when the page is smaller', async () => {
    const answer = await api.list('filter.model=' + MODEL + '&page_size=1');
    expect(answer.body.total).toBe(3);
    expect(answer.body.items).toHaveLength(1);
  });

  test.each(['page_num=0', 'page_num=501', 'page_size=0', 'page_size=501', 'page_size=abc', 'page_num=1.5'])(
    '%s answers 400 InvalidParameter',
    async (query) => {
      const answer = await api.list(query);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('InvalidParameter');
      expect(answer.body.error.param).toBe(query.split('=')[0]);
    },
  );

  test('page limits 1 and 500 are accepted', async () => {
    expect((await api.list('page_num=500&page_size=1')).status).toBe(200);
    expect((await api.list('page_num=1&page_size=500')).status).toBe(200);
  });
});

describe('delete tasks (ark)', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof import('./helpers').apiClient>} */
  let api;

  beforeAll(async () => {
    ({ sim, api } = await startForTest({ flavour: 'ark', queuedMs: 0, taskMs: 0 }));
  });
  afterAll(() => sim.close());

  /**
   * @param {string} prompt
   * @param {string} status
   */
  async function taskIn(prompt, status) {
    const { body: { id } } = await api.create({ model: MODEL, prompt });
    await waitForStatus(api, id, status);
    return id;
  }

  test('a queued task becomes cancelled, and then cannot be deleted', async () => {
    const id = await taskIn('x [sim:stay_queued]', 'queued');
    const answer = await api.remove(id);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({});
    expect((await api.get(id)).body.status).toBe('cancelled');
    const again = await api.remove(id);
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('InvalidParameter');
    expect(again.body.error.message).toContain('cancelled');
  });

  test('expired and cancelled items: failure_reason follows the task error', async () => {
    const expired = await taskIn('x [sim:expire]', 'expired');
    const cancelled = await taskIn('x [sim:stay_queued]', 'queued');
    await api.remove(cancelled);
    const items = (await api.list(`filter.task_ids=${expired}&filter.task_ids=${cancelled}`)).body.items;
    const byId = Object.fromEntries(items.map((item) => [item.id, item]));
    expect(byId[expired].status).toBe('expired');
    expect(byId[expired].failure_reason).toMatch(/^TaskExpired: The task was not completed/);
    expect(byId[expired]).not.toHaveProperty('error');
    expect(byId[cancelled]).toMatchObject({ status: 'cancelled', failure_reason: '' });
    expect(byId[cancelled]).not.toHaveProperty('content');
  });

  test('a running task cannot be deleted', async () => {
    const id = await taskIn('x [sim:stay_running]', 'running');
    const answer = await api.remove(id);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('running');
    expect((await api.get(id)).body.status).toBe('running');
  });

  test.each([
    ['succeeded', 'x'],
    ['failed', 'x [sim:fail]'],
    ['expired', 'x [sim:expire]'],
  ])('a %s task is deleted: GET then answers 404', async (status, prompt) => {
    const id = await taskIn(prompt, status);
    const answer = await api.remove(id);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({});
    expect((await api.get(id)).status).toBe(404);
    expect(sim.getTask(id)).toBeUndefined();
  });

  test('a deleted task\'s video is gone from the media host', async () => {
    const id = await taskIn('x', 'succeeded');
    const videoUrl = (await api.get(id)).body.content.video_url;
    await api.remove(id);
    expect((await fetch(videoUrl)).status).toBe(404);
  });

  test('deleting an unknown task answers 404 ResourceNotFound', async () => {
    const answer = await api.remove('cgt-20250101000000-zzzzz');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('ResourceNotFound');
  });
});

describe('aggregator has no list and no delete', () => {
  test('both answer 404 with an error body by default', async () => {
    const { sim, api } = await startForTest({ queuedMs: 0, taskMs: 0 });
    try {
      const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat' });
      const list = await api.list('page_num=1&page_size=10');
      const remove = await api.remove(id);
      expect(list.status).toBe(404);
      expect(list.body.error.message).toContain(`GET ${TASKS_PATH}`);
      expect(remove.status).toBe(404);
      expect(remove.body.error).toHaveProperty('code');
      expect(sim.getTask(id)).toBeDefined();
    } finally {
      await sim.close();
    }
  });

  test('missingEndpointStatus 405 answers 405 with an Allow header', async () => {
    const { sim, api } = await startForTest({ missingEndpointStatus: 405 });
    try {
      const list = await api.list();
      const remove = await api.remove('task_x');
      expect(list.status).toBe(405);
      expect(list.headers.get('allow')).toBe('POST');
      expect(list.body.error.code).toBe('MethodNotAllowed');
      expect(remove.status).toBe(405);
      expect(remove.headers.get('allow')).toBe('GET');
    } finally {
      await sim.close();
    }
  });
});
