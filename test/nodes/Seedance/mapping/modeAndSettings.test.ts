import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runSeedance } from '../../../helpers/n8nRunner';
import { createRequests, credentialsFor, withSimulator } from '../../../helpers/simulator';

/** Generate without waiting: one create request, whose body is what these tests read. */
const generate = (extra: INodeParameters): INodeParameters => ({
	operation: 'generate',
	waitForCompletion: false,
	prompt: 'p',
	...extra,
});

/** The body of the one create request a run with these parameters sends. */
async function bodyFor(parameters: INodeParameters): Promise<IDataObject> {
	return await withSimulator({ callbackEnabled: false }, async (sim) => {
		const { error } = await runSeedance({ parameters: generate(parameters), credentials: credentialsFor(sim) });
		expect(error).toBeUndefined();
		const requests = createRequests(sim);
		expect(requests).toHaveLength(1);
		return requests[0].body as IDataObject;
	});
}

const MODEL = 'doubao-seedance-1-0-pro-250528';

describe('Generate Video: Mode, Video Settings and Advanced API Fields', () => {
	it('Mode Auto (the default) sends no mode', async () => {
		expect(await bodyFor({})).toEqual({ model: MODEL, prompt: 'p' });
		expect(await bodyFor({ mode: '' })).toEqual({ model: MODEL, prompt: 'p' });
	});

	it('a chosen Mode is sent as mode', async () => {
		expect(await bodyFor({ mode: 'i2v_first_last' })).toEqual({ model: MODEL, prompt: 'p', mode: 'i2v_first_last' });
	});

	it('Mode Omni Reference is sent as function_mode, not as mode', async () => {
		expect(await bodyFor({ mode: 'omni_reference' })).toEqual({ model: MODEL, prompt: 'p', function_mode: 'omni_reference' });
	});

	it('never sends a field that was not added, nor an empty collection', async () => {
		expect(await bodyFor({ videoSettings: {}, additionalFields: {} })).toEqual({ model: MODEL, prompt: 'p' });
	});

	it('sends a falsy setting that was added (false, 0, -1) with its JSON type', async () => {
		const body = await bodyFor({ videoSettings: { watermark: false, seed: -1, camera_fixed: false } });
		expect(body).toEqual({ model: MODEL, prompt: 'p', watermark: false, seed: -1, camera_fixed: false });
	});

	it('still sends the values an older version saved in Additional Fields (now Advanced API Fields)', async () => {
		const body = await bodyFor({ additionalFields: { duration: 5, ratio: 'adaptive', resolution: '1080p', mode: 'i2v', return_last_frame: true } });
		expect(body).toEqual({ model: MODEL, prompt: 'p', duration: 5, ratio: 'adaptive', resolution: '1080p', mode: 'i2v', return_last_frame: true });
	});

	it('prefers the new place when a setting is set both there and where an older version kept it', async () => {
		const body = await bodyFor({
			mode: 't2v',
			videoSettings: { duration: 10, ratio: '9:16' },
			additionalFields: { duration: 5, ratio: '16:9', mode: 'i2v', watermark: true },
		});
		expect(body).toEqual({ model: MODEL, prompt: 'p', mode: 't2v', duration: 10, ratio: '9:16', watermark: true });
	});

	it('merges the extra body (Advanced API Fields) last', async () => {
		const body = await bodyFor({ videoSettings: { duration: 5 }, additionalFields: { extraBody: '{"duration": 12, "priority": 3}' } });
		expect(body).toEqual({ model: MODEL, prompt: 'p', duration: 12, priority: 3 });
	});
});

describe('Generate Video: two fields that mean the same thing', () => {
	const conflicts: Array<[string, INodeParameters, RegExp]> = [
		[
			'Duration and Seconds',
			{ videoSettings: { duration: 5 }, additionalFields: { seconds: 5 } },
			/^Advanced API Fields → Seconds \(Alias of Duration\): means the same as Video Settings → Duration; set only one of them \[item 0\]$/,
		],
		[
			'Aspect Ratio and aspect_ratio',
			{ videoSettings: { ratio: '16:9' }, additionalFields: { aspect_ratio: '16:9' } },
			/^Advanced API Fields → Aspect Ratio \(Alias\): means the same as Video Settings → Aspect Ratio/,
		],
		[
			'Resolution and Size',
			{ videoSettings: { resolution: '720p' }, additionalFields: { size: '1280x720' } },
			/^Advanced API Fields → Size .*: means the same as Video Settings → Resolution/,
		],
		[
			'End Image URL and Last Image URL',
			{ additionalFields: { end_image_url: 'https://example.com/a.png', last_image_url: 'https://example.com/a.png' } },
			/^Advanced API Fields → Last Image URL .*: means the same as Advanced API Fields → End Image URL/,
		],
		[
			'Mode Omni Reference and Function Mode',
			{ mode: 'omni_reference', additionalFields: { function_mode: 'omni_reference' } },
			/^Advanced API Fields → Function Mode: means the same as Mode → Omni Reference/,
		],
		[
			'an older saved duration and Seconds',
			{ additionalFields: { duration: 5, seconds: 5 } },
			/Seconds \(Alias of Duration\): means the same as Video Settings → Duration/,
		],
	];

	it.each(conflicts)('refuses %s before any request, naming the item', async (_name, parameters, expected) => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: generate(parameters),
				items: [{ json: {} }, { json: {} }],
				credentials: credentialsFor(sim),
			});
			expect(error?.message).toMatch(expected);
			expect(createRequests(sim)).toEqual([]);
		});
	});

	it('takes another function_mode beside an ordinary Mode', async () => {
		expect(await bodyFor({ mode: 'i2v', additionalFields: { function_mode: 'other' } })).toEqual({
			model: MODEL,
			prompt: 'p',
			mode: 'i2v',
			function_mode: 'other',
		});
	});
});
