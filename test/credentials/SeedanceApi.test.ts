import { SeedanceApi } from '../../credentials/SeedanceApi.credentials';
import { NodeHelpers } from 'n8n-workflow';

import { providerCallsBack } from '../../nodes/Seedance/transport/provider';
import { runSeedance } from '../helpers/n8nRunner';
import { API_KEY, withSimulator } from '../helpers/simulator';

const credential = new SeedanceApi();

/**
 * Sends the credential's test request as n8n's credential tester does: Bearer auth from the
 * credential, status errors ignored except the listed ones, and the responseCode rules.
 */
async function testCredential(baseUrl: string, apiKey: string): Promise<{ ok: boolean; message?: string; requests: number }> {
	const { request, rules } = credential.test;
	const base = baseUrl.trim().replace(/\/+$/, '');
	const response = await fetch(`${base}${request.url}`, { method: request.method, headers: { Authorization: `Bearer ${apiKey}` } });
	const except = (request.ignoreHttpStatusErrors as { except: number[] }).except;
	if (except.includes(response.status)) {
		const rule = rules?.find((candidate) => candidate.type === 'responseCode' && candidate.properties.value === response.status);
		return { ok: false, message: rule?.properties.message, requests: 1 };
	}
	return { ok: true, requests: 1 };
}

describe('Seedance API credential', () => {
	it('sends the key as a Bearer header', async () => {
		const options = await credential.authenticate({ apiKey: ' key-1 ' }, { url: '/x', headers: { Accept: 'application/json' } });
		expect(options).toEqual({ url: '/x', headers: { Accept: 'application/json', Authorization: 'Bearer key-1' } });
		expect(credential.properties.find((property) => property.name === 'apiKey')?.typeOptions?.password).toBe(true);
	});

	it('defaults to the aggregator and names the Ark and BytePlus hosts', () => {
		const baseUrl = credential.properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl?.default).toBe('https://api.aiid.edu.kg');
		expect(baseUrl?.description).toContain('https://ark.cn-beijing.volces.com');
		expect(baseUrl?.description).toContain('https://ark.ap-southeast.bytepluses.com');
	});

	it('tests a key without creating a task: a working key passes, a refused key fails with a clear message', async () => {
		await withSimulator({}, async (sim) => {
			expect(await testCredential(`${sim.baseUrl}/`, API_KEY)).toEqual({ ok: true, requests: 1 });
			expect(await testCredential(sim.baseUrl, 'wrong-key')).toEqual({ ok: false, message: 'The API key was refused (HTTP 401)', requests: 1 });
			expect(sim.stats.tasksCreated).toBe(0);
			expect(sim.requests.every((request) => request.method === 'GET')).toBe(true);
		});
	});

	it('warns about plain http to a host that is not this machine', () => {
		const notice = credential.properties.find((property) => property.name === 'insecureBaseUrlNotice');
		const pattern = new RegExp(
			(notice?.displayOptions?.show?.baseUrl as Array<{ _cnd: { regex: string } }>)[0]._cnd.regex,
		);
		expect(pattern.test('http://api.example.com')).toBe(true);
		expect(pattern.test('http://10.0.0.5:8080/')).toBe(true);
		expect(pattern.test('https://api.aiid.edu.kg')).toBe(false);
		expect(pattern.test('http://127.0.0.1:4010')).toBe(false);
		expect(pattern.test('http://localhost:4010/')).toBe(false);
	});

	it('says in the form when the Base URL\'s provider documents no callbacks, as the node decides it', () => {
		const notice = credential.properties.find((property) => property.name === 'noCallbacksNotice')!;
		const shown = (baseUrl: string, callbacks = 'auto') => NodeHelpers.displayParameter({ baseUrl, callbacks }, notice, null);
		const urls = [
			'https://api.aiid.edu.kg',
			'https://ark.cn-beijing.volces.com',
			'https://ark.ap-southeast.bytepluses.com/',
			'https://open.volcengineapi.volcengine.com',
			'http://127.0.0.1:4010',
			'https://volces.com.example.org',
		];
		for (const url of urls) expect([url, shown(url)]).toEqual([url, !providerCallsBack('auto', url)]);
		expect(shown('https://api.aiid.edu.kg', 'yes')).toBe(false);
		expect(shown('https://api.aiid.edu.kg', 'no')).toBe(false);
	});

	it('the node refuses a wrong key with a message that names it', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({
				parameters: { operation: 'generate', prompt: 'p', waitForCompletion: false },
				credentials: { apiKey: 'wrong-key', baseUrl: sim.baseUrl },
			});
			expect(error?.message).toMatch(/^The API key was refused \(HTTP 401 AuthenticationError\)/);
		});
	});
});
