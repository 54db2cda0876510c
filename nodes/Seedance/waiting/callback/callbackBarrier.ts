import type { IDataObject } from 'n8n-workflow';

import type { CancelledError } from '../../transport/cancellableSleep';
import type { TaskReader } from '../statusPoller';
import { isFinal } from '../taskStatus';

/** What an item in Callback mode does once every item of the run has its task. */
export type CallbackDecision =
	/** Every task of the run is final already: finish now as Poll mode does (its state, freshly read). */
	| { finish: IDataObject }
	/** Some task is not: the execution is going to wait for callbacks; the task's last known state. */
	| { wait: IDataObject };

interface Arrival {
	reader: TaskReader;
	known: IDataObject;
	resolve: (decision: CallbackDecision) => void;
	reject: (error: unknown) => void;
	cancelled: CancelledError;
}

/**
 * The meeting point of a run's items in Callback mode. Each item creates (or names) its task
 * and arrives here; an item that ends on the way (it failed) leaves instead. When every item
 * has arrived or left, the run reads all the tasks once: if all are final the items finish
 * at once, as in Poll mode (nothing to wait for, and no callback can be missed); otherwise the
 * execution waits for the callbacks (see holdForCallbacks.ts). Either way, one read, made after
 * the last create, so a task that ended before the wait began is not waited for.
 */
export class CallbackBarrier {
	private readonly arrivals = new Map<number, Arrival>();
	private readonly left = new Set<number>();
	private decided = false;
	private waiting = false;
	/** Whether the read before the wait answered for every task (else their states are as created). */
	allRead = false;

	constructor(
		/** The items that take part (the others failed before the run began). */
		private readonly expected: ReadonlySet<number>,
		private readonly readAll: (readers: TaskReader[]) => Promise<Map<string, IDataObject>>,
		signal: AbortSignal,
	) {
		signal.addEventListener('abort', () => this.abandon(), { once: true });
	}

	/** The execution is going to wait for callbacks. */
	get goesToWait(): boolean {
		return this.waiting;
	}

	/** The items waiting, by item index, with each task's last known state. */
	waitingTasks(): Map<number, { taskId: string; task: IDataObject }> {
		return new Map([...this.arrivals].map(([itemIndex, arrival]) => [itemIndex, { taskId: arrival.reader.taskId, task: arrival.known }]));
	}

	async arrive(itemIndex: number, reader: TaskReader, known: IDataObject, cancelled: CancelledError): Promise<CallbackDecision> {
		const decision = new Promise<CallbackDecision>((resolve, reject) => {
			this.arrivals.set(itemIndex, { reader, known, resolve, reject, cancelled });
		});
		this.decideWhenAllThere();
		return await decision;
	}

	/** An item ended without arriving (it failed): the run no longer waits for it here. */
	leave(itemIndex: number): void {
		if (this.arrivals.has(itemIndex)) return;
		this.left.add(itemIndex);
		this.decideWhenAllThere();
	}

	private decideWhenAllThere(): void {
		if (this.decided || this.arrivals.size + this.left.size < this.expected.size) return;
		this.decided = true;
		if (this.arrivals.size === 0) return;
		void this.decide();
	}

	private async decide(): Promise<void> {
		const arrivals = [...this.arrivals.values()];
		let states: Map<string, IDataObject>;
		try {
			states = await this.readAll(arrivals.map((arrival) => arrival.reader));
		} catch {
			states = new Map();
		}
		const latest = (arrival: Arrival) => states.get(arrival.reader.taskId);
		// A task whose read failed is not known to have ended: the run waits for its callback.
		if (arrivals.every((arrival) => latest(arrival) !== undefined && isFinal(latest(arrival)!.status))) {
			arrivals.forEach((arrival) => arrival.resolve({ finish: latest(arrival)! }));
			return;
		}
		this.waiting = true;
		this.allRead = arrivals.every((arrival) => latest(arrival) !== undefined);
		for (const arrival of arrivals) {
			arrival.known = latest(arrival) ?? arrival.known;
			arrival.resolve({ wait: arrival.known });
		}
	}

	/** The run stopped (cancelled, or another item failed for good): nobody waits here any more. */
	private abandon(): void {
		if (this.decided) return;
		this.decided = true;
		for (const arrival of this.arrivals.values()) arrival.reject(arrival.cancelled());
	}
}
