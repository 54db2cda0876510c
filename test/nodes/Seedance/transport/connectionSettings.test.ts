import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { runSeedance } from '../../../helpers/n8nRunner';
import { startRecordingProxy } from '../../../helpers/recordingProxy';
import { API_KEY, createRequests, credentialsFor, withSimulator } from '../../../helpers/simulator';

/** The Settings tab's Request Options, as n8n stores them on the node. */
const generate = (requestOptions: object) => ({
	operation: 'generate',
	prompt: 'A red fox',
	options: { pollInterval: 1 },
	requestOptions,
});

async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

describe('the Settings tab (Request Options) applies to every request the node sends', () => {
	it('Proxy: API requests go through it with the key; the download goes through it without the key', async () => {
		const proxy = await startRecordingProxy();
		try {
			await withSimulator({}, async (sim) => {
				const { error, items } = await runSeedance({ parameters: generate({ proxy: proxy.url }), credentials: credentialsFor(sim) });
				expect(error).toBeUndefined();
				expect(items[0].binary?.data).toBeDefined();
				const apiCalls = proxy.requests.filter((request) => request.url.startsWith(sim.baseUrl));
				const downloads = proxy.requests.filter((request) => request.url.startsWith(sim.mediaBaseUrl));
				// Every request the simulator saw came through the proxy.
				expect(apiCalls).toHaveLength(sim.requests.length);
				expect(apiCalls.map((request) => request.method)).toContain('POST');
				expect(apiCalls.every((request) => request.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
				expect(downloads).toHaveLength(1);
				expect(downloads[0].headers.authorization).toBeUndefined();
				expect(JSON.stringify(downloads[0].headers)).not.toContain(API_KEY);
			});
		} finally {
			await proxy.close();
		}
	});

	it('Proxy on a closed port: the run fails with a refused connection, and nothing reaches the API', async () => {
		const port = await closedPort();
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({ parameters: generate({ proxy: `http://127.0.0.1:${port}` }), credentials: credentialsFor(sim) });
			expect(error?.message).toMatch(/^Could not complete creating the task: the connection was refused \[item 0\]/);
			// Refused before anything was sent: retried, and not reported as possibly billed.
			expect(error?.description ?? '').not.toMatch(/may still have created/);
			expect(sim.requests).toHaveLength(0);
		});
	});

	it('Proxy that is not a URL: a clear error naming the setting, before any request', async () => {
		await withSimulator({}, async (sim) => {
			const { error } = await runSeedance({ parameters: generate({ proxy: 'ftp://proxy:21' }), credentials: credentialsFor(sim) });
			expect(error?.message).toBe('Settings > Request Options > Proxy: "ftp:" proxies are not supported; use http:// or https://');
			expect(sim.requests).toHaveLength(0);
		});
	});

	it('Timeout: a request slower than it fails (a create that timed out is not re-sent)', async () => {
		await withSimulator({}, async (sim) => {
			sim.injectFault({ kind: 'timeout', match: { method: 'POST' } });
			const { error } = await runSeedance({ parameters: generate({ timeout: 300 }), credentials: credentialsFor(sim) });
			expect(error?.message).toMatch(/^Could not complete creating the task: the request timed out \[item 0\]/);
			expect(createRequests(sim)).toHaveLength(1);
		});
	});

	it('Ignore SSL Issues: off, a self-signed API host is refused; on, it is read', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-tls-'));
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1',
			'-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
		const task = { id: 'cgt-tls', status: 'running', model: 'm' };
		const server = https.createServer(
			{ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
			(_request, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(task)),
		);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const baseUrl = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
		try {
			const read = async (requestOptions: object) =>
				await runSeedance({
					parameters: { operation: 'get', taskId: 'cgt-tls', downloadVideo: false, requestOptions },
					credentials: { apiKey: API_KEY, baseUrl },
				});
			const strict = await read({});
			expect(strict.error?.message).toMatch(/^Could not complete reading the task: the request failed: .*certificate/i);
			const relaxed = await read({ allowUnauthorizedCerts: true });
			expect(relaxed.error).toBeUndefined();
			expect(relaxed.items[0].json).toMatchObject({ taskId: 'cgt-tls', status: 'running' });
		} finally {
			server.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
