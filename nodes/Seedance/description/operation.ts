import type { INodeProperties } from 'n8n-workflow';

import {
	sendDeleteTask,
	sendGenerateVideo,
	sendGetTask,
	sendListTasks,
	sendWaitForTask,
} from '../execution/operations';
import { prepareCreateRequest } from '../mapping/createRequest';
import { TASKS_PATH } from '../mapping/taskId';
import { prepareListRequest, prepareTaskRequest } from '../mapping/taskRequests';

/**
 * The operation selector. Each option carries its request (method and path), its preSend
 * checks, and its send step (see execution/operations.ts for why `paginate` is set).
 */
export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'generate',
	options: [
		{
			name: 'Cancel or Delete Task',
			value: 'delete',
			action: 'Cancel or delete a task',
			description:
				'Cancel a queued task, or delete a finished one from the task list (Volcengine Ark / BytePlus only). Needs a task ID.',
			routing: {
				request: { method: 'DELETE', url: TASKS_PATH },
				send: { preSend: [prepareTaskRequest], paginate: true },
				operations: { pagination: sendDeleteTask },
			},
		},
		{
			name: 'Generate Video',
			value: 'generate',
			action: 'Generate a video',
			description:
				'Create a video generation task from a prompt (and optional images, videos or audio), wait until it finishes, and return the video file',
			routing: {
				request: { method: 'POST', url: TASKS_PATH },
				send: { preSend: [prepareCreateRequest], paginate: true },
				operations: { pagination: sendGenerateVideo },
			},
		},
		{
			name: 'Get Task',
			value: 'get',
			action: 'Get a task',
			description: 'Read the current status of a video task by its ID, and download its video if it has finished',
			routing: {
				request: { method: 'GET', url: TASKS_PATH },
				send: { preSend: [prepareTaskRequest], paginate: true },
				operations: { pagination: sendGetTask },
			},
		},
		{
			name: 'List Tasks',
			value: 'list',
			action: 'List tasks',
			description:
				'List recent video tasks (last 7 days), filtered by status, IDs, model or service tier (Volcengine Ark / BytePlus only)',
			routing: {
				request: { method: 'GET', url: TASKS_PATH },
				send: { preSend: [prepareListRequest], paginate: true },
				operations: { pagination: sendListTasks },
			},
		},
		{
			name: 'Wait for Task',
			value: 'wait',
			action: 'Wait for a task',
			description:
				'Wait until a task created elsewhere (or without waiting) finishes, then return it with its video file',
			routing: {
				request: { method: 'GET', url: TASKS_PATH },
				send: { preSend: [prepareTaskRequest], paginate: true },
				operations: { pagination: sendWaitForTask },
			},
		},
	],
};
