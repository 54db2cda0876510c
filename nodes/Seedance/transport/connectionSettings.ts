import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { settingError } from '../errors/nodeErrors';

/**
 * The node's Settings tab: "Request Options" (Proxy, Timeout, Ignore SSL Issues, Batching),
 * declared in description/requestOptions.ts under the names n8n gives its own. The node sends
 * its own requests (custom operations), so it reads them here and applies them to every API
 * request and every download.
 */
export interface ConnectionSettings {
	proxy?: IHttpRequestOptions['proxy'];
	skipSslCertificateValidation: boolean;
	/** How long a request may wait for the answer to start (n8n's "Timeout", in ms). */
	timeoutMs: number;
	/** "Batching": at most `size` items start their work per `intervalMs`; undefined: no pacing. */
	batching?: { size: number; intervalMs: number };
}

/** Without a Timeout in the Settings tab, an API request may take a minute. */
export const DEFAULT_TIMEOUT_MS = 60_000;

interface RequestOptionsParameter {
	proxy?: string;
	timeout?: number;
	allowUnauthorizedCerts?: boolean;
	batching?: { batch?: { batchSize?: number; batchInterval?: number } };
}

/** Reads and checks the Settings tab once per run (n8n reads it from the first item, too). */
export function readConnectionSettings(ctx: IExecuteFunctions): ConnectionSettings {
	const options = (ctx.getNodeParameter('requestOptions', 0, {}) ?? {}) as RequestOptionsParameter;
	const timeout = options.timeout === undefined || (options.timeout as unknown) === '' ? undefined : Number(options.timeout);
	if (timeout !== undefined && (!Number.isFinite(timeout) || timeout < 1)) {
		throw settingError(ctx.getNode(), 'Timeout', `must be at least 1 ms (got ${String(options.timeout)})`);
	}
	const settings: ConnectionSettings = {
		skipSslCertificateValidation: options.allowUnauthorizedCerts === true,
		timeoutMs: timeout ?? DEFAULT_TIMEOUT_MS,
	};
	const proxy = typeof options.proxy === 'string' ? options.proxy.trim() : '';
	if (proxy !== '') settings.proxy = parseProxy(ctx, proxy);
	const batch = options.batching?.batch;
	const size = Number(batch?.batchSize ?? -1);
	const intervalMs = Number(batch?.batchInterval ?? 0);
	// n8n's own meaning: -1 turns batching off, 0 counts as 1, an interval of 0 turns it off.
	if (batch && size >= 0 && intervalMs > 0) settings.batching = { size: Math.max(1, Math.floor(size)), intervalMs };
	return settings;
}

function parseProxy(ctx: IExecuteFunctions, value: string): IHttpRequestOptions['proxy'] {
	let url: URL;
	try {
		url = new URL(value.includes('://') ? value : `http://${value}`);
	} catch {
		throw settingError(ctx.getNode(), 'Proxy', `"${value}" is not a URL like http://proxy.example.com:3128`);
	}
	if (!/^https?:$/.test(url.protocol)) {
		throw settingError(ctx.getNode(), 'Proxy', `"${url.protocol}" proxies are not supported; use http:// or https://`);
	}
	const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
	const proxy: IDataObject & NonNullable<IHttpRequestOptions['proxy']> = {
		host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
		port,
		protocol: url.protocol.replace(/:$/, ''),
	};
	if (url.username !== '') {
		proxy.auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
	}
	return proxy;
}
