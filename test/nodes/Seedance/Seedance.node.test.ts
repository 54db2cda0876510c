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
		const additional = property('additionalFields')?.options as Array<{ name: string; routing?: { send?: { property?: string } } }>;
		const mapped = additional.filter((field) => field.routing?.send).map((field) => [field.name, field.routing!.send!.property]);
		// Every additional field but the extra JSON body is sent under its own API name.
		expect(mapped.length).toBe(additional.length - 1);
		for (const [name, apiName] of mapped) expect(apiName).toBe(name);
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
});
