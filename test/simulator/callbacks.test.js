'use strict';

const { MODEL, waitFor, waitForStatus, startForTest, startCallbackReceiver } = require('./helpers');

describe('callback_url', () => {
  /** @type {Awaited<ReturnType<typeof startCallbackReceiver>>} */
  let receiver;

  beforeEach(async () => {
    receiver = await startCallbackReceiver();
  });
  afterEach(() => receiver.close());

  test('the task object is POSTed on every status change, in order, shaped like GET', async () => {
    const { sim, api } = await startForTest({ flavour: 'ark', queuedMs: 20, taskMs: 30 });
    try {
      const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat', callback_url: receiver.url });
      const finalTask = await waitForStatus(api, id, 'succeeded');
      await sim.callbacksSettled();
      expect(receiver.received.map((call) => call.body.status)).toEqual(['queued', 'running', 'succeeded']);
      expect(receiver.received.every((call) => call.path === '/hook')).toBe(true);
      expect(receiver.received[0].headers['content-type']).toBe('application/json');
      expect(receiver.received[0].headers.authorization).toBeUndefined();
      expect(receiver.received[2].body).toEqual(finalTask);
      expect(receiver.received[0].body).not.toHaveProperty('content');

      expect(sim.callbacks.map((call) => [call.taskId, call.taskStatus, call.httpStatus, call.error])).toEqual([
        [id, 'queued', 200, null],
        [id, 'running', 200, null],
        [id, 'succeeded', 200, null],
      ]);
      expect(sim.callbacks[0].url).toBe(receiver.url);
    } finally {
      await sim.close();
    }
  });

  test('a cancelled task reports cancelled; a failing receiver is recorded with its status', async () => {
    const failingReceiver = await startCallbackReceiver(500);
    const { sim, api } = await startForTest({ flavour: 'ark' });
    try {
      const { body: { id } } = await api.create({ model: MODEL, prompt: 'x [sim:stay_queued]', callback_url: failingReceiver.url });
      await api.remove(id);
      await waitFor(() => sim.callbacks.length === 2 && sim.callbacks[1].httpStatus !== null, { what: 'two callbacks' });
      expect(failingReceiver.received.map((call) => call.body.status)).toEqual(['queued', 'cancelled']);
      expect(sim.callbacks.map((call) => call.httpStatus)).toEqual([500, 500]);
    } finally {
      await sim.close();
      await failingReceiver.close();
    }
  });

  test('an unreachable receiver is recorded with an error', async () => {
    const { sim, api } = await startForTest({ queuedMs: 10_000 });
    try {
      await receiver.close();
      await api.create({ model: MODEL, prompt: 'a cat', callback_url: receiver.url });
      await sim.callbacksSettled();
      expect(sim.callbacks).toHaveLength(1);
      expect(sim.callbacks[0].httpStatus).toBeNull();
      expect(sim.callbacks[0].error).toMatch(/ECONNREFUSED|closed/);
    } finally {
      await sim.close();
    }
  });

  test('a non-loopback callback_url is recorded but never called', async () => {
    const { sim, api } = await startForTest({ queuedMs: 10_000 });
    try {
      await api.create({ model: MODEL, prompt: 'a cat', callback_url: 'http://example.com/hook' });
      await sim.callbacksSettled();
      expect(sim.callbacks).toHaveLength(1);
      expect(sim.callbacks[0]).toMatchObject({ url: 'http://example.com/hook', httpStatus: null });
      expect(sim.callbacks[0].error).toContain('loopback');
    } finally {
      await sim.close();
    }
  });

  test('callbackEnabled: false sends nothing', async () => {
    const { sim, api } = await startForTest({ queuedMs: 0, taskMs: 0, callbackEnabled: false });
    try {
      const { body: { id } } = await api.create({ model: MODEL, prompt: 'a cat', callback_url: receiver.url });
      await waitForStatus(api, id, 'succeeded');
      await sim.callbacksSettled();
      expect(receiver.received).toHaveLength(0);
      expect(sim.callbacks).toHaveLength(0);
    } finally {
      await sim.close();
    }
  });
});
