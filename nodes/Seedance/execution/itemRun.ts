import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
} from 'n8n-workflow';

import { type Action, cancelledError, requestFailedError, toNodeError } from '../errors/nodeErrors';
import type { ApiCall, TransportContext } from '../transport/apiRequest';
import type { StatusPoller } from '../waiting/statusPoller';
import { executionScope } from './executionScope';
import { type ItemSettings, readItemSettings } from './itemSettings';

/** One item's run: its settings, its transport, and what the node is doing right now. */
export interface ItemRun {
	itemIndex: number;
	settings: ItemSettings;
	transport: TransportContext;
	/** Updated as the item moves on (create -> get -> download) so errors say what failed. */
	action: Action;
	/** Set as soon as a task exists, so no error path can lose it. */
	taskId?: string;
	/** The request RoutingNode built from the parameters, with the timeout the user chose. */
	call: ApiCall;
	/** The run's status poller, shared by every item that waits. */
	poller: StatusPoller;
}

type ItemWork = (run: ItemRun) => Promise<INodeExecutionData[]>;

/**
 * Wraps one operation's work for one item: waits until every item is checked, gives the
 * work its transport (the run's shared limiter and the cancel signal), pairs every output
 * item with its input item, and turns failures into errors that name the item and the task.
 * With Continue On Fail the error becomes an output item that still carries the task ID.
 */
export async function runItem(
	ctx: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
	firstAction: Action,
	work: ItemWork,
): Promise<INodeExecutionData[]> {
	const itemIndex = ctx.getItemIndex();
	const scope = executionScope(ctx);
	const settings = scope.settingsOf(itemIndex) ?? readItemSettings(ctx);
	const options = requestData.options;
	// getNode() deep-copies the node: only fetch it to report a problem.
	const node = () => ctx.getNode();
	const errorScope = () => ({ action: run.action, itemIndex, taskId: run.taskId });
	const run: ItemRun = {
		itemIndex,
		settings,
		action: firstAction,
		poller: scope.poller,
		transport: {
			limiter: scope.limiter,
			gate: scope.gate,
			rateLimitPatienceMs: settings.maxWaitMs,
			signal: ctx.getExecutionCancelSignal(),
			requestFailed: (failure, attempts) => requestFailedError(node(), failure, attempts, errorScope()),
			cancelled: () => cancelledError(node(), errorScope()),
		},
		call: {
			method: options.method ?? 'GET',
			baseURL: '',
			url: options.url ?? '',
			body: options.body as IDataObject | undefined,
			qs: options.qs,
			timeoutMs: settings.requestTimeoutMs,
			allowedDomains: options.allowedDomains,
			expect: 'task',
		},
	};
	try {
		await scope.allItemsPrepared();
		run.call.baseURL = await scope.credentialBaseUrl(ctx);
		const items = await work(run);
		return items.map((item) => ({ ...item, pairedItem: { item: itemIndex } }));
	} catch (error) {
		const nodeError = toNodeError(node(), error, errorScope());
		if (!ctx.continueOnFail()) throw nodeError;
		const json: IDataObject = { error: nodeError.message };
		if (nodeError.description) json.description = nodeError.description;
		if (run.taskId) json.taskId = run.taskId;
		if (nodeError instanceof Error && 'httpCode' in nodeError && nodeError.httpCode) json.httpCode = nodeError.httpCode;
		return [{ json, pairedItem: { item: itemIndex } }];
	}
}
