import { sleep } from 'n8n-workflow';

/** Builds the error to throw when the execution is cancelled (it knows the item and task). */
export type CancelledError = () => Error;

export function throwIfCancelled(signal: AbortSignal | undefined, cancelled: CancelledError): void {
	if (signal?.aborted) throw cancelled();
}

/**
 * Waits `ms` milliseconds, ending early with the `cancelled` error as soon as the
 * execution's cancel signal fires, or quietly when `stop` fires (the caller no longer needs
 * the wait: its timer is cleared then, so no timer outlives it). n8n's community rules
 * forbid timers in node code, so the wait itself is n8n-workflow's `sleep`.
 */
export async function cancellableSleep(
	ms: number,
	signal: AbortSignal | undefined,
	cancelled: CancelledError,
	stop?: AbortSignal,
): Promise<void> {
	throwIfCancelled(signal, cancelled);
	if (ms <= 0 || stop?.aborted) return;
	const signals = [signal, stop].filter((candidate): candidate is AbortSignal => candidate !== undefined);
	if (signals.length === 0) return await sleep(ms);
	const either = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
	let onAbort: (() => void) | undefined;
	// Older n8n-workflow versions ignore sleep's signal: the race still ends the wait at once.
	const aborted = new Promise<void>((resolve) => {
		onAbort = () => resolve();
		either.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, either).catch(() => undefined), aborted]);
	} finally {
		if (onAbort) either.removeEventListener('abort', onAbort);
	}
	throwIfCancelled(signal, cancelled);
}
