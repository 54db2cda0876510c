import type { RequestFailure } from '../../../../nodes/Seedance/errors/requestFailure';
import { certainlyNotAccepted, isRetryable, parseRetryAfter, retryDelayMs } from '../../../../nodes/Seedance/transport/retryPolicy';

const http = (status: number, retryAfterMs?: number): RequestFailure => ({ kind: 'http', status, retryAfterMs });
const transport = (code: string): RequestFailure => ({ kind: 'transport', code, message: code });

describe('retry policy', () => {
	it('re-sends a billable request only when the server certainly did not accept it', () => {
		const retried = [http(429), http(503), transport('ECONNREFUSED'), transport('ENOTFOUND'), transport('EAI_AGAIN')];
		const notRetried = [
			http(400),
			http(401),
			http(404),
			http(500),
			http(502),
			http(504),
			transport('ECONNRESET'),
			transport('ETIMEDOUT'),
			{ kind: 'badBody', status: 200, message: 'no id' } as RequestFailure,
		];
		expect(retried.map((failure) => isRetryable('billable', failure))).toEqual(retried.map(() => true));
		expect(notRetried.map((failure) => isRetryable('billable', failure))).toEqual(notRetried.map(() => false));
		expect(retried.every(certainlyNotAccepted)).toBe(true);
	});

	it('retries reads on every transient failure, not on client errors', () => {
		expect([http(408), http(429), http(500), http(502), http(503), transport('ECONNRESET'), transport('ETIMEDOUT')].every((failure) => isRetryable('read', failure))).toBe(true);
		expect([http(400), http(401), http(403), http(404)].some((failure) => isRetryable('read', failure))).toBe(false);
	});

	it('backs off exponentially, takes a longer Retry-After, and never goes below the backoff', () => {
		expect([1, 2, 3, 4].map((n) => retryDelayMs(http(500), n))).toEqual([500, 1000, 2000, 4000]);
		expect(retryDelayMs(http(500), 20)).toBe(30_000);
		expect(retryDelayMs(http(429, 3000), 1)).toBe(3000);
		expect(retryDelayMs(http(429, 0), 3)).toBe(2000);
		expect(retryDelayMs(http(429, 3_600_000), 1)).toBe(120_000);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('2', now)).toBe(2000);
		expect(parseRetryAfter(['5'], now)).toBe(5000);
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});
});
