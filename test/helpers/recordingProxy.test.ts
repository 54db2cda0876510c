/**
 * The recording proxy, driven by the same code n8n's `helpers.httpRequest` and
 * `helpers.httpRequestWithAuthentication` end in: n8n-core 2.41 sends both to
 * `Container.get(OutboundHttp).requests().request(options)` (its own copy of
 * @n8n/backend-network, not the top-level one), and loading n8n-core sets
 * axios' global `proxy: false`, so only n8n's agents decide about proxies.
 * n8n-core does not export `httpRequest` or `proxyRequestToAxios` itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';

import { startRecordingProxy, type RecordingProxy } from './recordingProxy';

// Loading n8n-core runs configureGlobalAxiosDefaults() (axios.defaults.proxy = false).
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('n8n-core');
const fromN8nCore = (id: string) => require.resolve(id, { paths: [require.resolve('n8n-core')] });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(fromN8nCore('@n8n/di')) as typeof import('@n8n/di');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OutboundHttp, isConnectionRefusedError } = require(fromN8nCore('@n8n/backend-network')) as {
	OutboundHttp: abstract new (...args: unknown[]) => { requests(): { request(options: unknown): Promise<unknown> } };
	isConnectionRefusedError(error: unknown): boolean;
};

interface N8nRequestOptions {
	url: string;
	method?: string;
	headers?: Record<string, string>;
	body?: unknown;
	json?: boolean;
	proxy?: { host: string; port: number; protocol?: string; auth?: { username: string; password: string } } | string;
	skipSslCertificateValidation?: boolean;
	timeout?: number;
	encoding?: 'stream' | 'arraybuffer' | 'json' | 'text';
	returnFullResponse?: boolean;
}
interface FullResponse<T> {
	body: T;
	headers: Record<string, string>;
	statusCode: number;
}

/** What `this.helpers.httpRequest(options)` runs inside n8n-core 2.41. */
async function n8nHttpRequest<T = unknown>(options: N8nRequestOptions): Promise<T> {
	return (await Container.get(OutboundHttp).requests().request(options)) as T;
}

const BIG_BODY = randomBytes(3 * 1024 * 1024 + 17);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface TargetHit {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks);
}

