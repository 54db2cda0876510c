import type { INodeProperties } from 'n8n-workflow';

import { FINAL_STATUSES, OTHER_FINAL_STATUS } from './triggerSettings';

/** The trigger's fields: which callbacks start the workflow, and what the item carries. */
export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Put this node\'s Production URL (Webhook URLs, above) in the "Callback URL" of the tasks you create (Seedance: Generate Video with Wait for Completion off, or any other client). The provider must be able to reach it: set n8n\'s WEBHOOK_URL to its public address. Every callback is checked by reading the task from the API with the credential; the callback\'s own body is not trusted.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: [
			{ name: 'Cancelled', value: 'cancelled', description: 'Cancelled while queued (Ark)' },
			{ name: 'Expired', value: 'expired', description: 'Not finished in time' },
			{ name: 'Failed', value: 'failed', description: 'Ended with an error' },
			{ name: 'Other Final Status', value: OTHER_FINAL_STATUS, description: 'Any final status this node does not know yet' },
			{ name: 'Queued', value: 'queued', description: 'Created, waiting to run (not final)' },
			{ name: 'Running', value: 'running', description: 'Being generated (not final)' },
			{ name: 'Succeeded', value: 'succeeded', description: 'The video is ready' },
		],
		default: [...FINAL_STATUSES],
		description:
			'Which task statuses start the workflow. The status is the one the API reports when the callback arrives, not the one in the callback.',
	},
	{
		displayName: 'Once per Task',
		name: 'oncePerTask',
		type: 'boolean',
		default: true,
		description:
			'Whether a task starts the workflow at most once per status, even when the provider repeats a callback (this node remembers the last 1000)',
	},
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: true,
		description: 'Whether to put the video of a succeeded task into the output item as binary data',
	},
	{
		displayName: 'Put Video in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Binary field of the output item for the video',
		displayOptions: { show: { downloadVideo: [true] } },
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a flat item (task ID, status, video URL, ...) instead of the raw API task object',
	},
];
