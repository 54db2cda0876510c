import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { type Action, cancelledError, requestFailedError, stoppedError } from '../errors/nodeErrors';
import type { TransportContext } from '../transport/apiRequest';
import type { ItemSettings } from './itemSettings';
import type { RunContext } from './runContext';

/** One item's part of a run: its settings, its transport, and what it is doing right now. */
export interface ItemRun {
	itemIndex: number;
	settings: ItemSettings;
	/** The credential's base URL, read once per run. */
	baseURL: string;
	transport: TransportContext;
	/** Updated as the item moves on (create -> get -> download) so errors say what failed. */
	action: Action;
	/** Set as soon as a task exists, so no error path can lose it. */
	taskId?: string;
	run: RunContext;
	/** Notes the item's task and its latest status in the run's ledger. */
	noteTask(taskId: string, status: unknown): void;
}

export function createItemRun(
	ctx: IExecuteFunctions,
	node: INode,
	run: RunContext,
	itemIndex: number,
	settings: ItemSettings,
	firstAction: Action,
): ItemRun {
	const scope = () => ({ action: item.action, itemIndex, taskId: item.taskId });
	const item: ItemRun = {
		itemIndex,
		settings,
		baseURL: run.baseURL,
		action: firstAction,
		run,
		noteTask: (taskId, status) => {
			item.taskId = taskId;
			run.recordTask(itemIndex, taskId, status);
		},
		transport: {
			connection: run.connection,
			limiter: run.limiter,
			gate: run.gate,
			budget: run.budget,
			rateLimitPatienceMs: settings.maxWaitMs,
			signal: run.signal,
			requestFailed: (failure, attempts) => requestFailedError(node, failure, attempts, scope()),
			// The run's signal fires on n8n's cancel, or because another item failed.
			cancelled: () => (run.wasCancelled ? cancelledError(node, scope()) : stoppedError(node, scope())),
		},
	};
	return item;
}
