import { NodeOperationError } from 'n8n-workflow';
import type {
	DeclarativeRestApiSettings,
	IBinaryKeyData,
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
} from 'n8n-workflow';

import { downloadMedia } from '../download/downloadMedia';
import { taskEndedError } from '../errors/nodeErrors';
import { MAX_PAGE_SIZE, TASKS_PATH, taskIdFromPath, taskPath } from '../mapping/taskId';
import { shapeTask, taskError } from '../output/taskOutput';
import { apiRequest } from '../transport/apiRequest';
import { isInProgress, isSucceeded } from '../waiting/taskStatus';
import type { TaskReader } from '../waiting/statusPoller';
import { waitForTask } from '../waiting/waitForTask';
import { type ItemRun, runItem } from './itemRun';

/*
 * The send step of each operation. RoutingNode builds every item's request from the
 * parameters' `routing` (method, path, body, query) and runs the preSend checks; then,
 * because each operation sets `send.paginate` and an `operations.pagination` function,
 * it hands the built request to the function here instead of sending it itself. That is
 * the one RoutingNode hook that owns the sending, so every request goes through our
 * transport: the run's concurrency limit, the billing-safe retry policy, and errors that
 * keep the task ID. Each function returns the item's output.
 */

type Ctx = IExecutePaginationFunctions;
type RequestData = DeclarativeRestApiSettings.ResultOptions;

async function readTask(ctx: Ctx, run: ItemRun, taskId: string): Promise<IDataObject> {
	return await apiRequest(
		ctx,
		{ ...run.call, method: 'GET', url: taskPath(taskId), body: undefined, qs: undefined, expect: 'task' },
		'read',
		run.transport,
	);
}

/** Downloads the finished video (and last frame, when asked) into the item's binary data. */
async function downloadOutputs(ctx: Ctx, run: ItemRun, task: IDataObject): Promise<IBinaryKeyData | undefined> {
	const { settings } = run;
	if (!settings.downloadVideo || !isSucceeded(task.status)) return undefined;
	const content = (task.content ?? {}) as IDataObject;
	const taskId = String(task.id ?? run.taskId ?? 'video');
	if (typeof content.video_url !== 'string' || content.video_url === '') {
		throw new NodeOperationError(ctx.getNode(), `The task succeeded but has no video URL [item ${run.itemIndex}, task ${taskId}]`, {
			itemIndex: run.itemIndex,
		});
	}
	run.action = 'download';
	const binary: IBinaryKeyData = {
		[settings.binaryPropertyName]: await downloadMedia(
			ctx,
			// The timeout bounds waiting for the answer and silences in it, not a long body that keeps arriving.
			{ url: content.video_url, fileName: `${taskId}.mp4`, kind: 'video', timeoutMs: settings.requestTimeoutMs },
			run.transport,
		),
	};
	if (settings.downloadLastFrame && typeof content.last_frame_url === 'string' && content.last_frame_url !== '') {
		binary[settings.lastFrameBinaryPropertyName] = await downloadMedia(
			ctx,
			{ url: content.last_frame_url, fileName: `${taskId}-last-frame.png`, kind: 'image', timeoutMs: settings.requestTimeoutMs },
			run.transport,
		);
	}
	return binary;
}

/** Lists the given tasks in one request (Ark's filter.task_ids), for the status poller. */
async function listTasksById(ctx: Ctx, run: ItemRun, taskIds: string[]): Promise<IDataObject[]> {
	const answer = await apiRequest(
		ctx,
		{
			...run.call,
			method: 'GET',
			url: TASKS_PATH,
			body: undefined,
			qs: { 'filter.task_ids': taskIds, page_num: 1, page_size: taskIds.length },
			expect: 'taskList',
		},
		'read',
		run.transport,
	);
	return answer.items as IDataObject[];
}

/**
 * Waits for a task to finish (from a known state, or from a first read), then checks its
 * outcome and downloads its files. The run's status poller reads all waiting tasks together.
 */
