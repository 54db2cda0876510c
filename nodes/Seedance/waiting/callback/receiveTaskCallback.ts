import type { IDataObject, INode, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { shapeTask } from '../../output/taskOutput';
import { CREDENTIAL_TYPE } from '../../transport/apiRequest';
import { normalizeBaseUrl } from '../../transport/provider';
import { type ApiTarget, listTasksById, readTask } from '../../transport/taskApi';
import { webhookTransport } from '../../transport/webhookTransport';
import { StatusPoller, type TaskReader } from '../statusPoller';
import { isFinal, isInProgress } from '../taskStatus';
import { claimFinal, forgetRun, rememberFinal, runKey, startResuming } from './callbackClaims';
import { type CallbackWaitState, restoreSettings, statesOf, taskIdsOf, withState } from './callbackState';

/** Answer 2xx and keep the execution waiting. */
const ACKNOWLEDGE: IWebhookResponseData = {};

/**
 * The stack entry n8n resumes the waiting node with. Not part of n8n's public node API
 * (`IWebhookFunctions`), but the only way to have the node run again on resume rather than pass
 * its input on: docs/CALLBACK-MODE-FINDINGS.md, fact 8 (n8n 2.41.1 and 1.123.81).
 */
interface ResumedStackEntry {
	node?: INode;
	data?: { main?: Array<INodeExecutionData[] | null> };
	metadata?: { resumeError?: unknown };
}

/**
 * A provider's callback to an execution waiting in Callback mode (the node's webhook).
 *
 * Anyone who knows the URL can POST to it (n8n 1.x checks no signature), so its body only
 * decides whether reading the tasks is worth it: a task of another run is ignored; a task
 * said to be queued or running is acknowledged with no request. Once callbacks have said every
 * task of the run has ended, the node reads them all from the API with its credential; only if
 * they really have does the execution resume, into the operation, which finishes the tasks as
 * Poll mode does. Otherwise the answer is 2xx and the execution keeps waiting.
 *
 * Never throws: n8n would answer 500 and fail the waiting execution (findings, fact 9).
 */
export async function receiveTaskCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = ctx.getNode();
	try {
		return await serveCallback(ctx, node);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		ctx.logger.warn(`Seedance "${node.name}": callback acknowledged without resuming (${reason}); the execution keeps waiting`);
		return ACKNOWLEDGE;
	}
}

async function serveCallback(ctx: IWebhookFunctions, node: INode): Promise<IWebhookResponseData> {
	const entry = (ctx as unknown as { executeData?: ResumedStackEntry }).executeData;
	const items = (entry?.data?.main?.[0] ?? ctx.evaluateExpression('{{ $input.all() }}', 0)) as INodeExecutionData[];
	const states = statesOf(items, node.id, 'waiting');
	if (!states) {
		ctx.logger.warn(`Seedance "${node.name}": callback ignored, the execution does not wait in Callback mode`);
		return ACKNOWLEDGE;
	}
	const taskIds = taskIdsOf(states);
	const key = runKey(node.id, taskIds);
	const claim = claimOf(ctx.getBodyData());
	if (claim.taskId !== undefined && !taskIds.includes(claim.taskId)) {
		ctx.logger.debug(`Seedance "${node.name}": callback for task ${claim.taskId} ignored, not a task of this run`);
		return ACKNOWLEDGE;
	}
	// Said to be in progress: whether true or not, it cannot end the wait.
	if (claim.taskId !== undefined && isInProgress(claim.status)) return ACKNOWLEDGE;
	if (claimFinal(key, claim.taskId, taskIds) === false) return ACKNOWLEDGE;

	// Callbacks of one run that come together share a read (a burst of callbacks is common:
	// many tasks ending at once); one that joined a read begun before it arrived reads again
	// if, with its claim, every task is now said to have ended.
	const arrivedAt = Date.now();
	const read = async () => await readTasks(ctx, node, states, taskIds);
	let shared = joinOrStartRead(key, 0, read);
	let tasks = await shared.result;
	let ended = endedTasks(key, taskIds, tasks);
	if (ended.length < taskIds.length && shared.startedAt < arrivedAt && claimFinal(key, undefined, taskIds) === true) {
		shared = joinOrStartRead(key, arrivedAt, read);
		tasks = await shared.result;
		ended = endedTasks(key, taskIds, tasks);
	}
	if (ended.length < taskIds.length || !startResuming(key)) return ACKNOWLEDGE;

	if (entry?.node) {
		// Run the operation again (it finishes the tasks), instead of passing the input on.
		entry.node.disabled = false;
		if (entry.metadata) delete entry.metadata.resumeError;
		return { workflowData: [items.map((item, itemIndex) => withState({ json: item.json, pairedItem: item.pairedItem }, { ...states[itemIndex], phase: 'collect' }))] };
	}
	ctx.logger.warn(`Seedance "${node.name}": this n8n cannot run the node again on resume; its output holds the tasks as read, without downloads`);
	return {
		workflowData: [
			states.map((state, itemIndex) => {
				const task = state.taskId ? tasks.get(state.taskId) : undefined;
				const simplify = state.settings ? restoreSettings(state.settings).simplify : true;
				return { json: task ? shapeTask(task, simplify) : (state.output?.[0]?.json ?? {}), pairedItem: { item: itemIndex } };
			}),
		],
	};
}

