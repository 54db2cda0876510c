import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { type Action, credentialError, runFailedError, type TaskAwareError, toNodeError } from '../errors/nodeErrors';
import { type ErrorRoute, errorItem } from '../output/errorItem';
import { CREDENTIAL_TYPE } from '../transport/apiRequest';
import { normalizeBaseUrl } from '../transport/provider';
import { type ConnectionSettings, readConnectionSettings } from '../transport/connectionSettings';
import { readTaskId } from '../mapping/taskId';
import { type CallbackWaitState, restoreSettings, statesOf } from '../waiting/callback/callbackState';
import { checkCallbackMode, resumeUrlOf } from '../waiting/callback/callbackMode';
import { holdForCallbacks } from '../waiting/callback/holdForCallbacks';
import { finishTask } from '../waiting/finishTask';
import { createItemRun, type ItemRun } from './itemRun';
import { type ItemSettings, readItemSettings } from './itemSettings';
import { RunContext, type RunLimits } from './runContext';

/** One operation, as the run drives it for each item. */
export interface ItemOperation<Prepared> {
	/** What the item does first (it names the step in error messages). */
	firstAction: Action;
	/** Whether the item's work creates a task, holding one of the run's task slots until it is done ("Max Running Tasks"). */
	createsTask?: boolean;
	/** Reads and checks the item's parameters. Sends nothing; throws an input error naming the field. */
	prepare(ctx: IExecuteFunctions, itemIndex: number, run: PrepareContext): Prepared | Promise<Prepared>;
	/** The item's work: requests, waiting, downloads. Returns its output items. */
	execute(ctx: IExecuteFunctions, item: ItemRun, prepared: Prepared): Promise<INodeExecutionData[]>;
}

export interface PrepareContext {
	settings: ItemSettings;
	/** The credential's base URL (the provider decides where the prompt goes). */
	baseURL: string;
	/** Callback mode: the URL the provider calls back (this execution's resume URL). */
	callbackUrl: () => string;
}

/** What every run reads first: the node, its error handling, the Settings tab and the credential. */
interface RunBasics {
	node: INode;
	continueOnFail: boolean;
	route: ErrorRoute;
	connection: ConnectionSettings;
	baseURL: string;
	/** The credential's "Callbacks" setting. */
	callbacks: unknown;
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
 * 4. Wait Mode "Callback": the items meet once their tasks exist; unless all have ended, the
 *    execution then waits for the provider's callbacks (holdForCallbacks.ts) and the webhook
 *    resumes it into this function, which finishes the tasks (finishResumedRun).
 */
export async function runOperation<P>(ctx: IExecuteFunctions, operation: ItemOperation<P>): Promise<INodeExecutionData[][]> {
	const basics = await readRunBasics(ctx);
	const { node, continueOnFail, route, connection, baseURL } = basics;
	const items = ctx.getInputData();
	// Resumed by the webhook in Callback mode: finish the tasks the run waited for.
	const resumed = statesOf(items, node.id, 'collect');
	if (resumed) return await finishResumedRun(ctx, basics, resumed);

	let resumeUrl: string | undefined;
	const callbackUrl = () => (resumeUrl ??= resumeUrlOf(ctx));
	const prepared: Array<Prepared<P>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const settings = readItemSettings(ctx, itemIndex);
			prepared.push({ settings, value: await operation.prepare(ctx, itemIndex, { settings, baseURL, callbackUrl }) });
		} catch (error) {
			const nodeError = toNodeError(node, error, { action: operation.firstAction, itemIndex });
			if (!continueOnFail) throw nodeError;
			prepared.push({ error: nodeError });
		}
	}
	const itemSettings = prepared.map((entry) => ('settings' in entry ? entry.settings : undefined));
	const settingsOf = (itemIndex: number) => itemSettings[itemIndex];
	// Refused before any request: a provider that does not call back, or a run mixing the modes.
	checkCallbackMode(node, basics.callbacks, baseURL, itemSettings);

	const run = RunContext.create(ctx, connection, baseURL, runLimits(itemSettings));
	const callbackItems = new Set(itemSettings.flatMap((settings, itemIndex) => (settings?.waitMode === 'callback' ? [itemIndex] : [])));
	if (callbackItems.size > 0) run.awaitCallbacks(callbackItems);

	const outputs = await Promise.all(
		prepared.map(async (entry, itemIndex) => {
			if ('error' in entry) return [errorItem(entry.error, itemIndex, route)];
			const item = createItemRun(ctx, node, run, itemIndex, entry.settings, operation.firstAction);
			try {
				return await runItem(node, run, item, async () => {
					await run.batchTurn(itemIndex, item.transport.cancelled);
					// A create holds one of the run's task slots until its item is done ("Max Running Tasks").
					if (!operation.createsTask) return await operation.execute(ctx, item, entry.value);
					return await run.taskSlots.run(
						async () => await operation.execute(ctx, item, entry.value),
						run.signal,
						item.transport.cancelled,
					);
				}, continueOnFail ? route : undefined);
			} finally {
				run.callbacks?.leave(itemIndex);
			}
		}),
	);
	const failure = run.failedWith;
	if (failure) throw runFailedError(failure as TaskAwareError, run.tasks());
	if (run.callbacks?.goesToWait) {
		return await holdForCallbacks(ctx, { node, run, connection, outputs, settingsOf, continueOnFail, route });
	}
	return [outputs.flat()];
}

