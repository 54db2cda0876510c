import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { downloadOutputs } from '../../download/downloadOutputs';
import { taskIdField } from '../../description/taskFields';
import { runOperation, taskIdOperation } from '../../execution/runOperation';
import { shapeTask } from '../../output/taskOutput';
import { readTask } from '../../transport/taskApi';

/** Get Task takes a task ID (shared with Wait for Task and Cancel or Delete Task). */
export const description: INodeProperties[] = [taskIdField];

const getTask = taskIdOperation('get', async (ctx, item, taskId) => {
	const task = await readTask(ctx, item, taskId);
	item.noteTask(taskId, task.status);
	const binary = await downloadOutputs(ctx, item, task);
	return [{ json: shapeTask(task, item.settings.simplify), ...(binary ? { binary } : {}) }];
});

/** Reads each item's task once, and downloads its video when it has finished. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, getTask);
}
