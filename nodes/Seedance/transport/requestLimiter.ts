/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in arrival order.
 * One limiter is shared by all items of one node execution (see execution/executionScope.ts),
 * so "Max Concurrent Requests" bounds the HTTP requests the node has open at any moment.
 */
export class RequestLimiter {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private limit: number) {}

	/** A later item may carry a different limit (expressions); the smallest one wins. */
	tighten(limit: number): void {
		if (limit >= 1 && limit < this.limit) this.limit = limit;
	}

	async run<T>(work: () => Promise<T>): Promise<T> {
		await this.acquire();
		try {
			return await work();
		} finally {
			this.release();
		}
	}

	private async acquire(): Promise<void> {
		if (this.active < this.limit) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	private release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.active--;
	}
}
