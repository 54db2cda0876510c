import type { RequestFailure } from '../errors/requestFailure';

/**
 * When a failed request may be sent again.
 *
 * - `read` (GET): status reads are free and idempotent, so any transient failure is retried:
 *   408, 429, 5xx, a malformed 2xx body, and every transport failure (reset, timeout...).
 * - `billable` (create, and delete, which must not act twice): retried only when the server
 *   certainly did not accept the request: 429 and 503 (refused before any work), and
 *   connection refused / DNS failure (nothing reached the server). A 500, 502, 504, a reset
 *   or a timeout leaves the task's fate unknown, so it is never re-sent automatically.
 */
export type RetryPolicyName = 'read' | 'billable';

export const MAX_ATTEMPTS = 5;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
const MAX_RETRY_AFTER_MS = 120_000;

const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];

export function certainlyNotAccepted(failure: RequestFailure): boolean {
	if (failure.kind === 'transport') return NOT_SENT_CODES.includes(failure.code);
	if (failure.kind === 'http') return failure.status === 429 || failure.status === 503;
	return false;
}

export function isRateLimited(failure: RequestFailure): boolean {
	return failure.kind === 'http' && failure.status === 429;
}

export function isRetryable(policy: RetryPolicyName, failure: RequestFailure): boolean {
	if (policy === 'billable') return certainlyNotAccepted(failure);
	if (failure.kind === 'transport' || failure.kind === 'badBody') return true;
	return failure.status === 408 || failure.status === 429 || failure.status >= 500;
}

/**
 * Exponential backoff (0.5 s, 1 s, 2 s, ... up to 30 s) over the failures in a row, or the
 * server's Retry-After when that is longer: a server that keeps answering 429 with
 * "Retry-After: 0" still gets slower and slower requests, never a storm.
 */
export function retryDelayMs(failure: RequestFailure, failuresInARow: number): number {
	const backoff = Math.min(BASE_DELAY_MS * 2 ** (failuresInARow - 1), MAX_DELAY_MS);
	if (failure.kind === 'http' && failure.retryAfterMs !== undefined) {
		return Math.max(Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_MS), backoff);
	}
	return backoff;
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const trimmed = String(text).trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
