import type { INodeProperties } from 'n8n-workflow';

import { waitAndOutputFields } from '../../description/waitAndOutput';
import * as cancelOrDelete from './delete.operation';
import * as generate from './generate.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as wait from './wait.operation';

/**
 * The Video resource: its operation selector and every operation's fields. Each operation
 * runs as one of the node's custom operations (actions/router.ts), with the whole run in hand.
 */
export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'generate',
	displayOptions: { show: { resource: ['video'] } },
	options: [
		{
			name: 'Cancel or Delete Task',
			value: 'delete',
			action: 'Cancel or delete a task',
			description:
				'Cancel a queued task, or delete a finished one from the task list (Volcengine Ark / BytePlus only). Needs a task ID.',
		},
		{
			name: 'Generate Video',
			value: 'generate',
			action: 'Generate a video',
			description:
				'Create a video generation task from a prompt (and optional images, videos or audio), wait until it finishes, and return the video file',
		},
		{
			name: 'Get Task',
			value: 'get',
			action: 'Get a task',
			description: 'Read the current status of a video task by its ID, and download its video if it has finished',
		},
		{
			name: 'List Tasks',
			value: 'list',
			action: 'List tasks',
			description:
				'List recent video tasks (last 7 days), filtered by status, IDs, model or service tier (Volcengine Ark / BytePlus only)',
		},
		{
			name: 'Wait for Task',
			value: 'wait',
			action: 'Wait for a task',
			description: 'Wait until a task created elsewhere (or without waiting) finishes, then return it with its video file',
		},
	],
};

export const videoProperties: INodeProperties[] = [
	operationProperty,
	...generate.description,
	// Get, Wait and Cancel/Delete share one Task ID field.
	...get.description,
	...list.description,
	...waitAndOutputFields,
	generate.retryNotice,
];

/** Each operation's run, for the node's customOperations. */
export const videoOperations = {
	delete: cancelOrDelete.execute,
	generate: generate.execute,
	get: get.execute,
	list: list.execute,
	wait: wait.execute,
};
