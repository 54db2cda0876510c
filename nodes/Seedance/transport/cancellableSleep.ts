import { sleep } from 'n8n-workflow';

/** Builds the error to throw when the execution is cancelled (it knows the item and task). */
export type CancelledError = () => Error;

export function throwIfCancelled(signal: AbortSignal | undefined, cancelled: CancelledError): void {
	if (signal?.aborted) throw cancelled();
}

/**
 * Waits `ms` milliseconds, ending early with the `cancelled` error as soon as the
 * execution's cancel signal fires. n8n's community rules forbid timers in node code, so the
 * wait itself is n8n-workflow's `sleep`.
 */
export async function cancellableSleep(
	ms: number,
	signal: AbortSignal | undefined,
	cancelled: CancelledError,
): Promise<void> {
	throwIfCancelled(signal, cancelled);
	if (ms <= 0) return;
	if (!signal) return await sleep(ms);
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(cancelled());
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}
