import { PNG_1X1 } from '../../../helpers/media';
import { runSeedance } from '../../../helpers/n8nRunner';
import { createRequests, credentialsFor, withSimulator } from '../../../helpers/simulator';
import { usesContentPrompt } from '../../../../nodes/Seedance/mapping/createRequest';

/** Generate without waiting: one create request, whose body is what these tests read. */
const noWait = { operation: 'generate', waitForCompletion: false };

describe('Generate Video: parameters -> request body', () => {
	it('sends only model and prompt when nothing else is set (no invented defaults)', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: { ...noWait, prompt: 'A red fox in snow' },
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(createRequests(sim).map((request) => request.body)).toEqual([
				{ model: 'doubao-seedance-1-0-pro-250528', prompt: 'A red fox in snow' },
			]);
		});
	});

	it('sends every video setting under its API name, with its JSON type', async () => {
		const videoSettings = {
			duration: 8,
			resolution: '1080p',
			ratio: '21:9',
			generate_audio: false,
			seed: 42,
			watermark: true,
			camera_fixed: true,
			return_last_frame: true,
			service_tier: 'flex',
		};
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: { ...noWait, prompt: 'p', videoSettings },
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			const [{ body }] = createRequests(sim);
			expect(body).toEqual({ model: 'doubao-seedance-1-0-pro-250528', prompt: 'p', ...videoSettings });
			expect(typeof body.duration).toBe('number');
			expect(typeof body.seed).toBe('number');
			expect(typeof body.generate_audio).toBe('boolean');
			expect(typeof body.camera_fixed).toBe('boolean');
		});
	});

	it('sends every advanced API field under its API name, with JSON types (numbers, booleans, arrays)', async () => {
		const additionalFields = {
			function_mode: 'omni_reference',
			image_url: 'https://example.com/a.png',
			image_urls: ['https://example.com/b.png', 'https://example.com/c.png'],
			input_reference: 'https://example.com/ref.png',
			end_image_url: 'https://example.com/end.png',
			video_urls: ['https://example.com/v.mp4'],
			audio_urls: ['https://example.com/a.mp3'],
			seconds: 8,
			aspect_ratio: '9:16',
			size: '1280x720',
			quality: 'high',
			fps: 24,
			callback_url: 'https://hooks.example.com/seedance',
			execution_expires_after: 7200,
			draft: false,
			frames: 121,
		};
		await withSimulator({ callbackEnabled: false }, async (sim) => {
			const { error } = await runSeedance({
				parameters: { ...noWait, model: 'doubao-seedance-2-0-260128', prompt: 'p', additionalFields },
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			const [{ body }] = createRequests(sim);
			expect(body).toEqual({ model: 'doubao-seedance-2-0-260128', prompt: 'p', ...additionalFields });
			expect(typeof body.seconds).toBe('number');
			expect(typeof body.draft).toBe('boolean');
			expect(Array.isArray(body.image_urls)).toBe(true);
		});
	});

	it('keeps content items in order and in the documented shapes', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: {
					...noWait,
					prompt: 'image 1 turns into video 2',
					content: {
						item: [
							{ type: 'image', url: 'https://example.com/first.png', role: 'first_frame', name: '1' },
							{ type: 'text', text: 'extra words' },
							{ type: 'video', url: 'https://example.com/ref.mp4', role: 'reference_video', name: '2' },
							{ type: 'audio', url: 'https://example.com/ref.mp3', role: 'reference_audio' },
							{ type: 'image', url: 'https://example.com/last.png', role: 'last_frame' },
							{ type: 'draft_task', draftTaskId: 'cgt-draft-1' },
						],
					},
				},
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(createRequests(sim)[0].body.content).toEqual([
				{ type: 'image_url', image_url: { url: 'https://example.com/first.png' }, role: 'first_frame', name: '1' },
				{ type: 'text', text: 'extra words' },
				{ type: 'video_url', video_url: { url: 'https://example.com/ref.mp4' }, role: 'reference_video', name: '2' },
				{ type: 'audio_url', audio_url: { url: 'https://example.com/ref.mp3' }, role: 'reference_audio' },
				{ type: 'image_url', image_url: { url: 'https://example.com/last.png' }, role: 'last_frame' },
				{ type: 'draft_task', draft_task: { id: 'cgt-draft-1' } },
			]);
		});
	});

	it('sends an image from the input item\'s binary field as a data URL', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: {
					...noWait,
					prompt: 'animate this',
					content: { item: [{ type: 'image', source: 'binary', binaryPropertyName: 'upload', role: 'first_frame' }] },
				},
				items: [{ json: {}, binary: { upload: { data: PNG_1X1.toString('base64'), mimeType: 'image/png', fileName: 'a.png' } } }],
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			expect(createRequests(sim)[0].body.content).toEqual([
				{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1X1.toString('base64')}` }, role: 'first_frame' },
			]);
		});
	});

	it('takes a custom model ID (Ark endpoint IDs, BytePlus names)', async () => {
		await withSimulator({}, async (sim) => {
			await runSeedance({
				parameters: { ...noWait, model: 'custom', customModel: ' ep-20250101000000-abcde ', prompt: 'p' },
				credentials: credentialsFor(sim),
			});
			expect(createRequests(sim)[0].body.model).toBe('ep-20250101000000-abcde');
		});
	});

	it('merges the extra body last, over the mapped fields', async () => {
		await withSimulator({}, async (sim) => {
			await runSeedance({
				parameters: {
					...noWait,
					prompt: 'p',
					additionalFields: { duration: 5, extraBody: '{"duration": 10, "future_field": {"a": [1, 2]}}' },
				},
				credentials: credentialsFor(sim),
			});
			expect(createRequests(sim)[0].body).toMatchObject({ duration: 10, future_field: { a: [1, 2] } });
			expect(createRequests(sim)[0].body).not.toHaveProperty('extraBody');
		});
	});

	it('puts the prompt first in content[] (and no prompt field) when told to, as Ark expects', async () => {
		await withSimulator({ flavour: 'ark' }, async (sim) => {
			const { error } = await runSeedance({
				parameters: {
					...noWait,
					prompt: 'A fox',
					content: { item: [{ type: 'image', url: 'https://example.com/a.png' }] },
					options: { promptPlacement: 'contentText' },
				},
				credentials: credentialsFor(sim),
			});
			expect(error).toBeUndefined();
			const [{ body }] = createRequests(sim);
			expect(body).not.toHaveProperty('prompt');
			expect(body.content).toEqual([
				{ type: 'text', text: 'A fox' },
				{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
			]);
		});
	});

	it('chooses the prompt placement from the base URL host', () => {
		expect(usesContentPrompt('auto', 'https://ark.cn-beijing.volces.com')).toBe(true);
		expect(usesContentPrompt('auto', 'https://ark.ap-southeast.bytepluses.com/')).toBe(true);
		expect(usesContentPrompt('auto', 'https://api.aiid.edu.kg')).toBe(false);
		expect(usesContentPrompt('auto', 'https://evil-volces.com.example.org')).toBe(false);
		expect(usesContentPrompt('promptField', 'https://ark.cn-beijing.volces.com')).toBe(false);
		expect(usesContentPrompt('contentText', 'https://api.aiid.edu.kg')).toBe(true);
	});

	it('works with a base URL that ends in a slash', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: { ...noWait, prompt: 'p' },
				credentials: { ...credentialsFor(sim), baseUrl: `${sim.baseUrl}//` },
			});
			expect(error).toBeUndefined();
			expect(createRequests(sim)[0].path).toBe('/api/v3/contents/generations/tasks');
		});
	});
});
