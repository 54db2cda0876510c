import type { IDataObject } from 'n8n-workflow';

import { runSeedance } from '../../../helpers/n8nRunner';
import { credentialsFor, withSimulator } from '../../../helpers/simulator';
import { waitForTask } from '../../../../nodes/Seedance/waiting/waitForTask';
import { isFinal } from '../../../../nodes/Seedance/waiting/taskStatus';

const statusReads = (sim: { requests: Array<{ method: string }> }) => sim.requests.filter((r) => r.method === 'GET').length;

describe('waiting for a task (through n8n)', () => {
	it('polls until the task succeeds, reading the status about once per interval', async () => {
		await withSimulator({ queuedMs: 100, taskMs: 2300 }, async (sim) => {
			const started = Date.now();
			const { error, items } = await runSeedance({
				parameters: { operation: 'generate', prompt: 'p', downloadVideo: false, options: { pollInterval: 1 } },
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(items[0].json.status).toBe('succeeded');
			// The task takes 2.4 s: reads at 1, 2, 3 s. ceil(2.4 / 1) + 1 = 4 at the most.
			expect(statusReads(sim)).toBeGreaterThanOrEqual(3);
			expect(statusReads(sim)).toBeLessThanOrEqual(4);
			expect(Date.now() - started).toBeLessThan(4500);
		});
	});

	it.each([
		['failed', { status: 'failed' }, /The task ended failed: OutputVideoSensitiveContentDetected: /],
		['expired', { status: 'expired' }, /The task ended expired: TaskExpired/],
		['an unknown status', { status: 'mystery' }, /The task ended with an unexpected status "mystery"/],
	])('a task that ends %s is an error for its item, with the task ID', async (_, outcome, expected) => {
		await withSimulator({ outcome: () => outcome }, async (sim) => {
			const { error } = await runSeedance({
				parameters: { operation: 'generate', prompt: 'p', options: { pollInterval: 1 } },
				credentials: credentialsFor(sim),
			});
			const taskId = [...sim.tasks.keys()][0];
			expect(error?.message).toMatch(expected);
			expect(error?.message).toContain(`[item 0, task ${taskId}]`);
			expect(sim.mediaRequests).toHaveLength(0);
		});
	});

	it('fails with the task ID when the maximum wait passes', async () => {
		await withSimulator({ outcome: () => ({ stayQueued: true }) }, async (sim) => {
			const started = Date.now();
			const { error } = await runSeedance({
				parameters: { operation: 'generate', prompt: 'p', options: { pollInterval: 1, maxWait: 2 } },
				credentials: credentialsFor(sim),
			});
			const taskId = [...sim.tasks.keys()][0];
			expect(error?.message).toBe(`The task is still queued after the maximum wait of 2 s [item 0, task ${taskId}]`);
			expect(error?.description).toContain(taskId);
			expect(Date.now() - started).toBeLessThan(3500);
		});
	});

	it('or outputs the still-running task when the user chose that', async () => {
		await withSimulator({ outcome: () => ({ stayRunning: true }), queuedMs: 0 }, async (sim) => {
			const { error, items } = await runSeedance({
				parameters: { operation: 'generate', prompt: 'p', options: { pollInterval: 1, maxWait: 1, onTimeout: 'output' } },
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ taskId: [...sim.tasks.keys()][0], status: 'running', videoUrl: null });
			expect(items[0].binary).toBeUndefined();
		});
	});

	it('Wait for Task waits on a task created elsewhere', async () => {
		await withSimulator({ queuedMs: 0, taskMs: 1200 }, async (sim) => {
			const created = await runSeedance({
				parameters: { operation: 'generate', prompt: 'p', waitForCompletion: false },
				credentials: credentialsFor(sim),
			});
			const taskId = created.items[0].json.taskId as string;
			expect(created.items[0].json.status).toBe('queued');
			const waited = await runSeedance({
				parameters: { operation: 'wait', taskId, downloadVideo: false, options: { pollInterval: 1 } },
				credentials: credentialsFor(sim),
			});
			expect(waited.error).toBeUndefined();
			expect(waited.items[0].json).toMatchObject({ taskId, status: 'succeeded' });
		});
	});
});

describe('waitForTask', () => {
	const running = (id = 't'): IDataObject => ({ id, status: 'running' });
	/** A source that yields the given states, one per `everyMs`. */
	const source = (states: IDataObject[], everyMs: number) => {
		const log = { reads: 0, stopped: false };
		return {
			log,
			nextState: async () => {
				await new Promise((resolve) => setTimeout(resolve, everyMs).unref());
				log.reads++;
				return states[Math.min(log.reads - 1, states.length - 1)];
			},
			readNow: async () => {
				log.reads++;
				return { ...states[Math.min(log.reads - 1, states.length - 1)], readNow: true };
			},
			stop: () => void (log.stopped = true),
		};
	};
	const settings = { maxWaitMs: 10_000, signal: undefined, cancelled: () => new Error('cancelled') };

	it('treats every status but queued and running as final', () => {
		expect(['queued', 'running'].map(isFinal)).toEqual([false, false]);
		expect(['succeeded', 'failed', 'expired', 'cancelled', 'weird', undefined].map(isFinal)).toEqual([
			true,
			true,
			true,
			true,
			true,
			true,
		]);
	});

	it('follows the task until a final status, and stops its source', async () => {
		const states = source([running(), running(), { id: 't', status: 'succeeded' }], 10);
		const result = await waitForTask(states, settings, { id: 't', status: 'queued' });
		expect(result).toEqual({ task: { id: 't', status: 'succeeded' }, timedOut: false, polls: 3 });
		expect(states.log.stopped).toBe(true);
	});

	it('an unknown status ends the wait instead of spinning for ever', async () => {
		const states = source([{ id: 't', status: 'paused-by-provider' }], 10);
		const result = await waitForTask(states, settings, running());
		expect(result.polls).toBe(1);
		expect(result.task.status).toBe('paused-by-provider');
	});

	it('stops at once when the execution is cancelled, with the caller\'s error', async () => {
		const controller = new AbortController();
		const states = source([running()], 60_000);
		const started = Date.now();
		const waiting = waitForTask(states, { ...settings, signal: controller.signal, cancelled: () => new Error('cancelled by user') }, running());
		setTimeout(() => controller.abort(), 100);
		await expect(waiting).rejects.toThrow('cancelled by user');
		expect(Date.now() - started).toBeLessThan(1000);
		expect(states.log.stopped).toBe(true);
	});

	it('reads the task once more when the maximum wait passes, and reports that state', async () => {
		const states = source([{ id: 't', status: 'running', seen: 1 }, { id: 't', status: 'running', seen: 2 }, { id: 't', status: 'running', seen: 3 }], 400);
		const started = Date.now();
		const result = await waitForTask(states, { ...settings, maxWaitMs: 1000 }, { id: 't', status: 'queued' });
		expect(result).toEqual({ task: { id: 't', status: 'running', seen: 3, readNow: true }, timedOut: true, polls: 3 });
		expect(Date.now() - started).toBeGreaterThanOrEqual(990);
		expect(Date.now() - started).toBeLessThan(1300);
	});

	it('a task that finished just at the deadline counts as finished', async () => {
		const finishedNow = {
			nextState: async () => await new Promise<IDataObject>(() => undefined),
			readNow: async () => ({ id: 't', status: 'succeeded' }),
			stop: () => undefined,
		};
		const result = await waitForTask(finishedNow, { ...settings, maxWaitMs: 200 }, running());
		expect(result).toEqual({ task: { id: 't', status: 'succeeded' }, timedOut: false, polls: 1 });
	});
});
