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

/** Finds the system error code (ECONNREFUSED, ...) anywhere in an error's cause chain. */
export function transportFailureOf(error: unknown): RequestFailure {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && TRANSPORT_CODES.includes(code)) {
			const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT';
			return {
				kind: 'transport',
				code: timedOut ? 'ETIMEDOUT' : code,
				message: timedOut ? 'the request timed out' : describeTransportCode(code),
			};
		}
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : String(error);
	return { kind: 'transport', code: 'UNKNOWN', message: `the request failed: ${message}` };
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
