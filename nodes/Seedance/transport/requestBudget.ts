import { cancellableSleep, type CancelledError } from './cancellableSleep';

const WINDOW_MS = 60_000;
/** The lowest request budget the providers document: Ark, Seedance 1.0 Lite, 300 a minute. */
const LOWEST_DOCUMENTED_BUDGET = 300;

/**
 * The provider's request budget (requests per minute), kept on this side so the run spends it
 * instead of fighting it: a request starts only while fewer than the budget have started in
 * the last minute, the way the provider counts. Bursts up to the budget stay allowed (a batch
 * of creates goes out at once); beyond it, requests wait their turn in arrival order.
 *
 * Unknown budget (the default): no limit until the provider answers 429; then the budget is
 * estimated as what the run had sent in the last minute, less one, and status reads are
 * spread to fit it (readShare). A learned budget never holds a request back by itself: the
 * run may share its key with others, so only the provider's Retry-After (the rate gate) makes
 * requests wait. One budget serves all items of a run.
 */
export class RequestBudget {
	private readonly starts: number[] = [];
	private queue: Promise<void> = Promise.resolve();
	private perMinute: number;
	private readonly enforced: boolean;

	constructor(perMinute: number = Infinity) {
		this.perMinute = perMinute;
		this.enforced = perMinute !== Infinity;
	}

	get requestsPerMinute(): number {
		return this.perMinute;
	}

	/** Waits until one more request fits the budget (a budget the user set), and counts it. */
	async take(signal: AbortSignal | undefined, cancelled: CancelledError): Promise<void> {
		if (!this.enforced) {
			this.count(Date.now());
			return;
		}
		const turn = this.queue.then(async () => await this.waitForRoom(signal, cancelled));
		// The next caller waits for this one, whatever happens to it.
		this.queue = turn.catch(() => undefined);
		await turn;
	}

	/**
	 * How many status reads one round of `intervalMs` may send so that the rest of the current
	 * minute's budget lasts until the minute is over: spread, not spent in the first rounds.
	 * Unknown budget: no limit.
	 */
	readShare(intervalMs: number): number {
		if (this.perMinute === Infinity) return Infinity;
		const now = Date.now();
		this.prune(now);
		const room = this.perMinute - this.starts.length;
		const windowLeftMs = this.starts.length > 0 ? this.starts[0] + WINDOW_MS - now : WINDOW_MS;
		const roundsLeft = Math.max(1, Math.ceil(windowLeftMs / Math.max(intervalMs, 1)));
		return Math.max(1, Math.floor(room / roundsLeft));
	}

	/**
	 * Whether the run sends requests fast enough to come near a provider's limit: in the last
	 * minute, half the budget (where unknown, half the lowest budget the providers document:
	 * Ark, 1.0 Lite, 300 a minute).
	 */
	get busy(): boolean {
		this.prune(Date.now());
		return this.starts.length >= Math.min(LOWEST_DOCUMENTED_BUDGET, this.perMinute) / 2;
	}

	/** A 429 says the budget is spent: learn it from what this run sent, unless it was set. */
	learnFromRateLimit(): void {
		if (this.enforced) return;
		this.prune(Date.now());
		this.perMinute = Math.min(this.perMinute, Math.max(1, this.starts.length - 1));
	}

	private async waitForRoom(signal: AbortSignal | undefined, cancelled: CancelledError): Promise<void> {
		for (;;) {
			const now = Date.now();
			this.prune(now);
			if (this.starts.length < this.perMinute) {
				this.starts.push(now);
				return;
			}
			await cancellableSleep(this.starts[0] + WINDOW_MS - now + 1, signal, cancelled);
		}
	}

	private count(now: number): void {
		this.prune(now);
		this.starts.push(now);
	}

	private prune(now: number): void {
		while (this.starts.length > 0 && this.starts[0] <= now - WINDOW_MS) this.starts.shift();
	}
}