async function finishTask(ctx: Ctx, run: ItemRun, taskId: string, known?: IDataObject): Promise<INodeExecutionData[]> {
	const { settings } = run;
	run.action = 'get';
	const reader: TaskReader = {
		taskId,
		intervalMs: settings.pollIntervalMs,
		readOne: async () => await readTask(ctx, run, taskId),
		readMany: async (taskIds) => await listTasksById(ctx, run, taskIds),
	};
	const { task, timedOut } = await waitForTask(
		{
			nextState: async () => await run.poller.nextState(reader),
			readNow: reader.readOne,
			stop: () => run.poller.forget(taskId),
		},
		{ maxWaitMs: settings.maxWaitMs, signal: run.transport.signal, cancelled: run.transport.cancelled },
		known ?? (await reader.readOne()),
	);
	if (timedOut) {
		if (settings.onTimeout === 'output') return [{ json: shapeTask({ ...task, id: task.id ?? taskId }, settings.simplify) }];
		throw new NodeOperationError(
			ctx.getNode(),
			`The task is still ${String(task.status)} after the maximum wait of ${settings.maxWaitMs / 1000} s [item ${run.itemIndex}, task ${taskId}]`,
			{
				itemIndex: run.itemIndex,
				description: `Task ID: ${taskId}. It keeps running: use "Wait for Task" or "Get Task" with this ID later, or raise "Max Wait".`,
			},
		);
	}
	if (!isSucceeded(task.status)) {
		throw taskEndedError(ctx.getNode(), run.itemIndex, { id: taskId, status: String(task.status), ...taskError(task) });
	}
	const binary = await downloadOutputs(ctx, run, task);
	return [{ json: shapeTask(task, settings.simplify), ...(binary ? { binary } : {}) }];
}

export async function sendGenerateVideo(this: Ctx, requestData: RequestData): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, 'create', async (run) => {
		const created = await apiRequest(this, { ...run.call, expect: 'created' }, 'billable', run.transport);
		const taskId = String(created.id);
		run.taskId = taskId;
		if (!run.settings.waitForCompletion) return [{ json: shapeTask({ ...created, id: taskId }, run.settings.simplify) }];
		const known = isInProgress(created.status) ? created : { ...created, status: 'queued' };
		return await finishTask(this, run, taskId, known);
	});
}

export async function sendGetTask(this: Ctx, requestData: RequestData): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, 'get', async (run) => {
		const taskId = taskIdFromPath(run.call.url);
		run.taskId = taskId;
		const task = await readTask(this, run, taskId);
		const binary = await downloadOutputs(this, run, task);
		return [{ json: shapeTask(task, run.settings.simplify), ...(binary ? { binary } : {}) }];
	});
}

export async function sendWaitForTask(this: Ctx, requestData: RequestData): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, 'get', async (run) => {
		const taskId = taskIdFromPath(run.call.url);
		run.taskId = taskId;
		return await finishTask(this, run, taskId);
	});
}

export async function sendDeleteTask(this: Ctx, requestData: RequestData): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, 'delete', async (run) => {
		const taskId = taskIdFromPath(run.call.url);
		run.taskId = taskId;
		await apiRequest(this, { ...run.call, expect: 'acknowledgement' }, 'billable', run.transport);
		return [{ json: { taskId, success: true } }];
	});
}

export async function sendListTasks(this: Ctx, requestData: RequestData): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, 'list', async (run) => {
		const returnAll = this.getNodeParameter('returnAll', false) as boolean;
		const limit = returnAll ? Infinity : Number(this.getNodeParameter('limit', 50));
		const tasks: IDataObject[] = [];
		for (let page = 1; tasks.length < limit; page++) {
			const pageSize = returnAll ? MAX_PAGE_SIZE : Math.min(limit - tasks.length, MAX_PAGE_SIZE);
			const answer = await apiRequest(
				this,
				{ ...run.call, qs: { ...(run.call.qs ?? {}), page_num: page, page_size: pageSize }, expect: 'taskList' },
				'read',
				run.transport,
			);
			const items = answer.items as IDataObject[];
			tasks.push(...items);
			const total = typeof answer.total === 'number' ? answer.total : undefined;
			if (items.length < pageSize || (total !== undefined && page * pageSize >= total)) break;
		}
		return tasks.slice(0, limit).map((task) => ({ json: shapeTask(task, run.settings.simplify) }));
	});
}
