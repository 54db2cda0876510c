import { runSeedance } from '../../../helpers/n8nRunner';
import { credentialsFor, withSimulator } from '../../../helpers/simulator';
import { simplifyTask, toIsoTime } from '../../../../nodes/Seedance/output/taskOutput';

describe('output for downstream nodes', () => {
	it('simplifies a task into one flat item with ISO times', () => {
		expect(
			simplifyTask({
				id: 'cgt-1',
				model: 'm',
				status: 'succeeded',
				error: null,
				content: { video_url: 'https://v/1.mp4', last_frame_url: 'https://v/1.png' },
				seed: 10,
				resolution: '720p',
				ratio: '16:9',
				duration: 5,
				usage: { completion_tokens: 1, total_tokens: 1 },
				created_at: 1743414619,
				updated_at: '1743414673',
			}),
		).toEqual({
			taskId: 'cgt-1',
			status: 'succeeded',
			model: 'm',
			videoUrl: 'https://v/1.mp4',
			lastFrameUrl: 'https://v/1.png',
			errorCode: null,
			errorMessage: null,
			usage: { completion_tokens: 1, total_tokens: 1 },
			duration: 5,
			resolution: '720p',
			ratio: '16:9',
			seed: 10,
			createdAt: '2025-03-31T09:50:19.000Z',
			updatedAt: '2025-03-31T09:51:13.000Z',
		});
		expect(toIsoTime(undefined)).toBeNull();
	});

	it('with Continue On Fail, a failed task outputs the error and its task ID, paired to its input', async () => {
		await withSimulator({ outcome: (body: { prompt?: string }) => (body.prompt === 'bad' ? { status: 'failed' } : undefined) }, async (sim) => {
			const { error, items } = await runSeedance({
				parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', downloadVideo: false, options: { pollInterval: 1 } },
				items: [{ json: { prompt: 'good' } }, { json: { prompt: 'bad' } }, { json: { prompt: 'good too' } }],
				credentials: credentialsFor(sim),
				continueOnFail: true,
			});
			expect(error).toBeUndefined();
			const failedTask = [...sim.tasks.values()].find((task) => task.plan?.status === 'failed' || sim.taskObject(task.id).status === 'failed');
			expect(items[1].json).toMatchObject({
				error: expect.stringMatching(/^The task ended failed: OutputVideoSensitiveContentDetected/),
				taskId: failedTask.id,
			});
			expect(items[0].json.status).toBe('succeeded');
			expect(items[2].json.status).toBe('succeeded');
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		});
	});

	it('a create without waiting outputs the new task ID at once', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const { items } = await runSeedance({
				parameters: { operation: 'generate', prompt: 'p', waitForCompletion: false },
				credentials: credentialsFor(sim),
			});
			expect(items[0].json.taskId).toMatch(/^cgt-\d{14}-\w+$/);
			expect(sim.requests).toHaveLength(1);
		});
	});
});
