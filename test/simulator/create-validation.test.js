'use strict';

const { MODEL, TASKS_PATH, apiClient, startForTest } = require('./helpers');
const { DOCUMENTED_MODELS } = require('../../simulator/models');

describe('create: auth and validation (aggregator flavour)', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof apiClient>} */
  let api;

  beforeAll(async () => {
    ({ sim, api } = await startForTest({ apiKey: 'right-key', queuedMs: 10_000 }));
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  const AUTH_ERROR = {
    error: { code: 'AuthenticationError', message: 'The API key in the request is missing or invalid.', type: 'Unauthorized' },
  };

  test('a missing or wrong API key answers 401 AuthenticationError and creates nothing', async () => {
    const tasksBefore = sim.tasks.size;
    const noKey = await apiClient(sim, { apiKey: null }).create({ model: MODEL, prompt: 'a cat' });
    const wrongKey = await apiClient(sim, { apiKey: 'wrong' }).create({ model: MODEL, prompt: 'a cat' });
    expect(noKey.status).toBe(401);
    expect(noKey.body).toEqual(AUTH_ERROR);
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body).toEqual(AUTH_ERROR);
    expect(sim.tasks.size).toBe(tasksBefore);
    expect(sim.stats).toMatchObject({ creates: 2, tasksCreated: 0 });
  });

  test('GET needs the key too', async () => {
    const answer = await apiClient(sim, { apiKey: null }).get('task_x');
    expect(answer.status).toBe(401);
  });

  test('an accepted aggregator create answers id, queued status, string created_at and opaque items', async () => {
    const before = Math.floor(Date.now() / 1000);
    const answer = await api.create({ model: MODEL, prompt: 'a cat' });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['created_at', 'id', 'items', 'status']);
    expect(answer.body.id).toMatch(/^task_[A-Za-z0-9]+$/);
    expect(answer.body.status).toBe('queued');
    expect(answer.body.created_at).toMatch(/^\d+$/);
    expect(Number(answer.body.created_at)).toBeGreaterThanOrEqual(before);
    expect(typeof answer.body.items).toBe('string');
    expect(sim.getTask(answer.body.id)).toMatchObject({ status: 'queued', model: MODEL });
    expect(sim.stats).toMatchObject({ creates: 1, tasksCreated: 1 });
    expect(sim.requests[0]).toMatchObject({ method: 'POST', path: TASKS_PATH, status: 200, taskId: answer.body.id, body: { model: MODEL, prompt: 'a cat' } });
  });

  test('a body that is not a JSON object answers 400 InvalidParameter', async () => {
    for (const raw of ['not json', '[1,2]', '"text"', '']) {
      const answer = await api.request('POST', TASKS_PATH, { raw });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('InvalidParameter');
    }
    expect(sim.requests.map((record) => record.body)).toEqual(['not json', [1, 2], 'text', null]);
    expect(sim.stats.tasksCreated).toBe(0);
  });

  test('a missing model answers 400 MissingParameter with param model', async () => {
    const answer = await api.create({ prompt: 'a cat' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'MissingParameter', param: 'model', type: 'BadRequest' });
  });

  test('an unknown model answers 404 InvalidEndpointOrModel.NotFound', async () => {
    const answer = await api.create({ model: 'doubao-seedance-9-9', prompt: 'a cat' });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('InvalidEndpointOrModel.NotFound');
  });

  test.each([
    ...DOCUMENTED_MODELS,
    'ep-20250101123456-abcde',
    'seedance-1-5-pro-251215',
    'seedance-1-0-lite-t2v-250428',
  ])('model %s is accepted', async (model) => {
    const answer = await api.create({ model, prompt: 'a cat' });
    expect(answer.status).toBe(200);
  });

  test('the aggregator needs a non-blank prompt unless a text content item carries it', async () => {
    const missing = await api.create({ model: MODEL });
    const blank = await api.create({ model: MODEL, prompt: '   ' });
    const textItem = await api.create({ model: MODEL, content: [{ type: 'text', text: 'a dog' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'MissingParameter', param: 'prompt' });
    expect(blank.status).toBe(400);
    expect(blank.body.error.param).toBe('prompt');
    expect(textItem.status).toBe(200);
  });

  test('every documented content item shape is accepted', async () => {
    const answer = await api.create({
      model: MODEL,
      content: [
        { type: 'text', text: 'image 1 walks' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' }, role: 'first_frame', name: '1' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' }, role: 'reference_image' },
        { type: 'video_url', video_url: { url: 'https://example.com/v.mp4' }, role: 'reference_video', name: '2' },
        { type: 'audio_url', audio_url: { url: 'https://example.com/a.mp3' }, role: 'reference_audio', name: '3' },
        { type: 'draft_task', draft_task: { id: 'cgt-20250101000000-abcde' } },
      ],
    });
    expect(answer.status).toBe(200);
  });

  test.each([
    ['a string item', 'hello'],
    ['an unknown type', { type: 'picture', picture: { url: 'https://x/y.png' } }],
    ['text without text', { type: 'text' }],
    ['text that is not a string', { type: 'text', text: 5 }],
    ['image_url as a string', { type: 'image_url', image_url: 'https://x/y.png' }],
    ['image_url without url', { type: 'image_url', image_url: {} }],
    ['image_url with a relative url', { type: 'image_url', image_url: { url: '/y.png' } }],
    ['an unknown role', { type: 'image_url', image_url: { url: 'https://x/y.png' }, role: 'hero' }],
    ['a numeric name', { type: 'video_url', video_url: { url: 'https://x/y.mp4' }, name: 2 }],
    ['an extra field', { type: 'audio_url', audio_url: { url: 'https://x/y.mp3' }, volume: 3 }],
    ['a mismatched media key', { type: 'video_url', image_url: { url: 'https://x/y.mp4' } }],
    ['draft_task without id', { type: 'draft_task', draft_task: {} }],
  ])('a content item that is %s answers 400 naming content[i]', async (_what, badItem) => {
    const answer = await api.create({ model: MODEL, prompt: 'a cat', content: [{ type: 'text', text: 'ok' }, badItem] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'InvalidParameter', param: 'content[1]' });
  });

  test('content that is not an array answers 400 naming content', async () => {
    const answer = await api.create({ model: MODEL, prompt: 'a cat', content: { type: 'text', text: 'x' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe('content');
  });

  test.each([
    ['duration', '5'],
    ['seconds', '5'],
    ['fps', '24'],
    ['seed', '42'],
    ['frames', '121'],
    ['execution_expires_after', '3600'],
    ['generate_audio', 'true'],
    ['watermark', 1],
    ['return_last_frame', 'yes'],
    ['camera_fixed', 0],
    ['draft', 'false'],
    ['image_urls', 'https://x/y.png'],
    ['video_urls', [1]],
    ['audio_urls', {}],
    ['ratio', 16],
  ])('%s with the wrong type answers 400 InvalidParameter naming it', async (param, value) => {
    const answer = await api.create({ model: MODEL, prompt: 'a cat', [param]: value });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'InvalidParameter', param });
  });

  test.each([
    ['seed', -2],
    ['execution_expires_after', 60],
    ['frames', 30],
    ['service_tier', 'turbo'],
  ])('%s outside its documented range (%p) answers 400', async (param, value) => {
    const answer = await api.create({ model: MODEL, prompt: 'a cat', [param]: value });
    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe(param);
  });

  test('correctly typed optional fields are accepted', async () => {
    const answer = await api.create({
      model: MODEL, prompt: 'a cat', duration: 5, fps: 24, seed: -1, frames: 121, execution_expires_after: 3600,
      generate_audio: true, watermark: false, return_last_frame: true, camera_fixed: false, draft: false,
      image_urls: ['https://x/a.png'], video_urls: [], audio_urls: [], ratio: '16:9', service_tier: 'flex',
    });
    expect(answer.status).toBe(200);
  });

  test('a prompt containing SENSITIVE answers 400 InputTextSensitiveContentDetected', async () => {
    const inPrompt = await api.create({ model: MODEL, prompt: 'a SENSITIVE cat' });
    const inContent = await api.create({ model: MODEL, content: [{ type: 'text', text: 'SENSITIVE' }] });
    for (const answer of [inPrompt, inContent]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('InputTextSensitiveContentDetected');
    }
    expect(sim.stats).toMatchObject({ creates: 2, tasksCreated: 0 });
  });

  test('unknown paths answer 404 and wrong methods 405', async () => {
    const unknown = await api.request('GET', '/api/v3/other');
    const wrongMethod = await api.request('PUT', `${TASKS_PATH}/task_x`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NotFound');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, DELETE');
  });
});

describe('create: ark flavour', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof apiClient>} */
  let api;

  beforeAll(async () => {
    ({ sim, api } = await startForTest({ flavour: 'ark', queuedMs: 10_000 }));
  });
  afterAll(() => sim.close());

  test('an accepted create answers only an Ark task id', async () => {
    const answer = await api.create({ model: MODEL, content: [{ type: 'text', text: 'a cat' }] });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['id']);
    expect(answer.body.id).toMatch(/^cgt-\d{14}-[a-z0-9]{5}$/);
  });

  test('content or a prompt is required; either alone is accepted', async () => {
    const neither = await api.create({ model: MODEL });
    const emptyContent = await api.create({ model: MODEL, content: [] });
    const promptOnly = await api.create({ model: MODEL, prompt: 'a cat' });
    expect(neither.status).toBe(400);
    expect(neither.body.error).toMatchObject({ code: 'MissingParameter', param: 'content' });
    expect(emptyContent.status).toBe(400);
    expect(promptOnly.status).toBe(200);
    expect(sim.requests.at(-1).body).toEqual({ model: MODEL, prompt: 'a cat' });
  });
});
