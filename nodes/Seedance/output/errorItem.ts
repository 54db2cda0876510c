import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { TaskAwareError } from '../errors/nodeErrors';
import type { TaskRecord } from '../execution/runContext';

/** Where n8n sends failed items: "Continue (using error output)" or "Continue (regular output)". */
export type ErrorRoute = 'errorOutput' | 'mainOutput';

/**
 * A failed item under Continue On Fail, carrying what a user acts on: the message, the task ID
 * and its last known status when a task exists, and the HTTP status when the API answered.
 *
 * n8n routes an item to the error output only when its JSON holds nothing but `error`,
 * `message` and `details` (an item with `error` set loses its JSON to n8n), and then merges it
 * with its input item. So for the error output the facts go under `details`; on the main
 * output they sit beside `error`, where the next node reads `$json.taskId`.
 */
export function errorItem(
	error: TaskAwareError,
	itemIndex: number,
	route: ErrorRoute,
	task?: TaskRecord,
): INodeExecutionData {
	const facts: IDataObject = {};
	const taskId = task?.taskId ?? error.taskId;
	if (taskId) facts.taskId = taskId;
	if (taskId && task?.status) facts.taskStatus = task.status;
	const httpCode = 'httpCode' in error ? error.httpCode : undefined;
	if (httpCode) facts.httpCode = httpCode;
	if (error.description) facts.description = error.description;
	const json: IDataObject = route === 'errorOutput' ? { error: error.message, details: facts } : { error: error.message, ...facts };
	return { json, pairedItem: { item: itemIndex } };
}
