'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { MODEL, sleep, waitForStatus, startForTest, download } = require('./helpers');

const SAMPLE_MP4 = fs.readFileSync(path.join(__dirname, '../../simulator/media/sample.mp4'));
const SAMPLE_PNG = fs.readFileSync(path.join(__dirname, '../../simulator/media/sample.png'));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * @param {ReturnType<typeof import('./helpers').apiClient>} api
 * @param {Record<string, unknown>} [extra]
 * @returns {Promise<any>} the succeeded task object
 */
async function succeededTask(api, extra = {}) {
  const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat', ...extra });
  return waitForStatus(api, id, 'succeeded');
}

describe('media server', () => {
  /** @type {import('../../simulator').Simulator} */
  let sim;
  /** @type {ReturnType<typeof import('./helpers').apiClient>} */
  let api;

  beforeAll(async () => {
    ({ sim, api } = await startForTest({ queuedMs: 0, taskMs: 0 }));
  });
  afterAll(() => sim.close());

  test('the sample files are a real MP4 and a real PNG, and small', () => {
    expect(SAMPLE_MP4.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(SAMPLE_MP4.includes(Buffer.from('moov'))).toBe(true);
    expect(SAMPLE_MP4.length).toBeLessThan(100 * 1024);
    expect(SAMPLE_PNG.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(SAMPLE_PNG.length).toBeLessThan(20 * 1024);
  });

  test('serves the sample MP4 with video/mp4 and its exact length', async () => {
    const task = await succeededTask(api);
    const response = await fetch(task.content.video_url);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe(String(SAMPLE_MP4.length));
    expect(bytes.equals(SAMPLE_MP4)).toBe(true);
  });

  test('serves the last frame as image/png when return_last_frame was asked', async () => {
    const task = await succeededTask(api, { return_last_frame: true });
    const response = await fetch(task.content.last_frame_url);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(bytes.equals(SAMPLE_PNG)).toBe(true);
  });

  test('HEAD answers the headers only', async () => {
    const task = await succeededTask(api);
    const response = await fetch(task.content.video_url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(SAMPLE_MP4.length));
  });

  test('a tampered or missing signature answers 403 AccessDenied (XML)', async () => {
    const task = await succeededTask(api);
    const tampered = task.content.video_url.replace(/X-Tos-Signature=([0-9a-f])/, (_m, c) => `X-Tos-Signature=${c === '0' ? '1' : '0'}`);
    const otherExpiry = task.content.video_url.replace(/X-Tos-Expires=(\d+)/, (_m, ms) => `X-Tos-Expires=${Number(ms) + 1000}`);
    const unsigned = task.content.video_url.split('?')[0];
    for (const url of [tampered, otherExpiry, unsigned]) {
      const response = await fetch(url);
      const text = await response.text();
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/xml');
      expect(text).toContain('<Code>AccessDenied</Code>');
    }
  });

  test('a signature is bound to its path: a video signature does not open another task', async () => {
    const first = await succeededTask(api);
    const second = await succeededTask(api);
    const query = first.content.video_url.split('?')[1];
    const response = await fetch(`${second.content.video_url.split('?')[0]}?${query}`);
    expect(response.status).toBe(403);
  });

  test('an unknown task, or a frame that was not asked for, answers 404', async () => {
    const task = await succeededTask(api);
    const unknown = await fetch(`${sim.mediaBaseUrl}/videos/task_unknown.mp4`);
    const noFrame = await fetch(task.content.video_url.replace('/videos/', '/frames/').replace('.mp4', '.png'));
    const elsewhere = await fetch(`${sim.mediaBaseUrl}/somewhere`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('<Code>NoSuchKey</Code>');
    expect(noFrame.status).toBe(404);
    expect(elsewhere.status).toBe(404);
  });

  test('media requests are recorded apart from API requests, with their headers', async () => {
    const task = await succeededTask(api);
    sim.reset();
    await fetch(task.content.video_url, { headers: { 'X-Probe': 'yes' } });
    expect(sim.requests).toHaveLength(0);
    expect(sim.mediaRequests).toHaveLength(1);
    const [record] = sim.mediaRequests;
    expect(record).toMatchObject({ method: 'GET', path: `/videos/${task.id}.mp4`, status: 200, taskId: task.id, body: null });
    expect(record.headers['x-probe']).toBe('yes');
    expect(record.headers.authorization).toBeUndefined();
    expect(Object.keys(record.query).sort()).toEqual(['X-Tos-Algorithm', 'X-Tos-Expires', 'X-Tos-Signature']);
    expect(sim.stats.maxMediaInFlight).toBe(1);
  });
});

describe('signed link expiry', () => {
  test('a link works until linkTtlMs has passed, then answers 403', async () => {
    const { sim, api } = await startForTest({ queuedMs: 0, taskMs: 0, linkTtlMs: 1000 });
    try {
      const task = await succeededTask(api);
      expect((await fetch(task.content.video_url)).status).toBe(200);
      const expiresAtMs = Number(new URL(task.content.video_url).searchParams.get('X-Tos-Expires'));
      expect(expiresAtMs - sim.getTask(task.id).finishedAtMs).toBe(1000);
      await sleep(expiresAtMs + 30 - Date.now());
      const expired = await fetch(task.content.video_url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('Request has expired');
    } finally {
      await sim.close();
    }
  });
});

describe('large videos', () => {
  test('are the sample followed by one free box, streamed to exactly videoBytes', async () => {
    const videoBytes = 5 * 1024 * 1024 + 3;
    const { sim, api } = await startForTest({ queuedMs: 0, taskMs: 0, videoBytes });
    try {
      const task = await succeededTask(api);
      const head = [];
      let headBytes = 0;
      let nonZeroPadding = 0;
      const result = await download(task.content.video_url, (chunk) => {
        const wanted = SAMPLE_MP4.length + 8;
        if (headBytes < wanted) {
          const piece = chunk.subarray(0, wanted - headBytes);
          head.push(piece);
          headBytes += piece.length;
          chunk = chunk.subarray(piece.length);
        }
        for (const byte of chunk) if (byte !== 0) nonZeroPadding += 1;
      });
      expect(result).toMatchObject({ status: 200, complete: true, bytes: videoBytes });
      expect(result.headers['content-length']).toBe(String(videoBytes));
      const start = Buffer.concat(head);
      expect(start.subarray(0, SAMPLE_MP4.length).equals(SAMPLE_MP4)).toBe(true);
      const box = start.subarray(SAMPLE_MP4.length);
      expect(box.readUInt32BE(0)).toBe(videoBytes - SAMPLE_MP4.length);
      expect(box.subarray(4, 8).toString('latin1')).toBe('free');
      expect(nonZeroPadding).toBe(0);
    } finally {
      await sim.close();
    }
  });

  test('[sim:video_mb=N] sizes one task\'s video; 20 parallel downloads complete', async () => {
    const { sim, api } = await startForTest({ queuedMs: 0, taskMs: 0 });
    try {
      const task = await succeededTask(api, { prompt: 'a cat [sim:video_mb=3]' });
      const results = await Promise.all(Array.from({ length: 20 }, () => download(task.content.video_url)));
      expect(results.every((result) => result.complete && result.bytes === 3 * 1024 * 1024)).toBe(true);
      expect(sim.stats.maxMediaInFlight).toBeGreaterThan(1);
    } finally {
      await sim.close();
    }
  });

  test('a requested size under the sample, or too small for a box, is rounded to a valid file', async () => {
    const { sim, api } = await startForTest({ queuedMs: 0, taskMs: 0 });
    try {
      const tiny = await succeededTask(api, { prompt: 'x [sim:video_bytes=100]' });
      const gap = await succeededTask(api, { prompt: `x [sim:video_bytes=${SAMPLE_MP4.length + 3}]` });
      expect((await download(tiny.content.video_url)).bytes).toBe(SAMPLE_MP4.length);
      expect((await download(gap.content.video_url)).bytes).toBe(SAMPLE_MP4.length + 8);
    } finally {
      await sim.close();
    }
  });
});

describe('mediaRedirect', () => {
  test('a video first answers 302 to /r/... on the media host, which serves it', async () => {
    const { sim, api } = await startForTest({ queuedMs: 0, taskMs: 0, mediaRedirect: true });
    try {
      const task = await succeededTask(api);
      const first = await fetch(task.content.video_url, { redirect: 'manual' });
      expect(first.status).toBe(302);
      const location = /** @type {string} */ (first.headers.get('location'));
      expect(location.startsWith(`${sim.mediaBaseUrl}/r/videos/${task.id}.mp4?`)).toBe(true);
      const followed = await fetch(task.content.video_url);
      expect(followed.status).toBe(200);
      expect(Buffer.from(await followed.arrayBuffer()).equals(SAMPLE_MP4)).toBe(true);
      expect(sim.mediaRequests.map((record) => [record.path, record.status])).toEqual([
        [`/videos/${task.id}.mp4`, 302],
        [`/videos/${task.id}.mp4`, 302],
        [`/r/videos/${task.id}.mp4`, 200],
      ]);
    } finally {
      await sim.close();
    }
  });
});
