import { cancellableSleep, type CancelledError } from './cancellableSleep';

/**
 * Holds back every request of a run after the API said "too many requests". A 429 tells the
 * whole run to slow down, not just the request that got it: without the gate, the other
 * items would keep hitting the limit and each burn its retries.
 */
export class RateGate {
	private openAt = 0;

	/** No request of the run is sent before `ms` from now. */
	closeFor(ms: number): void {
		this.openAt = Math.max(this.openAt, Date.now() + ms);
	}

	async pass(signal: AbortSignal | undefined, cancelled: CancelledError): Promise<void> {
		for (let wait = this.openAt - Date.now(); wait > 0; wait = this.openAt - Date.now()) {
			await cancellableSleep(wait, signal, cancelled);
		}
	}
}
