'use strict';

const path = require('node:path');
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { MODEL, TASKS_PATH, apiClient, waitForStatus, startForTest } = require('./helpers');

const CLI = path.join(__dirname, '../../simulator/cli.js');

/**
 * Starts the CLI and waits for its JSON announcement line.
 * @param {string[]} args
 */
async function startCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const announcement = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${stderr}`)));
  });
  return { child, announcement };
}

/**
 * @param {string} url
 * @param {RequestInit} [init]
 */
async function json(url, init) {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

describe('cli', () => {
  test('prints where it listens, serves the API with its options and the admin endpoints, and stops on SIGTERM', async () => {
    const { child, announcement } = await startCli(['--flavour', 'ark', '--api-key', 'cli-key', '--queued-ms', '0', '--task-ms', '30']);
    try {
      expect(Object.keys(announcement)).toEqual(['baseUrl', 'mediaBaseUrl', 'adminUrl']);
      expect(announcement.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(announcement.mediaBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const api = apiClient(/** @type {any} */ ({ baseUrl: announcement.baseUrl, apiKey: 'cli-key' }));
      const created = await api.create({ model: MODEL, prompt: 'a cat' });
      expect(created.body.id).toMatch(/^cgt-/);
      const task = await waitForStatus(api, created.body.id, 'succeeded');
      expect((await fetch(task.content.video_url)).status).toBe(200);

      const requests = await json(`${announcement.adminUrl}/requests`);
      expect(requests.status).toBe(200);
      expect(requests.body[0]).toMatchObject({ method: 'POST', path: TASKS_PATH, status: 200, body: { model: MODEL, prompt: 'a cat' } });
      expect(requests.body[0].headers.authorization).toBe('Bearer cli-key');
      const countBefore = requests.body.length;
      expect((await json(`${announcement.adminUrl}/requests`)).body).toHaveLength(countBefore);

      expect((await json(`${announcement.adminUrl}/media-requests`)).body).toHaveLength(1);
      expect((await json(`${announcement.adminUrl}/stats`)).body).toMatchObject({ creates: 1, tasksCreated: 1 });
      expect((await json(`${announcement.adminUrl}/tasks`)).body[0]).toMatchObject({ id: created.body.id, status: 'succeeded' });
      expect((await json(`${announcement.adminUrl}/callbacks`)).body).toEqual([]);

      const fault = await json(`${announcement.adminUrl}/faults`, {
        method: 'POST',
        body: JSON.stringify({ match: { method: 'POST', pathRegex: 'tasks$' }, kind: 'status', status: 503, times: 1 }),
      });
      expect(fault.body.id).toEqual(expect.any(Number));
      expect((await api.create({ model: MODEL, prompt: 'a cat' })).status).toBe(503);
      expect((await api.create({ model: MODEL, prompt: 'a cat' })).status).toBe(200);

      expect((await json(`${announcement.adminUrl}/reset`, { method: 'POST' })).body).toEqual({ ok: true });
      expect((await json(`${announcement.adminUrl}/requests`)).body).toEqual([]);
      expect((await json(`${announcement.adminUrl}/nothing`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  test('a bad flag exits with an error', async () => {
    const child = spawn(process.execPath, [CLI, '--no-such-flag'], { stdio: 'ignore' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
  });
});

describe('admin option in process', () => {
  test('without admin, /__sim/* is an ordinary (recorded, authenticated) API path', async () => {
    const { sim } = await startForTest();
    try {
      const response = await fetch(`${sim.baseUrl}/__sim/stats`);
      expect(response.status).toBe(401);
      expect(sim.requests).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });

  test('with admin: true, admin calls need no key, are not recorded and not rate limited', async () => {
    const { sim, api } = await startForTest({ admin: true, rateLimitPerMinute: 1 });
    try {
      for (let i = 0; i < 3; i += 1) expect((await fetch(`${sim.baseUrl}/__sim/stats`)).status).toBe(200);
      expect(sim.requests).toHaveLength(0);
      expect((await api.get('task_x')).status).toBe(404);
      expect((await api.get('task_x')).status).toBe(429);
      const faults = await fetch(`${sim.baseUrl}/__sim/faults`, { method: 'POST', body: '{"kind":"nope"}' });
      expect(faults.status).toBe(400);
    } finally {
      await sim.close();
    }
  });
});
