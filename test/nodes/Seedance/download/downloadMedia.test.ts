import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { binaryBuffer, runSeedance } from '../../../helpers/n8nRunner';
import { API_KEY, credentialsFor, withSimulator } from '../../../helpers/simulator';

const SAMPLE_MP4 = readFileSync(join(__dirname, '../../../../simulator/media/sample.mp4'));
const SAMPLE_PNG = readFileSync(join(__dirname, '../../../../simulator/media/sample.png'));
const generate = { operation: 'generate', prompt: 'p', options: { pollInterval: 1 } };

describe('downloading the finished video', () => {
	it('puts the video into binary data with the task ID as file name and video/mp4 as MIME type', async () => {
		await withSimulator({}, async (sim) => {
			const { error, items } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			const taskId = items[0].json.taskId as string;
			expect(items[0].binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${taskId}.mp4`, fileExtension: 'mp4' });
			expect(binaryBuffer(items[0]).equals(SAMPLE_MP4)).toBe(true);
		});
	});

	it('uses the binary field name the user chose, and adds the last frame when asked', async () => {
		await withSimulator({}, async (sim) => {
			const { error, items } = await runSeedance({
				parameters: {
					...generate,
					additionalFields: { return_last_frame: true },
					options: { pollInterval: 1, binaryPropertyName: 'video', downloadLastFrame: true, lastFrameBinaryPropertyName: 'frame' },
				},
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(Object.keys(items[0].binary ?? {}).sort()).toEqual(['frame', 'video']);
			expect(binaryBuffer(items[0], 'video').equals(SAMPLE_MP4)).toBe(true);
			expect(binaryBuffer(items[0], 'frame').equals(SAMPLE_PNG)).toBe(true);
			expect(items[0].binary?.frame.mimeType).toBe('image/png');
		});
	});

	it('downloads a large video whole (5 MB)', async () => {
		await withSimulator({ videoBytes: 5 * 1024 * 1024 }, async (sim) => {
			const { error, items } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			const video = binaryBuffer(items[0]);
			expect(video.length).toBe(5 * 1024 * 1024);
			expect(video.subarray(0, SAMPLE_MP4.length).equals(SAMPLE_MP4)).toBe(true);
		});
	});

	it('never sends the API key to the media host, not even across a redirect', async () => {
		await withSimulator({ mediaRedirect: true }, async (sim) => {
			const { error, items } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(binaryBuffer(items[0]).equals(SAMPLE_MP4)).toBe(true);
			expect(sim.mediaRequests.length).toBeGreaterThanOrEqual(2);
			for (const request of sim.mediaRequests) {
				expect(request.headers.authorization).toBeUndefined();
				expect(JSON.stringify(request)).not.toContain(API_KEY);
			}
			expect(sim.requests.every((request) => request.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
		});
	});

	it('says an expired link (403) expired, with the task ID', async () => {
		await withSimulator({ linkTtlMs: 1 }, async (sim) => {
			const { error } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim) });
			const taskId = [...sim.tasks.keys()][0];
			expect(error?.message).toMatch(/^The download link was refused, most likely because it expired .*\(HTTP 403\)/);
			expect(error?.message).toContain(`task ${taskId}`);
		});
	});

	it('passes on no truncated file when the connection is cut half-way (and retries it)', async () => {
		await withSimulator({ videoBytes: 2 * 1024 * 1024 }, async (sim) => {
			sim.injectFault({ kind: 'truncate', match: { target: 'media' }, times: 3 });
			const { error, items } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim) });
			expect(items).toEqual([]);
			expect(error?.message).toMatch(/^Could not complete downloading the video: the download (broke off|ended after)/);
			expect(error?.description).toContain('Gave up after 3 attempts');
			expect(sim.mediaRequests).toHaveLength(3);
		});
	});

	it('recovers when only the first download attempt is cut', async () => {
		await withSimulator({ videoBytes: 1024 * 1024 }, async (sim) => {
			sim.injectFault({ kind: 'truncate', match: { target: 'media' }, times: 1 });
			const { error, items } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim) });
			expect(error).toBeUndefined();
			expect(binaryBuffer(items[0]).length).toBe(1024 * 1024);
		});
	});

	it('refuses a file of the wrong content type', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'contentType', match: { target: 'media' }, contentType: 'text/html' });
			const { error } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim) });
			expect(error?.message).toMatch(/a "text\/html" file where a video was expected/);
		});
	});

	it('reports a missing file (404) as not found', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'status', status: 404, match: { target: 'media' } });
			const { error } = await runSeedance({ parameters: generate, credentials: credentialsFor(sim) });
			expect(error?.message).toMatch(/^The video file was not found \(HTTP 404\)/);
		});
	});

	it('does not download when Download Video is off', async () => {
		await withSimulator({}, async (sim) => {
			const { items } = await runSeedance({ parameters: { ...generate, downloadVideo: false }, credentials: credentialsFor(sim) });
			expect(items[0].binary).toBeUndefined();
			expect(items[0].json.videoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/videos\//);
			expect(sim.mediaRequests).toHaveLength(0);
		});
	});
});

describe('a file n8n refuses to store', () => {
	it('fails at once, naming the store\'s reason, instead of "the download broke off" three times', async () => {
		const { Readable } = await import('node:stream');
		const { downloadMedia } = await import('../../../../nodes/Seedance/download/downloadMedia');
		const { RateGate } = await import('../../../../nodes/Seedance/transport/rateGate');
		const { RequestBudget } = await import('../../../../nodes/Seedance/transport/requestBudget');
		const { ConcurrencyLimit } = await import('../../../../nodes/Seedance/transport/concurrencyLimit');
		let downloads = 0;
		const ctx = {
			helpers: {
				httpRequest: async () => {
					downloads++;
					return { statusCode: 200, headers: { 'content-type': 'video/mp4' }, body: Readable.from([Buffer.from('mp4')]) };
				},
				prepareBinaryData: async () => {
					throw new Error('Binary data exceeds the maximum size of 40 MiB');
				},
			},
		};
		const transport = {
			connection: { skipSslCertificateValidation: false, timeoutMs: 1000 },
			limiter: new ConcurrencyLimit(1),
			gate: new RateGate(),
			budget: new RequestBudget(),
			rateLimitPatienceMs: 1000,
			signal: undefined,
			requestFailed: (failure: unknown, attempts: number) => Object.assign(new Error('failed'), { failure, attempts }),
			cancelled: () => new Error('cancelled'),
		};
		const failed = await downloadMedia(ctx as never, { url: 'http://127.0.0.1:1/v.mp4', fileName: 'v.mp4', kind: 'video' }, transport).catch(
			(error: { failure: { kind: string; message: string }; attempts: number }) => error,
		);
		expect(failed).toMatchObject({
			attempts: 1,
			failure: { kind: 'badBody', message: 'a file n8n could not store: Binary data exceeds the maximum size of 40 MiB' },
		});
		expect(downloads).toBe(1);
	});
});