/** A tiny loopback target: `/hello` JSON, `/big` a 3 MiB binary streamed in chunks, `/echo` echoes the body. */
async function startTarget(): Promise<{ server: http.Server; base: string; port: number; hits: TargetHit[] }> {
	const hits: TargetHit[] = [];
	const server = http.createServer(async (req, res) => {
		const body = await readAll(req);
		hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
		if (req.url?.startsWith('/hello')) {
			res.writeHead(200, { 'content-type': 'application/json', 'x-target': 'yes' });
			res.end(JSON.stringify({ hello: 'world', path: req.url }));
		} else if (req.url === '/big') {
			res.writeHead(200, { 'content-type': 'video/mp4' }); // no Content-Length: chunked
			let offset = 0;
			const pump = () => {
				while (offset < BIG_BODY.length) {
					const chunk = BIG_BODY.subarray(offset, offset + 64 * 1024);
					offset += chunk.length;
					if (!res.write(chunk)) return void res.once('drain', pump);
				}
				res.end();
			};
			pump();
		} else if (req.url === '/echo') {
			res.writeHead(201, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' });
			res.end(body);
		} else {
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('nope');
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { server, base: `http://127.0.0.1:${port}`, port, hits };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

const PROXY_ENV = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

describe('recording proxy with n8n-core httpRequest', () => {
	let proxy: RecordingProxy;
	let target: Awaited<ReturnType<typeof startTarget>>;
	const savedEnv: Record<string, string | undefined> = {};

	beforeAll(async () => {
		for (const name of PROXY_ENV) {
			savedEnv[name] = process.env[name];
			delete process.env[name];
		}
		proxy = await startRecordingProxy();
		target = await startTarget();
	});
	afterAll(async () => {
		await proxy.close();
		target.server.closeAllConnections();
		await new Promise<void>((resolve) => target.server.close(() => resolve()));
		for (const name of PROXY_ENV) {
			if (savedEnv[name] === undefined) delete process.env[name];
			else process.env[name] = savedEnv[name];
		}
	});
	beforeEach(() => {
		proxy.requests.length = 0;
		target.hits.length = 0;
	});
	afterEach(() => {
		for (const name of PROXY_ENV) delete process.env[name];
	});

	test('proxy {host, port, protocol: "http"}: recorded with the Authorization header, answer intact', async () => {
		const answer = await n8nHttpRequest<FullResponse<unknown>>({
			url: `${target.base}/hello?x=1`,
			method: 'GET',
			headers: { Authorization: 'Bearer sim-key' },
			json: true,
			proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http' },
			timeout: 5000,
			returnFullResponse: true,
		});
		expect(answer.statusCode).toBe(200);
		expect(answer.body).toEqual({ hello: 'world', path: '/hello?x=1' });
		expect(answer.headers['x-target']).toBe('yes');
		expect(proxy.requests).toEqual([
			{ method: 'GET', url: `${target.base}/hello?x=1`, headers: expect.objectContaining({ authorization: 'Bearer sim-key', host: `127.0.0.1:${target.port}` }) },
		]);
		expect(Object.keys(proxy.requests[0].headers).every((name) => name === name.toLowerCase())).toBe(true);
		expect(target.hits).toHaveLength(1);
		expect(target.hits[0].headers.authorization).toBe('Bearer sim-key');
		expect(target.hits[0].headers).not.toHaveProperty('proxy-connection');
	});

	test.each([
		['protocol "http:"', (port: number) => ({ host: '127.0.0.1', port, protocol: 'http:' })],
		['no protocol', (port: number) => ({ host: '127.0.0.1', port })],
		['a proxy URL string', (port: number) => `http://127.0.0.1:${port}`],
	])('proxy given as %s also goes through the proxy', async (_, proxyOption) => {
		const body = await n8nHttpRequest({ url: `${target.base}/hello`, json: true, proxy: proxyOption(proxy.port) });
		expect(body).toEqual({ hello: 'world', path: '/hello' });
		expect(proxy.requests.map((request) => request.url)).toEqual([`${target.base}/hello`]);
	});

	test('proxy auth is sent to the proxy as Proxy-Authorization, never to the target', async () => {
		await n8nHttpRequest({
			url: `${target.base}/hello`,
			proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http', auth: { username: 'u', password: 'p w' } },
		});
		expect(proxy.requests[0].headers['proxy-authorization']).toBe(`Basic ${Buffer.from('u:p w').toString('base64')}`);
		expect(target.hits[0].headers).not.toHaveProperty('proxy-authorization');
	});

	test('encoding "stream": a 3 MiB chunked body streams through intact', async () => {
		const answer = await n8nHttpRequest<FullResponse<Readable>>({
			url: `${target.base}/big`,
			headers: { Authorization: 'Bearer sim-key' },
			proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http' },
			encoding: 'stream',
			returnFullResponse: true,
		});
		expect(answer.statusCode).toBe(200);
		expect(typeof answer.body.pipe).toBe('function');
		const received = await readAll(answer.body);
		expect(received.length).toBe(BIG_BODY.length);
		expect(sha256(received)).toBe(sha256(BIG_BODY));
		expect(proxy.requests).toMatchObject([{ method: 'GET', url: `${target.base}/big`, headers: { authorization: 'Bearer sim-key' } }]);
	});

	test('a POST body is forwarded to the target unchanged', async () => {
		const answer = await n8nHttpRequest<FullResponse<unknown>>({
			url: `${target.base}/echo`,
			method: 'POST',
			body: { model: 'm', prompt: 'a cat' },
			json: true,
			proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http' },
			returnFullResponse: true,
		});
		expect(answer.statusCode).toBe(201);
		expect(answer.body).toEqual({ model: 'm', prompt: 'a cat' });
		expect(JSON.parse(target.hits[0].body.toString('utf8'))).toEqual({ model: 'm', prompt: 'a cat' });
		expect(proxy.requests[0]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
	});

	test('with no proxy option, HTTP_PROXY (and http_proxy) in the environment is honoured, even for 127.0.0.1', async () => {
		process.env.HTTP_PROXY = proxy.url;
		await n8nHttpRequest({ url: `${target.base}/hello?via=HTTP_PROXY` });
		delete process.env.HTTP_PROXY;
		process.env.http_proxy = proxy.url;
		await n8nHttpRequest({ url: `${target.base}/hello?via=http_proxy` });
		expect(proxy.requests.map((request) => request.url)).toEqual([
			`${target.base}/hello?via=HTTP_PROXY`,
			`${target.base}/hello?via=http_proxy`,
		]);
	});

	test('NO_PROXY exempts a host from HTTP_PROXY; an explicit proxy option beats both', async () => {
		process.env.HTTP_PROXY = `http://127.0.0.1:${await closedPort()}`;
		process.env.NO_PROXY = '127.0.0.1';
		await n8nHttpRequest({ url: `${target.base}/hello?direct` });
		expect(proxy.requests).toHaveLength(0);
		expect(target.hits).toHaveLength(1);
		await n8nHttpRequest({ url: `${target.base}/hello?explicit`, proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http' } });
		expect(proxy.requests.map((request) => request.url)).toEqual([`${target.base}/hello?explicit`]);
	});

	test('without a proxy option or proxy environment the request goes direct', async () => {
		await n8nHttpRequest({ url: `${target.base}/hello` });
		expect(proxy.requests).toHaveLength(0);
		expect(target.hits).toHaveLength(1);
	});

	test('a proxy on a closed port fails with ECONNREFUSED (an axios error naming the proxy address, no response); the target sees nothing', async () => {
		const port = await closedPort();
		const failure = await n8nHttpRequest({
			url: `${target.base}/hello`,
			proxy: { host: '127.0.0.1', port, protocol: 'http' },
			timeout: 5000,
		}).catch((error: unknown) => error);
		expect(failure).toMatchObject({ isAxiosError: true, code: 'ECONNREFUSED', message: `connect ECONNREFUSED 127.0.0.1:${port}`, cause: { code: 'ECONNREFUSED' } });
		expect((failure as { response?: unknown }).response).toBeUndefined();
		expect(isConnectionRefusedError(failure)).toBe(true);
		expect(target.hits).toHaveLength(0);
	});

	test('a non-loopback target is refused with 502 and recorded, nothing leaves the machine', async () => {
		const failure = await n8nHttpRequest({
			url: 'http://example.com/api/v3/contents/generations/tasks',
			headers: { Authorization: 'Bearer sim-key' },
			proxy: { host: '127.0.0.1', port: proxy.port, protocol: 'http' },
		}).catch((error: { response?: { status?: number } }) => error);
		expect((failure as { response?: { status?: number } }).response?.status).toBe(502);
		expect(proxy.requests).toMatchObject([{ method: 'GET', url: 'http://example.com/api/v3/contents/generations/tasks' }]);
	});
});

describe('recording proxy: CONNECT and raw requests', () => {
	let proxy: RecordingProxy;
	let target: Awaited<ReturnType<typeof startTarget>>;

	beforeAll(async () => {
		proxy = await startRecordingProxy();
		target = await startTarget();
	});
	afterAll(async () => {
		await proxy.close();
		target.server.closeAllConnections();
		await new Promise<void>((resolve) => target.server.close(() => resolve()));
	});
	beforeEach(() => {
		proxy.requests.length = 0;
	});

	function connect(authority: string): Promise<{ statusCode: number; socket: net.Socket }> {
		return new Promise((resolve, reject) => {
			const request = http.request({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: authority, headers: { host: authority } });
			request.once('connect', (response, socket) => resolve({ statusCode: response.statusCode ?? 0, socket }));
			request.once('error', reject);
			request.end();
		});
	}

	test('CONNECT to a loopback port is recorded as CONNECT host:port and tunnels bytes both ways', async () => {
		const authority = `127.0.0.1:${target.port}`;
		const { statusCode, socket } = await connect(authority);
		expect(statusCode).toBe(200);
		const answer = await new Promise<string>((resolve, reject) => {
			let text = '';
			socket.setEncoding('utf8');
			socket.on('data', (chunk) => (text += chunk));
			socket.on('end', () => resolve(text));
			socket.on('error', reject);
			socket.write(`GET /hello HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`);
		});
		expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
		expect(answer).toContain('{"hello":"world","path":"/hello"}');
		expect(proxy.requests).toEqual([{ method: 'CONNECT', url: authority, headers: expect.objectContaining({ host: authority }) }]);
	});

	test('CONNECT to a non-loopback host answers 502', async () => {
		const { statusCode, socket } = await connect('example.com:443');
		socket.destroy();
		expect(statusCode).toBe(502);
		expect(proxy.requests).toMatchObject([{ method: 'CONNECT', url: 'example.com:443' }]);
	});

	test('a request not in absolute form answers 400', async () => {
		const status = await new Promise<number>((resolve, reject) => {
			http.get({ host: '127.0.0.1', port: proxy.port, path: '/relative' }, (response) => {
				response.resume();
				resolve(response.statusCode ?? 0);
			}).on('error', reject);
		});
		expect(status).toBe(400);
		expect(proxy.requests).toMatchObject([{ method: 'GET', url: '/relative' }]);
	});

	test('an upstream on a closed port answers 502', async () => {
		const port = await closedPort();
		const status = await new Promise<number>((resolve, reject) => {
			http.get({ host: '127.0.0.1', port: proxy.port, path: `http://127.0.0.1:${port}/x` }, (response) => {
				response.resume();
				resolve(response.statusCode ?? 0);
			}).on('error', reject);
		});
		expect(status).toBe(502);
	});

	test('close() ends open tunnels and keep-alive sockets', async () => {
		const other = await startRecordingProxy();
		const agent = new http.Agent({ keepAlive: true });
		await new Promise<void>((resolve, reject) => {
			http.get({ host: '127.0.0.1', port: other.port, path: `${target.base}/hello`, agent }, (response) => {
				response.resume();
				response.on('end', resolve);
			}).on('error', reject);
		});
		const tunnel = await new Promise<net.Socket>((resolve, reject) => {
			const request = http.request({ host: '127.0.0.1', port: other.port, method: 'CONNECT', path: `127.0.0.1:${target.port}` });
			request.once('connect', (_, socket) => resolve(socket));
			request.once('error', reject);
			request.end();
		});
		const tunnelClosed = new Promise<void>((resolve) => tunnel.once('close', () => resolve()));
		tunnel.on('error', () => undefined);
		await other.close();
		await tunnelClosed;
		agent.destroy();
	});
});
