import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ItemRun } from '../execution/itemRun';
import { TASKS_PATH, taskPath } from '../mapping/taskId';
import { type ApiCall, apiRequest, type RequestContext } from './apiRequest';
import type { RetryPolicyName } from './retryPolicy';

/**
 * Where a call goes and how it is sent: an item of the node's run, or the trigger's webhook
 * call (which has no run, only a base URL and a transport of its own).
 */
export type ApiTarget = Pick<ItemRun, 'baseURL' | 'transport'>;

/** One call against the credential's base URL, through the target's transport. */
async function call(
	ctx: RequestContext,
	item: ApiTarget,
	request: Omit<ApiCall, 'baseURL'>,
	policy: RetryPolicyName,
): Promise<IDataObject> {
	return await apiRequest(ctx, { ...request, baseURL: item.baseURL }, policy, item.transport);
}

/**
 * The task endpoints of the API, each one request through the transport (limiter, retry
 * policy, errors that name the item and the task).
 */

/** POST the create request: billable, so never re-sent unless the server certainly refused it. */
export async function createTask(ctx: IExecuteFunctions, item: ItemRun, body: IDataObject): Promise<IDataObject> {
	return await call(ctx, item, { method: 'POST', url: TASKS_PATH, body, expect: 'created' }, 'billable');
}

/** GET one task: the full task object. */
export async function readTask(ctx: RequestContext, item: ApiTarget, taskId: string): Promise<IDataObject> {
	return await call(ctx, item, { method: 'GET', url: taskPath(taskId), expect: 'task' }, 'read');
}

/** One page of the task list (Ark and BytePlus): `{ total, items }`, items are list items, not task objects. */
export async function listTasksPage(ctx: RequestContext, item: ApiTarget, qs: IDataObject): Promise<IDataObject> {
	return await call(ctx, item, { method: 'GET', url: TASKS_PATH, qs, expect: 'taskList' }, 'read');
}

/** Lists the given tasks in one request (Ark's filter.task_ids), for the status poller. */
export async function listTasksById(ctx: RequestContext, item: ApiTarget, taskIds: string[]): Promise<IDataObject[]> {
	const answer = await listTasksPage(ctx, item, { 'filter.task_ids': taskIds, page_num: 1, page_size: taskIds.length });
	return answer.items as IDataObject[];
}

/** DELETE a task: cancels a queued one, deletes a finished one. Must not act twice. */
export async function deleteTask(ctx: IExecuteFunctions, item: ItemRun, taskId: string): Promise<void> {
	await call(ctx, item, { method: 'DELETE', url: taskPath(taskId), expect: 'acknowledgement' }, 'billable');
}
