import { startSimulator } from '../../../simulator';
import { binaryBuffer, runSeedance } from '../../helpers/n8nRunner';

describe('smoke', () => {
	it('generates, waits and downloads', async () => {
		const sim = await startSimulator({ apiKey: 'k-1', queuedMs: 50, taskMs: 200 });
		try {
			const result = await runSeedance({
				parameters: { operation: 'generate', prompt: 'A fox', options: { pollInterval: 1 } },
				credentials: { apiKey: 'k-1', baseUrl: sim.baseUrl },
			});
			console.log(result.error, JSON.stringify(result.items.map((i) => i.json)), sim.requests.map((r: any) => `${r.method} ${r.path} ${r.status} ${JSON.stringify(r.body)}`));
			expect(result.error).toBeUndefined();
			expect(binaryBuffer(result.items[0]).length).toBeGreaterThan(1000);
		} finally {
			await sim.close();
		}
	});
});
