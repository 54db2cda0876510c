import type { IExecuteFunctions } from 'n8n-workflow';

import type { ConnectionSettings } from '../transport/connectionSettings';
import { cancellableSleep, type CancelledError } from '../transport/cancellableSleep';
import { RateGate } from '../transport/rateGate';
import { RequestBudget } from '../transport/requestBudget';
import { ConcurrencyLimit } from '../transport/concurrencyLimit';
import { CallbackBarrier } from '../waiting/callback/callbackBarrier';
import { StatusPoller } from '../waiting/statusPoller';

/** The run's limits; Infinity means none. The smallest value any item asks for wins. */
export interface RunLimits {
	maxConcurrentRequests: number;
	requestsPerMinute: number;
	maxRunningTasks: number;
}

const TASK_ID_KEYS = 5;
const CUSTOM_DATA_VALUE_LIMIT = 512;
const taskIdKey = (index: number) => (index === 1 ? 'seedanceTaskIds' : `seedanceTaskIds${index}`);

/** A task this run created (or was asked about), with the last status the node saw. */
export interface TaskRecord {
	itemIndex: number;
	taskId: string;
	status: string;
}

/**
 * Everything one run of the node shares between its items, created afresh for every run
 * (so n8n's Retry On Fail starts clean): the Settings tab, the request limiter, the rate
 * gate, the status poller, the ledger of tasks, and the run's stop signal.
 *
 * The stop signal fires when n8n cancels the execution, or when an item fails for good
 * without Continue On Fail: the run is then going to fail, so no further task is created,
 * waits end, and the node's error lists every task the run created (see runOperation.ts).
 */
export class RunContext {
	readonly limiter: ConcurrencyLimit;
	readonly gate = new RateGate();
	readonly budget: RequestBudget;
	/** Tasks of the run that may be unfinished at once ("Max Running Tasks"); creates wait for a slot. */
	readonly taskSlots: ConcurrencyLimit;
	readonly poller: StatusPoller;
	readonly signal: AbortSignal;
	/** Callback mode: where the items meet once their tasks exist (undefined in Poll mode). */
	callbacks: CallbackBarrier | undefined;
	private readonly stopController = new AbortController();
	private readonly ledger = new Map<number, TaskRecord>();
	private failure: Error | undefined;
	private readonly startedAt = Date.now();

	constructor(
		readonly connection: ConnectionSettings,
		readonly baseURL: string,
		limits: RunLimits,
		readonly cancelSignal: AbortSignal | undefined,
		private readonly customData?: IExecuteFunctions['customData'],
	) {
		this.limiter = new ConcurrencyLimit(limits.maxConcurrentRequests);
		this.budget = new RequestBudget(limits.requestsPerMinute);
		this.taskSlots = new ConcurrencyLimit(limits.maxRunningTasks);
		this.poller = new StatusPoller(
			(intervalMs) => this.budget.readShare(intervalMs),
			() => this.budget.busy,
		);
		this.signal = cancelSignal ? AbortSignal.any([cancelSignal, this.stopController.signal]) : this.stopController.signal;
	}

	static create(
		ctx: IExecuteFunctions,
		connection: ConnectionSettings,
		baseURL: string,
		limits: RunLimits,
	): RunContext {
		return new RunContext(connection, baseURL, limits, ctx.getExecutionCancelSignal?.(), ctx.customData);
	}

	/** Callback mode for these items: they meet once their tasks exist, and the run reads them all once. */
	awaitCallbacks(itemIndexes: ReadonlySet<number>): CallbackBarrier {
		this.callbacks = new CallbackBarrier(itemIndexes, async (readers) => await this.poller.readAllNow(readers), this.signal);
		return this.callbacks;
	}

	/** Notes (or updates) the task an item works on and its latest status. */
	recordTask(itemIndex: number, taskId: string, status: unknown): void {
		const isNew = this.ledger.get(itemIndex)?.taskId !== taskId;
		this.ledger.set(itemIndex, { itemIndex, taskId, status: typeof status === 'string' && status !== '' ? status : 'unknown' });
		if (isNew) this.publishTaskIds([taskId]);
	}

	/**
	 * Adds task IDs to the execution's custom data (key `seedanceTaskIds`, comma-separated,
	 * continued in `seedanceTaskIds2`...). n8n keeps custom data when an execution is stopped,
	 * while it drops the run data and the node's error then; it shows in the executions list.
	 * n8n caps custom data (10 keys, 512 characters a value): past that the IDs are only in
	 * the node's error.
	 */
	private publishTaskIds(taskIds: string[]): void {
		if (!this.customData) return;
		try {
			const known: string[] = [];
			for (let index = 1; index <= TASK_ID_KEYS; index++) {
				const value = this.customData.get(taskIdKey(index));
				if (typeof value === 'string' && value !== '') known.push(...value.split(','));
			}
			const all = [...new Set([...known, ...taskIds])];
			let index = 1;
			let chunk = '';
			for (const id of all) {
				if (chunk !== '' && chunk.length + 1 + id.length > CUSTOM_DATA_VALUE_LIMIT) {
					if (index === TASK_ID_KEYS) break;
					this.customData.set(taskIdKey(index++), chunk);
					chunk = '';
				}
				chunk = chunk === '' ? id : `${chunk},${id}`;
			}
			if (chunk !== '') this.customData.set(taskIdKey(index), chunk);
		} catch {
			// Custom data full, or not offered by this n8n: the node's error still lists every task.
		}
	}

	taskOf(itemIndex: number): TaskRecord | undefined {
		return this.ledger.get(itemIndex);
	}

	tasks(): TaskRecord[] {
		return [...this.ledger.values()].sort((a, b) => a.itemIndex - b.itemIndex);
	}

	/** The run is going to fail with this error (the first one wins): stop every item. */
	fail(error: Error): void {
		this.failure ??= error;
		this.stopController.abort();
	}

	get failedWith(): Error | undefined {
		return this.failure;
	}

	get wasCancelled(): boolean {
		return this.cancelSignal?.aborted === true;
	}

	/**
	 * n8n's Batching setting: item `itemIndex` starts once its batch's turn has come
	 * (batch k starts k intervals after the run began).
	 */
	async batchTurn(itemIndex: number, cancelled: CancelledError): Promise<void> {
		const batching = this.connection.batching;
		if (!batching) return;
		const startAt = this.startedAt + Math.floor(itemIndex / batching.size) * batching.intervalMs;
		await cancellableSleep(startAt - Date.now(), this.signal, cancelled);
	}
}