/** The run's tasks read as ended; what this process knows of the run is updated with the read. */
function endedTasks(key: string, taskIds: string[], tasks: Map<string, IDataObject>): string[] {
	// A task whose read failed is not known to have ended.
	const ended = taskIds.filter((taskId) => tasks.has(taskId) && isFinal(tasks.get(taskId)!.status));
	if (taskIds.every((taskId) => tasks.has(taskId))) rememberFinal(key, ended);
	else forgetRun(key);
	return ended;
}

interface SharedRead {
	startedAt: number;
	result: Promise<Map<string, IDataObject>>;
}

/** Reads of a run's tasks in flight in this process, by run. */
const readsInFlight = new Map<string, SharedRead>();

/** Joins the run's read in flight if it began at `notBefore` or later; else starts one. */
function joinOrStartRead(key: string, notBefore: number, read: () => Promise<Map<string, IDataObject>>): SharedRead {
	const inFlight = readsInFlight.get(key);
	if (inFlight && inFlight.startedAt >= notBefore) return inFlight;
	const started: SharedRead = {
		startedAt: Date.now(),
		result: read().finally(() => {
			if (readsInFlight.get(key) === started) readsInFlight.delete(key);
		}),
	};
	readsInFlight.set(key, started);
	return started;
}

/** The task a callback names and the status it claims (neither trusted). */
function claimOf(body: unknown): { taskId?: string; status?: unknown } {
	if (!body || typeof body !== 'object') return {};
	const { id, status } = body as IDataObject;
	return typeof id === 'string' || typeof id === 'number' ? { taskId: String(id), status } : {};
}

/** Reads the run's tasks' status with the node's credential and the run's Settings tab: one list request (Ark), or a GET each. */
async function readTasks(
	ctx: IWebhookFunctions,
	node: INode,
	states: CallbackWaitState[],
	taskIds: string[],
): Promise<Map<string, IDataObject>> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const settings = states.find((state) => state.settings)?.settings;
	const target: ApiTarget = {
		baseURL: normalizeBaseUrl(credentials.baseUrl),
		transport: webhookTransport(node, {
			scope: () => ({ action: 'get', itemIndex: 0 }),
			connection: states[0].connection,
			maxConcurrentRequests: settings ? restoreSettings(settings).maxConcurrentRequests : 10,
		}),
	};
	const readers: TaskReader[] = taskIds.map((taskId, order) => ({
		taskId,
		intervalMs: 0,
		order,
		queue: '',
		readOne: async () => await readTask(ctx, target, taskId),
		readMany: async (ids) => await listTasksById(ctx, target, ids),
	}));
	return await new StatusPoller().readAllNow(readers, { statusOnly: true });
}
