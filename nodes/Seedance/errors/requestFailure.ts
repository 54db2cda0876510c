/**
 * What went wrong with one HTTP request, reduced to plain data. Built from responses and
 * transport errors by the transport; it never holds request options or headers, so the
 * API key cannot travel inside it.
 */
export type RequestFailure =
	| {
			kind: 'http';
			status: number;
			/** The API's error code (`error.code`), when the body had one. */
			code?: string;
			/** The server's own message, or a short excerpt of a non-JSON body. */
			message?: string;
			param?: string;
			retryAfterMs?: number;
	  }
	| { kind: 'transport'; code: string; message: string }
	| { kind: 'badBody'; status: number; message: string };

const TRANSPORT_CODES = [
	'ECONNREFUSED',
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ERR_CANCELED',
];

/**
 * Finds the system error code (ECONNREFUSED, ...) of a failed request wherever n8n puts it:
 * n8n 2.x keeps the original error as `cause` (with `code`); n8n 1.x drops the cause and
 * leaves the code only in `httpCode` (or in the message). The whole cause chain is searched.
 */
export function transportFailureOf(error: unknown): RequestFailure {
	const code = systemCodeOf(error);
	if (code) {
		const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT';
		return {
			kind: 'transport',
			code: timedOut ? 'ETIMEDOUT' : code,
			message: timedOut ? 'the request timed out' : describeTransportCode(code),
		};
	}
	const message = error instanceof Error ? error.message : String(error);
	return { kind: 'transport', code: 'UNKNOWN', message: `the request failed: ${message}` };
}

function systemCodeOf(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	const messages: string[] = [];
	for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
		seen.add(current);
		const { code, httpCode, errno, message } = current as { code?: unknown; httpCode?: unknown; errno?: unknown; message?: unknown };
		for (const candidate of [code, httpCode, errno]) {
			if (typeof candidate === 'string' && TRANSPORT_CODES.includes(candidate)) return candidate;
		}
		if (typeof message === 'string') messages.push(message);
		current = (current as { cause?: unknown }).cause;
	}
	// Last resort (n8n 1.x): "connect ECONNREFUSED 127.0.0.1:9" in the message itself.
	for (const message of messages) {
		const found = TRANSPORT_CODES.find((candidate) => new RegExp(`\\b${candidate}\\b`).test(message));
		if (found) return found;
	}
	return undefined;
}

function describeTransportCode(code: string): string {
	switch (code) {
		case 'ECONNREFUSED':
			return 'the connection was refused';
		case 'ECONNRESET':
		case 'EPIPE':
			return 'the connection was reset';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'the host name could not be resolved';
		default:
			return `the request failed (${code})`;
	}
}

/** Shortens a non-JSON body (an HTML error page, say) to a readable excerpt. */
export function bodyExcerpt(body: unknown): string {
	const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
	const plain = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
	return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}
