import type { CancelledError } from './cancellableSleep';

/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in arrival order.
 * One limiter bounds the HTTP requests a run keeps open ("Max Concurrent Requests"); another
 * bounds the tasks a run keeps unfinished ("Max Running Tasks"). A wait for a place ends at
 * once when the run's signal fires (cancelled, or another item failed).
 */
export class ConcurrencyLimit {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private readonly limit: number) {}

	async run<T>(work: () => Promise<T>, signal?: AbortSignal, cancelled?: CancelledError): Promise<T> {
		await this.acquire(signal, cancelled);
		try {
			return await work();
		} finally {
			this.release();
		}
	}

	private async acquire(signal: AbortSignal | undefined, cancelled: CancelledError | undefined): Promise<void> {
		if (this.active < this.limit) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const wake = () => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			};
			const onAbort = () => {
				const index = this.waiting.indexOf(wake);
				if (index >= 0) this.waiting.splice(index, 1);
				reject(cancelled ? cancelled() : new Error('cancelled'));
			};
			if (signal?.aborted) return onAbort();
			signal?.addEventListener('abort', onAbort, { once: true });
			this.waiting.push(wake);
		});
	}

	/** Hands the place to the next waiter (it stays taken), or frees it. */
	private release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.active--;
	}
}
