import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { taskIdField } from '../../description/taskFields';
import { type ItemOperation, runOperation } from '../../execution/runOperation';
import { readTaskId } from '../../mapping/taskId';
import { deleteTask } from '../../transport/taskApi';

/** Cancel or Delete Task takes a task ID (shared with Get Task and Wait for Task). */
export const description: INodeProperties[] = [taskIdField];

const cancelOrDelete: ItemOperation<string> = {
	firstAction: 'delete',
	prepare: (ctx, itemIndex) => readTaskId(ctx, itemIndex),
	async execute(ctx, item, taskId) {
		item.taskId = taskId;
		await deleteTask(ctx, item, taskId);
		return [{ json: { taskId, success: true } }];
	},
};

/** Cancels each item's queued task, or deletes its finished one (Ark and BytePlus). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, cancelOrDelete);
}
