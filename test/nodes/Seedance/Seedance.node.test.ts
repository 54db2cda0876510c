import { type INode, type INodeParameters, type INodeProperties, type INodeTypes, NodeHelpers, Workflow } from 'n8n-workflow';

import { DirectoryLoader } from 'n8n-core';

import { Seedance } from '../../../nodes/Seedance/Seedance.node';

const node = new Seedance();
const { description } = node;
const property = (name: string) => description.properties.find((candidate) => candidate.name === name);

describe('Seedance node description', () => {
	it('is declarative, runs each operation as a custom operation, is usable as an AI tool, and uses the Seedance API credential', () => {
		// Declarative (request defaults, no execute()); each resource/operation pair has a custom
		// operation, which n8n runs with the whole run's context instead of RoutingNode.
		expect(description.requestDefaults).toBeDefined();
		expect('execute' in node).toBe(false);
		const operations = (property('operation')?.options as Array<{ value: string }>).map((option) => option.value);
		for (const operation of operations) expect(typeof node.customOperations.video[operation]).toBe('function');
		expect(property('resource')?.default).toBe('video');
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'seedanceApi', required: true }]);
	});

	it('offers the five operations, each with a description an agent can act on', () => {
		const operations = property('operation')?.options as Array<{ value: string; description: string }>;
		expect(operations.map((operation) => operation.value).sort()).toEqual(['delete', 'generate', 'get', 'list', 'wait']);
		for (const operation of operations) expect(operation.description.length).toBeGreaterThan(40);
	});

	it('declares where each Generate Video field goes in the request body', () => {
		const sent = (name: string) => property(name)?.routing?.send;
		expect(sent('model')).toMatchObject({ type: 'body', property: 'model' });
		expect(sent('mode')).toMatchObject({ type: 'body', property: 'mode' });
		// Every video setting and every advanced field but the extra JSON body is sent under its own API name.
		for (const collection of ['videoSettings', 'additionalFields']) {
			const options = property(collection)?.options as INodeProperties[];
			const mapped = options.filter((field) => field.routing?.send).map((field) => [field.name, field.routing!.send!.property]);
			expect(mapped.length).toBe(options.length - (collection === 'additionalFields' ? 1 : 0));
			for (const [name, apiName] of mapped) expect(apiName).toBe(name);
		}
	});

	it('puts Model, Prompt, Mode and Content first, then Video Settings and Advanced API Fields', () => {
		const generateFields = description.properties
			.filter((field) => field.displayOptions?.show?.operation?.includes('generate') && field.type !== 'notice')
			.map((field) => field.displayName);
		expect(generateFields.slice(0, 7)).toEqual([
			'Model',
			'Custom Model ID',
			'Prompt',
			'Mode',
			'Content',
			'Video Settings',
			'Advanced API Fields',
		]);
		const mode = property('mode')!;
		expect(mode.default).toBe('');
		const modes = mode.options as Array<{ name: string; value: string; description?: string }>;
		expect(modes[0]).toMatchObject({ name: 'Auto', value: '' });
		// Each mode says what it needs, e.g. First and Last Frame: two image items with those roles.
		for (const option of modes) expect(option.description?.length).toBeGreaterThan(30);
		expect(modes.find((option) => option.value === 'i2v_first_last')?.description).toMatch(/two Image items.*First Frame.*Last Frame/);
	});

	it('offers each video setting once, described in words (what it does, its values, who takes it)', () => {
		const settings = property('videoSettings')?.options as INodeProperties[];
		expect(property('videoSettings')?.placeholder).toBe('Add Setting');
		expect(settings.map((field) => field.name).sort()).toEqual(
			['camera_fixed', 'duration', 'generate_audio', 'ratio', 'resolution', 'return_last_frame', 'seed', 'service_tier', 'watermark'].sort(),
		);
		for (const field of settings) {
			expect(field.description).not.toMatch(/^API field/);
			expect(field.description!.length).toBeGreaterThan(60);
			expect(field.description).toContain(`API field ${field.name}`);
		}
		expect(settings.map((field) => field.displayName)).toEqual([...settings.map((field) => field.displayName)].sort());
		// The advanced collection offers no video setting again (only the old-place copies, never offered for adding).
		const advanced = property('additionalFields')!;
		expect(advanced.displayName).toBe('Advanced API Fields');
		const offered = (advanced.options as INodeProperties[]).filter((field) =>
			NodeHelpers.displayParameterPath({ additionalFields: {} }, field, 'additionalFields', null, description),
		);
		expect(offered.map((field) => field.name).sort()).toEqual(
			[
				'aspect_ratio', 'audio_urls', 'callback_url', 'draft', 'end_image_url', 'execution_expires_after', 'extraBody', 'fps', 'frames',
				'function_mode', 'image_url', 'image_urls', 'input_reference', 'last_image_url', 'quality', 'seconds', 'size', 'video_urls',
			].sort(),
		);
	});

	it('shows a value saved by an older version in Additional Fields (now Advanced API Fields) until it is removed', () => {
		const advanced = property('additionalFields')!;
		const old = (advanced.options as INodeProperties[]).filter((field) => field.displayName.includes('(Moved to'));
		expect(old.map((field) => field.name).sort()).toEqual(
			['camera_fixed', 'duration', 'generate_audio', 'mode', 'ratio', 'resolution', 'return_last_frame', 'seed', 'service_tier', 'watermark'].sort(),
		);
		const shown = (values: INodeParameters, name: string) =>
			NodeHelpers.displayParameterPath(
				{ additionalFields: values },
				old.find((field) => field.name === name)!,
				'additionalFields',
				null,
				description,
			);
		expect(shown({ duration: 5 }, 'duration')).toBe(true);
		expect(shown({ generate_audio: false }, 'generate_audio')).toBe(true);
		expect(shown({ mode: 'i2v' }, 'mode')).toBe(true);
		expect(shown({}, 'duration')).toBe(false);
		expect(shown({ seconds: 5 }, 'duration')).toBe(false);
	});

	it('shows a notice only while two fields that mean the same thing are both set', () => {
		const notices = description.properties.filter((field) => field.name.endsWith('AliasNotice'));
		expect(notices).toHaveLength(5);
		const shownNotices = (parameters: INodeParameters) =>
			notices
				.filter((notice) => NodeHelpers.displayParameterPath({ resource: 'video', operation: 'generate', ...parameters }, notice, '', null, description))
				.map((notice) => notice.name);
		expect(shownNotices({})).toEqual([]);
		expect(shownNotices({ videoSettings: { duration: 5 } })).toEqual([]);
		expect(shownNotices({ additionalFields: { seconds: 5 } })).toEqual([]);
		expect(shownNotices({ videoSettings: { duration: 5 }, additionalFields: { seconds: 5 } })).toEqual(['secondsAliasNotice']);
		expect(
			shownNotices({
				videoSettings: { ratio: '16:9', resolution: '720p' },
				additionalFields: { aspect_ratio: '16:9', size: '1280x720', end_image_url: 'a', last_image_url: 'b' },
			}),
		).toEqual(['aspect_ratioAliasNotice', 'sizeAliasNotice', 'last_image_urlAliasNotice']);
		expect(shownNotices({ mode: 'omni_reference', additionalFields: { function_mode: 'omni_reference' } })).toEqual(['function_modeAliasNotice']);
		expect(shownNotices({ mode: 'i2v', additionalFields: { function_mode: 'omni_reference' } })).toEqual([]);
		expect(shownNotices({ operation: 'get', videoSettings: { duration: 5 }, additionalFields: { seconds: 5 } })).toEqual([]);
		expect(notices[0].displayName).toMatch(/Duration and .*Seconds.*mean the same.*refuses to run/);
	});

	it('has a subtitle in words: the operation, and for Generate Video the model', () => {
		expect(typeof description.subtitle).toBe('string');
		const nodeTypes = { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) } as unknown as INodeTypes;
		// As the editor does: the node's parameters with their defaults, then the subtitle expression.
		const subtitle = (parameters: INodeParameters) => {
			const withDefaults = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, null, description)!;
			const seedance: INode = {
				id: '1',
				name: 'Seedance',
				type: 'n8n-nodes-seedance.seedance',
				typeVersion: 1,
				position: [0, 0],
				parameters: withDefaults,
			};
			const workflow = new Workflow({ nodes: [seedance], connections: {}, active: false, nodeTypes });
			return workflow.expression.getSimpleParameterValue(seedance, description.subtitle, 'internal', {});
		};
		expect(subtitle({})).toBe('Generate Video: Seedance 1.0 Pro');
		expect(subtitle({ model: 'doubao-seedance-2-0-260128' })).toBe('Generate Video: Seedance 2.0');
		expect(subtitle({ model: 'doubao-seedance-2-0-fast-260128' })).toBe('Generate Video: Seedance 2.0 Fast');
		expect(subtitle({ model: 'gemini-omni' })).toBe('Generate Video: Gemini Omni');
		expect(subtitle({ model: 'custom', customModel: 'ep-20250101000000-abcde' })).toBe('Generate Video: ep-20250101000000-abcde');
		expect(subtitle({ operation: 'get', taskId: 'cgt-1' })).toBe('Get Task');
		expect(subtitle({ operation: 'wait', taskId: 'cgt-1' })).toBe('Wait for Task');
		expect(subtitle({ operation: 'list' })).toBe('List Tasks');
		expect(subtitle({ operation: 'delete', taskId: 'cgt-1' })).toBe('Cancel or Delete Task');
		// Every model of the list has a name in the subtitle (not its raw ID).
		for (const option of property('model')?.options as Array<{ name: string; value: string }>) {
			if (option.value === 'custom') continue;
			expect(subtitle({ model: option.value })).toBe(`Generate Video: ${option.name.replace(/ \(\d+\)$/, '')}`);
		}
	});

	it('lists the eight documented models and a custom model ID', () => {
		const models = (property('model')?.options as Array<{ value: string }>).map((option) => option.value);
		expect(models).toEqual(
			expect.arrayContaining([
				'doubao-seedance-1-0-lite-i2v-250428',
				'doubao-seedance-1-0-lite-t2v-250428',
				'doubao-seedance-1-0-pro-250528',
				'doubao-seedance-1-0-pro-fast-251015',
				'doubao-seedance-1-5-pro-251215',
				'doubao-seedance-2-0-260128',
				'doubao-seedance-2-0-fast-260128',
				'gemini-omni',
				'custom',
			]),
		);
		expect(models).toHaveLength(9);
		// Every model says what it is for.
		const options = property('model')?.options as Array<{ description?: string }>;
		expect(options.filter((option) => !option.description || option.description.length < 10)).toEqual([]);
	});

	it('warns under Generate Video that n8n\'s Retry On Fail creates new paid tasks', () => {
		const notice = property('retryOnFailNotice');
		expect(notice?.type).toBe('notice');
		expect(notice?.displayName).toMatch(/Retry On Fail.*creates new tasks/);
		expect(notice?.displayName).toMatch(/already retries what is safe to retry/);
		expect(notice?.displayOptions?.show?.operation).toEqual(['generate']);
	});

	it('has the restart webhook Callback mode waits on, at the plain resume URL, with its URL hidden in the editor', () => {
		expect(description.webhooks).toEqual([
			expect.objectContaining({ name: 'default', httpMethod: 'POST', path: '', restartWebhook: true, responseMode: 'onReceived', ndvHideUrl: true }),
		]);
		expect(typeof node.webhook).toBe('function');
	});

	it('keeps the Settings tab\'s Request Options, which n8n adds to no node with a webhook', () => {
		const loaded = new Seedance();
		DirectoryLoader.applyDeclarativeNodeOptionParameters(loaded);
		const settings = loaded.description.properties.filter((candidate) => candidate.name === 'requestOptions');
		expect(settings).toHaveLength(1);
		expect(settings[0].isNodeSetting).toBe(true);
		expect((settings[0].options as INodeProperties[]).map((option) => option.name)).toEqual(['batching', 'allowUnauthorizedCerts', 'proxy', 'timeout']);
	});

	it('shows Wait Mode where the node waits, and Poll Interval and Max Running Tasks only in Poll mode', () => {
		const shown = (name: string, parameters: INodeParameters, path = name) => {
			const values = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, null, null)!;
			const target = path.includes('.') ? (property(path.split('.')[0])!.options as INodeProperties[]).find((option) => option.name === path.split('.')[1])! : property(name)!;
			return NodeHelpers.displayParameterPath(values, target, path.includes('.') ? path.split('.')[0] : '', null);
		};
		expect(shown('waitMode', { operation: 'generate' })).toBe(true);
		expect(shown('waitMode', { operation: 'wait' })).toBe(true);
		expect(shown('waitMode', { operation: 'generate', waitForCompletion: false })).toBe(false);
		expect(shown('waitMode', { operation: 'get' })).toBe(false);
		expect(shown('callbackModeNotice', { operation: 'generate', waitMode: 'callback' })).toBe(true);
		expect(shown('callbackModeNotice', { operation: 'generate' })).toBe(false);
		for (const option of ['options.pollInterval', 'options.maxRunningTasks']) {
			expect(shown('', { operation: 'generate' }, option)).toBe(true);
			expect(shown('', { operation: 'generate', waitMode: 'callback' }, option)).toBe(false);
		}
	});
});