/**
 * The run resumed by the webhook once the provider's callbacks said every task had ended (and
 * a read confirmed it): each item finishes its task as Poll mode does (read, check, download),
 * with the settings read when the task was created; an item that had ended before the wait
 * gives its output as it was.
 */
async function finishResumedRun(
	ctx: IExecuteFunctions,
	{ node, continueOnFail, route, connection, baseURL }: RunBasics,
	states: CallbackWaitState[],
): Promise<INodeExecutionData[][]> {
	const itemSettings = states.map((state) => (state.settings ? restoreSettings(state.settings) : undefined));
	// This run has no callback barrier: its items read their (ended) tasks as Poll mode does.
	const run = RunContext.create(ctx, connection, baseURL, runLimits(itemSettings));
	for (const state of states) if (state.taskId) run.recordTask(state.itemIndex, state.taskId, state.status);
	const outputs = await Promise.all(
		states.map(async (state, itemIndex) => {
			const settings = itemSettings[itemIndex];
			const taskId = state.taskId;
			if (!taskId || !settings) return (state.output ?? []).map((output) => ({ ...output, pairedItem: { item: itemIndex } }));
			const item = createItemRun(ctx, node, run, itemIndex, settings, 'get');
			item.taskId = taskId;
			return await runItem(node, run, item, async () => await finishTask(ctx, item, taskId), continueOnFail ? route : undefined);
		}),
	);
	const failure = run.failedWith;
	if (failure) throw runFailedError(failure as TaskAwareError, run.tasks());
	return [outputs.flat()];
}

async function readRunBasics(ctx: IExecuteFunctions): Promise<RunBasics> {
	const node = ctx.getNode();
	const continueOnFail = ctx.continueOnFail();
	const route: ErrorRoute = node.onError === 'continueErrorOutput' ? 'errorOutput' : 'mainOutput';
	const connection = readConnectionSettings(ctx);
	try {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		return { node, continueOnFail, route, connection, baseURL: normalizeBaseUrl(credentials.baseUrl), callbacks: credentials.callbacks };
	} catch (error) {
		throw credentialError(node, error);
	}
}

/** The run's limits: the smallest value any item asks for wins. */
function runLimits(settings: Array<ItemSettings | undefined>): RunLimits {
	const known = settings.filter((entry): entry is ItemSettings => entry !== undefined);
	const smallest = (read: (entry: ItemSettings) => number) => Math.min(Infinity, ...known.map(read));
	return {
		maxConcurrentRequests: smallest((entry) => entry.maxConcurrentRequests),
		requestsPerMinute: smallest((entry) => entry.requestsPerMinute),
		maxRunningTasks: smallest((entry) => entry.maxRunningTasks),
	};
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
