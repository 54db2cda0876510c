/**
 * A recording HTTP forward proxy for tests, loopback only.
 *
 * - Absolute-URI requests (`GET http://127.0.0.1:1234/path HTTP/1.1`) are recorded
 *   (method, absolute URL, headers with lower-cased names) and forwarded to the target;
 *   the request body is streamed up and the answer (status, headers, body) streamed back.
 * - `CONNECT host:port` is recorded (method `CONNECT`, url `host:port`) and tunnelled.
 * - Only `127.0.0.1`, `localhost` and `::1` targets are forwarded; anything else is
 *   refused with 502 (this machine has no other network, and a test must never reach out).
 * - A request that is not in absolute form (`GET /path`) answers 400.
 * Every request is recorded, refused ones too.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface RecordedProxyRequest {
	method: string;
	/** the absolute URL (`http://127.0.0.1:1234/path?q`), or `host:port` for CONNECT */
	url: string;
	/** lower-cased names; repeated headers joined with `, ` */
	headers: Record<string, string>;
}

export interface RecordingProxy {
	/** `http://127.0.0.1:<port>` */
	url: string;
	port: number;
	requests: RecordedProxyRequest[];
	close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Hop-by-hop headers (RFC 9110 7.6.1) and the proxy's own: never forwarded either way. */
const HOP_BY_HOP = new Set([
	'connection',
	'keep-alive',
	'proxy-connection',
	'proxy-authenticate',
	'proxy-authorization',
	'te',
	'trailer',
	'transfer-encoding',
	'upgrade',
]);

function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}

/** Drops hop-by-hop headers, including any named in `Connection`. */
function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
	const named = new Set(
		String(headers.connection ?? '')
			.split(',')
			.map((name) => name.trim().toLowerCase())
			.filter(Boolean),
	);
	const kept: http.OutgoingHttpHeaders = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
		kept[name] = value;
	}
	return kept;
}

function plainReply(res: http.ServerResponse, status: number, message: string): void {
	if (res.headersSent) {
		res.destroy();
		return;
	}
	res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
	res.end(`${message}\n`);
}

/** Splits `host:port` (IPv6 in brackets) of a CONNECT target. */
function parseAuthority(authority: string): { host: string; port: number } | null {
	const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(authority);
	if (!match) return null;
	const port = Number(match[2]);
	if (port < 1 || port > 65535) return null;
	return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

export async function startRecordingProxy(): Promise<RecordingProxy> {
	const requests: RecordedProxyRequest[] = [];
	const sockets = new Set<Duplex>();
	const track = (socket: Duplex) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	};

	const server = http.createServer((req, res) => {
		const method = req.method ?? 'GET';
		const rawUrl = req.url ?? '';
		requests.push({ method, url: rawUrl, headers: flatHeaders(req.headers) });

		let target: URL;
		try {
			target = new URL(rawUrl);
		} catch {
			plainReply(res, 400, `recording proxy: expected an absolute URI, got "${rawUrl}"`);
			return;
		}
		if (target.protocol !== 'http:') {
			plainReply(res, 502, `recording proxy: only http:// targets are forwarded (use CONNECT for ${target.protocol})`);
			return;
		}
		if (!isLoopbackHost(target.hostname)) {
			plainReply(res, 502, `recording proxy: refusing non-loopback target ${target.host}`);
			return;
		}

		const upstream = http.request({
			host: target.hostname.replace(/^\[|\]$/g, ''),
			port: target.port || 80,
			method,
			path: `${target.pathname}${target.search}`,
			headers: endToEndHeaders(req.headers),
			agent: false,
		});
		upstream.on('socket', track);
		upstream.on('response', (answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.headers));
			answer.pipe(res);
			// A truncated upstream answer must reach the client truncated, not as a clean end.
			answer.on('error', () => res.destroy());
			answer.on('close', () => {
				if (!answer.complete) res.destroy();
			});
		});
		upstream.on('error', (error: NodeJS.ErrnoException) => {
			plainReply(res, 502, `recording proxy: upstream ${target.host} failed: ${error.code ?? error.message}`);
		});
		// The client went away before the answer was complete: stop the upstream too.
		res.on('close', () => {
			if (!res.writableFinished) upstream.destroy();
		});
		req.pipe(upstream);
		req.on('error', () => upstream.destroy());
	});

	server.on('connection', track);

	server.on('connect', (req: http.IncomingMessage, clientSocket: Duplex, head: Buffer) => {
		const authority = req.url ?? '';
		requests.push({ method: 'CONNECT', url: authority, headers: flatHeaders(req.headers) });
		track(clientSocket);
		clientSocket.on('error', () => clientSocket.destroy());
		const target = parseAuthority(authority);
		if (!target || !isLoopbackHost(target.host)) {
			clientSocket.end(
				`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nrecording proxy: refusing CONNECT to ${authority}\n`,
			);
			return;
		}
		const upstream = net.connect(target.port, target.host);
		track(upstream);
		let established = false;
		upstream.once('connect', () => {
			established = true;
			clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length > 0) upstream.write(head);
			upstream.pipe(clientSocket);
			clientSocket.pipe(upstream);
		});
		upstream.on('error', (error: NodeJS.ErrnoException) => {
			if (!established) {
				clientSocket.end(`HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\nrecording proxy: ${error.code ?? error.message}\n`);
			} else {
				clientSocket.destroy();
			}
		});
		clientSocket.on('close', () => upstream.destroy());
		upstream.on('close', () => clientSocket.destroy());
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;

	let closing: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		close() {
			closing ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
