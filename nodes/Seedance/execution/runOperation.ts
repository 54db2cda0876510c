import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { type Action, credentialError, runFailedError, type TaskAwareError, toNodeError } from '../errors/nodeErrors';
import { type ErrorRoute, errorItem } from '../output/errorItem';
import { CREDENTIAL_TYPE } from '../transport/apiRequest';
import { readConnectionSettings } from '../transport/connectionSettings';
import { readTaskId } from '../mapping/taskId';
import { createItemRun, type ItemRun } from './itemRun';
import { type ItemSettings, readItemSettings } from './itemSettings';
import { RunContext, type RunLimits } from './runContext';

/** One operation, as the run drives it for each item. */
export interface ItemOperation<Prepared> {
	/** What the item does first (it names the step in error messages). */
	firstAction: Action;
	/** Reads and checks the item's parameters. Sends nothing; throws an input error naming the field. */
	prepare(ctx: IExecuteFunctions, itemIndex: number, run: PrepareContext): Prepared | Promise<Prepared>;
	/** The item's work: requests, waiting, downloads. Returns its output items. */
	execute(ctx: IExecuteFunctions, item: ItemRun, prepared: Prepared): Promise<INodeExecutionData[]>;
}

export interface PrepareContext {
	settings: ItemSettings;
	/** The credential's base URL (the provider decides where the prompt goes). */
	baseURL: string;
}

/**
 * An operation on one existing task per item (Get, Wait for, Cancel or Delete): the item's
 * Task ID is checked before any request, and the work gets it, already noted on the item.
 */
export function taskIdOperation(
	firstAction: Action,
	work: (ctx: IExecuteFunctions, item: ItemRun, taskId: string) => Promise<INodeExecutionData[]>,
): ItemOperation<string> {
	return {
		firstAction,
		prepare: (ctx, itemIndex) => readTaskId(ctx, itemIndex),
		async execute(ctx, item, taskId) {
			item.taskId = taskId;
			return await work(ctx, item, taskId);
		},
	};
}

type Prepared<P> = { settings: ItemSettings; value: P } | { error: TaskAwareError };

/**
 * Runs one operation over all input items, as n8n's custom operations are run: once per
 * node run, with the run's context (all items, the cancel signal, Continue On Fail).
 *
 * 1. Every item is read and checked before any request: without Continue On Fail, one bad
 *    item fails the node and nothing is sent.
 * 2. All items then work at once, sharing the run's request limiter, rate gate and status
 *    poller. Each output item is paired with its input item.
 * 3. A failed item becomes an error item (Continue On Fail) that n8n routes to the error
 *    output when "Continue (using error output)" is set. Without Continue On Fail the first
 *    failure stops the run: no further task is created, waits end, and the node's error lists
 *    every task the run created, with its last known status.
 */
export async function runOperation<P>(ctx: IExecuteFunctions, operation: ItemOperation<P>): Promise<INodeExecutionData[][]> {
	const node = ctx.getNode();
	const items = ctx.getInputData();
	const continueOnFail = ctx.continueOnFail();
	const route: ErrorRoute = node.onError === 'continueErrorOutput' ? 'errorOutput' : 'mainOutput';
	const connection = readConnectionSettings(ctx);
	let baseURL: string;
	try {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		baseURL = normalizeBaseUrl(credentials.baseUrl);
	} catch (error) {
		throw credentialError(node, error);
	}

	const prepared: Array<Prepared<P>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const settings = readItemSettings(ctx, itemIndex);
			prepared.push({ settings, value: await operation.prepare(ctx, itemIndex, { settings, baseURL }) });
		} catch (error) {
			const nodeError = toNodeError(node, error, { action: operation.firstAction, itemIndex });
			if (!continueOnFail) throw nodeError;
			prepared.push({ error: nodeError });
		}
	}

	const settingsOf = prepared.flatMap((entry) => ('settings' in entry ? [entry.settings] : []));
	const smallest = (read: (settings: ItemSettings) => number) => Math.min(Infinity, ...settingsOf.map(read));
	const limits: RunLimits = {
		maxConcurrentRequests: smallest((settings) => settings.maxConcurrentRequests),
		requestsPerMinute: smallest((settings) => settings.requestsPerMinute),
		maxRunningTasks: smallest((settings) => settings.maxRunningTasks),
	};
	const run = RunContext.create(ctx, connection, baseURL, limits);

	const outputs = await Promise.all(
		prepared.map(async (entry, itemIndex) => {
			if ('error' in entry) return [errorItem(entry.error, itemIndex, route)];
			const item = createItemRun(ctx, node, run, itemIndex, entry.settings, operation.firstAction);
			return await runItem(node, run, item, async () => {
				await run.batchTurn(itemIndex, item.transport.cancelled);
				// A create holds one of the run's task slots until its item is done ("Max Running Tasks").
				if (operation.firstAction !== 'create') return await operation.execute(ctx, item, entry.value);
				return await run.taskSlots.run(
					async () => await operation.execute(ctx, item, entry.value),
					run.signal,
					item.transport.cancelled,
				);
			}, continueOnFail ? route : undefined);
		}),
	);
	const failure = run.failedWith;
	if (failure) throw runFailedError(failure as TaskAwareError, run.tasks());
	return [outputs.flat()];
}

async function runItem(
	node: INode,
	run: RunContext,
	item: ItemRun,
	work: () => Promise<INodeExecutionData[]>,
	/** Where failed items go under Continue On Fail; undefined: a failure fails the run. */
	errorRoute: ErrorRoute | undefined,
): Promise<INodeExecutionData[]> {
	const { itemIndex } = item;
	try {
		const output = await work();
		return output.map((entry) => ({ ...entry, pairedItem: { item: itemIndex } }));
	} catch (error) {
		const nodeError = toNodeError(node, error, { action: item.action, itemIndex, taskId: item.taskId });
		if (errorRoute) return [errorItem(nodeError, itemIndex, errorRoute, run.taskOf(itemIndex))];
		run.fail(nodeError);
		return [];
	}
}

/** Trims the base URL and its trailing slashes, so paths join cleanly. */
export function normalizeBaseUrl(value: unknown): string {
	return String(value ?? '').trim().replace(/\/+$/, '');
}
