import { Seedance } from '../../../nodes/Seedance/Seedance.node';

const node = new Seedance();
const { description } = node;
const property = (name: string) => description.properties.find((candidate) => candidate.name === name);

describe('Seedance node description', () => {
	it('is declarative, usable as an AI tool, and uses the Seedance API credential', () => {
		// Declarative: n8n runs it through RoutingNode because it has request defaults and no execute().
		expect(description.requestDefaults).toBeDefined();
		expect('execute' in node).toBe(false);
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'seedanceApi', required: true }]);
	});

	it('offers the five operations, each with a description an agent can act on', () => {
		const operations = property('operation')?.options as Array<{ value: string; description: string; routing: object }>;
		expect(operations.map((operation) => operation.value).sort()).toEqual(['delete', 'generate', 'get', 'list', 'wait']);
		for (const operation of operations) {
			expect(operation.description.length).toBeGreaterThan(40);
			expect(operation.routing).toBeDefined();
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
	});
});
