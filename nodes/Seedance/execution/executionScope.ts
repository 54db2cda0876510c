import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../transport/apiRequest';
import type { ItemSettings } from './itemSettings';
import { RateGate } from '../transport/rateGate';
import { RequestLimiter } from '../transport/requestLimiter';
import { StatusPoller } from '../waiting/statusPoller';

export const DEFAULT_MAX_CONCURRENT_REQUESTS = 10;

/**
 * State shared by all items of one run of one Seedance node: the request limiter, the rate
 * gate, the status poller that reads all waiting tasks together, and the preparation barrier.
 *
 * RoutingNode starts every item's request in one synchronous loop: each item's preSend
 * begins (and registers here) before any item can send. That gives two guarantees:
 * - the request limiter bounds the node's open HTTP requests across all items;
 * - no item sends anything until every item has been prepared and validated, and when one
 *   item's input is bad (and Continue On Fail is off) no request is sent at all.
 */
export class ExecutionScope {
	readonly limiter: RequestLimiter;
	readonly gate = new RateGate();
	readonly poller = new StatusPoller();
	private preparing = 0;
	private readonly preparedWaiters: Array<() => void> = [];
	private invalidInput: Error | undefined;
	private baseUrl: Promise<string> | undefined;
	private readonly settingsByItem = new Map<number, ItemSettings>();

	constructor() {
		this.limiter = new RequestLimiter(Infinity);
	}

	/**
	 * The credential's base URL, read once per run. It is not a requestDefaults expression:
	 * RoutingNode would evaluate that twice for every item, the largest per-item cost there is.
	 */
	async credentialBaseUrl(ctx: IExecuteSingleFunctions): Promise<string> {
		this.baseUrl ??= ctx.getCredentials(CREDENTIAL_TYPE).then((credentials) => normalizeBaseUrl(credentials.baseUrl));
		return await this.baseUrl;
	}

	/** The settings preSend read and checked for an item, so its send step need not read them again. */
	rememberSettings(itemIndex: number, settings: ItemSettings): void {
		this.settingsByItem.set(itemIndex, settings);
	}

	settingsOf(itemIndex: number): ItemSettings | undefined {
		return this.settingsByItem.get(itemIndex);
	}

	/**
	 * Called synchronously at the start of an item's preSend; returns its completion. An item
	 * may carry its own Max Concurrent Requests (an expression): the smallest one wins.
	 */
	beginPreparation(ctx: IExecuteSingleFunctions): (error?: Error, blocksOthers?: boolean) => void {
		this.limiter.tighten(readMaxConcurrentRequests(ctx));
		this.preparing++;
		let finished = false;
		return (error, blocksOthers = true) => {
			if (finished) return;
			finished = true;
			if (error && blocksOthers && !this.invalidInput) this.invalidInput = error;
			this.preparing--;
			if (this.preparing === 0) this.preparedWaiters.splice(0).forEach((wake) => wake());
		};
	}

	/** Resolves once every item has been prepared; rejects with the first bad input, if any. */
	async allItemsPrepared(): Promise<void> {
		if (this.preparing > 0) await new Promise<void>((resolve) => this.preparedWaiters.push(resolve));
		if (this.invalidInput) throw this.invalidInput;
	}
}

const scopes = new WeakMap<object, ExecutionScope>();

/**
 * The scope of the current node run. RoutingNode hands every item of one run the same
 * execute-data object (and a new one for the next run), so it identifies the run. Note that
 * n8n 2.x gives declarative nodes no execution cancel signal, which is why the signal cannot
 * serve as the key.
 */
export function executionScope(ctx: IExecuteSingleFunctions): ExecutionScope {
	const runKey: object = ctx.getExecuteData?.() ?? ctx;
	let scope = scopes.get(runKey);
	if (!scope) scopes.set(runKey, (scope = new ExecutionScope()));
	return scope;
}

function readMaxConcurrentRequests(ctx: IExecuteSingleFunctions): number {
	const value = Number(ctx.getNodeParameter('options.maxConcurrentRequests', DEFAULT_MAX_CONCURRENT_REQUESTS));
	return Number.isFinite(value) && value >= 1 ? Math.floor(value) : DEFAULT_MAX_CONCURRENT_REQUESTS;
}

/** Trims the base URL and its trailing slashes, so paths join cleanly. */
export function normalizeBaseUrl(value: unknown): string {
	return String(value ?? '').trim().replace(/\/+$/, '');
}
