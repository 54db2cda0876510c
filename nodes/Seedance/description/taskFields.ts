import type { INodeProperties } from 'n8n-workflow';

export const taskIdField: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. cgt-20250331175019-68d9t',
	description: 'ID of the video task, as returned by Generate Video',
	displayOptions: { show: { resource: ['video'], operation: ['get', 'wait', 'delete'] } },
};
