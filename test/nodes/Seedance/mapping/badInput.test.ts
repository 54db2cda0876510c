import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { PNG_1X1 } from '../../../helpers/media';
import { runSeedance } from '../../../helpers/n8nRunner';
import { credentialsFor, withSimulator } from '../../../helpers/simulator';

const generate = (extra: INodeParameters): INodeParameters => ({ operation: 'generate', prompt: 'A fox', ...extra });

interface BadInputCase {
	name: string;
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	/** Words the error message must contain: the field, the problem. */
	expected: RegExp;
}

const png = (bytes: Buffer, mimeType = 'image/png') => ({ data: bytes.toString('base64'), mimeType, fileName: 'x' });

const cases: BadInputCase[] = [
	{ name: 'prompt from an expression that is empty', parameters: generate({ prompt: '={{ $json.missing ?? "" }}' }), expected: /^Prompt: is empty \[item 0\]/ },
	{ name: 'whitespace prompt', parameters: generate({ prompt: '  \n\t ' }), expected: /^Prompt: is empty/ },
	{ name: 'empty custom model', parameters: generate({ model: 'custom', customModel: '   ' }), expected: /^Model: is empty/ },
	{
		name: 'content item without URL',
		parameters: generate({ content: { item: [{ type: 'video', url: '' }] } }),
		expected: /^Content 1: the video URL is empty/,
	},
	{
		name: 'content text item without text',
		parameters: generate({ content: { item: [{ type: 'text', text: ' ' }] } }),
		expected: /^Content 1: the text is empty/,
	},
	{
		name: 'URL that is not http(s)',
		parameters: generate({ content: { item: [{ type: 'image', url: 'https://ok.example/a.png' }, { type: 'image', url: 'ftp://example.com/a.png' }] } }),
		expected: /^Content 2: "ftp:\/\/example.com\/a.png" is not an http\(s\) URL or a data: URL/,
	},
	{
		name: 'file: URL',
		parameters: generate({ content: { item: [{ type: 'audio', url: 'file:///etc/passwd' }] } }),
		expected: /^Content 1: .* is not an http\(s\) URL/,
	},
	{
		name: 'data URL for a video (only images may be data URLs)',
		parameters: generate({ content: { item: [{ type: 'video', url: 'data:video/mp4;base64,AAAA' }] } }),
		expected: /^Content 1: .* is not an http\(s\) URL/,
	},
	{
		name: 'missing binary property',
		parameters: generate({ content: { item: [{ type: 'image', source: 'binary', binaryPropertyName: 'photo' }] } }),
		expected: /^Content 1: the input item has no binary field "photo"/,
	},
	{
		name: 'binary property that is not an image',
		parameters: generate({ content: { item: [{ type: 'image', source: 'binary', binaryPropertyName: 'data' }] } }),
		items: [{ json: {}, binary: { data: png(Buffer.from('%PDF-1.4'), 'application/pdf') } }],
		expected: /^Content 1: binary field "data" is "application\/pdf", not an image/,
	},
	{
		name: 'image over 30 MB',
		parameters: generate({ content: { item: [{ type: 'image', source: 'binary', binaryPropertyName: 'data' }] } }),
		items: [{ json: {}, binary: { data: png(Buffer.concat([PNG_1X1, Buffer.alloc(30 * 1024 * 1024)])) } }],
		expected: /^Content 1: binary field "data" is over 30 MB/,
	},
	{
		name: 'invalid extra body JSON',
		parameters: generate({ additionalFields: { extraBody: '{"duration": 5,' } }),
		expected: /^Extra Body \(JSON\): is not valid JSON/,
	},
	{
		name: 'extra body that is not an object',
		parameters: generate({ additionalFields: { extraBody: '[1, 2]' } }),
		expected: /^Extra Body \(JSON\): must be a JSON object/,
	},
	{ name: 'poll interval below 1 s', parameters: generate({ options: { pollInterval: 0.5 } }), expected: /^Poll Interval: must be at least 1 second/ },
	{
		name: 'maximum wait below the poll interval',
		parameters: generate({ options: { pollInterval: 30, maxWait: 10 } }),
		expected: /^Max Wait: must be at least the poll interval of 30 s/,
	},
	{ name: 'empty task ID', parameters: { operation: 'get', taskId: '  ' }, expected: /^Task ID: is empty/ },
	{ name: 'task ID with a slash', parameters: { operation: 'get', taskId: 'abc/../../models' }, expected: /^Task ID: .* is not a valid task ID/ },
	{ name: 'task ID with ..', parameters: { operation: 'delete', taskId: '..' }, expected: /^Task ID: ".." is not a valid task ID/ },
	{ name: 'task ID with a backslash', parameters: { operation: 'wait', taskId: 'a\\b' }, expected: /^Task ID: .* is not a valid task ID/ },
	{ name: 'list limit out of range', parameters: { operation: 'list', limit: 0 }, expected: /^Limit: must be a whole number from 1 to 500/ },
];

describe('bad input is refused before any request, naming the field and the item', () => {
	it.each(cases)('$name', async ({ parameters, items, expected }) => {
		await withSimulator({}, async (sim) => {
			const { error, items: output } = await runSeedance({ parameters, items, credentials: credentialsFor(sim) });
			expect(output).toEqual([]);
			expect(error?.message).toMatch(expected);
			expect(error?.message).toMatch(/\[item 0\]/);
			expect(sim.requests).toHaveLength(0);
		});
	});

	it('a literally empty Prompt is refused by n8n itself (required parameter), before any request', async () => {
		await withSimulator({}, async (sim) => {
			await expect(runSeedance({ parameters: generate({ prompt: '' }), credentials: credentialsFor(sim) })).rejects.toThrow(
				/Parameter "Prompt" is required/,
			);
			expect(sim.requests).toHaveLength(0);
		});
	});

	it('one bad item among many stops the run before any item sends a request', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', waitForCompletion: false },
				items: [{ json: { prompt: 'fine' } }, { json: { prompt: 'also fine' } }, { json: { prompt: ' ' } }, { json: { prompt: 'ok' } }],
				credentials: credentialsFor(sim),
			});
			expect(error?.message).toBe('Prompt: is empty [item 2]');
			expect(sim.requests).toHaveLength(0);
		});
	});

	it('with Continue On Fail, the bad item fails alone and the others are created', async () => {
		await withSimulator({}, async (sim) => {
			const { error, items } = await runSeedance({
				parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', waitForCompletion: false },
				items: [{ json: { prompt: 'fine' } }, { json: { prompt: '' } }, { json: { prompt: 'ok' } }],
				credentials: credentialsFor(sim),
				continueOnFail: true,
			});
			expect(error).toBeUndefined();
			expect(items).toHaveLength(3);
			expect(items[0].json.taskId).toEqual(expect.any(String));
			expect(items[1].json).toEqual({
				error: 'Prompt: is empty [item 1]',
				description: 'Fix the "Prompt" parameter of item 1. No request was sent.',
			});
			expect(items[2].json.taskId).toEqual(expect.any(String));
			expect(sim.stats.tasksCreated).toBe(2);
		});
	});
});
