import type { INodeProperties } from 'n8n-workflow';

const WAITING_OPERATIONS = ['generate', 'wait'];
const DOWNLOADING_OPERATIONS = ['generate', 'get', 'wait'];

/**
 * Waiting, download and output settings, shared by the operations that use them. The
 * defaults are literals (n8n's lint reads them); execution/itemSettings.ts holds the same values.
 * Proxy, timeout and certificate checks are n8n's own Request Options in the Settings tab
 * (transport/connectionSettings.ts).
 */
export const waitAndOutputFields: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the video is ready. Off: output the new task (with its ID) at once, e.g. to continue with a callback or a later "Wait for Task".',
		displayOptions: { show: { resource: ['video'], operation: ['generate'] } },
	},
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		default: 'poll',
		options: [
			{
				name: 'Poll',
				value: 'poll',
				description: 'Read the tasks\' status every Poll Interval. Works with every provider; the execution runs (and holds its worker) until the videos are ready.',
			},
			{
				name: 'Callback (Frees the Worker)',
				value: 'callback',
				description:
					'The provider calls n8n back when a task changes; meanwhile the execution waits in n8n\'s database and no process holds it. Volcengine Ark and BytePlus only.',
			},
		],
		description: 'How to wait for the tasks. The output is the same either way.',
		displayOptions: { show: { resource: ['video'], operation: WAITING_OPERATIONS }, hide: { waitForCompletion: [false] } },
	},
	{
		displayName:
			'Callback mode: the provider POSTs each task\'s progress to this execution\'s resume URL, so n8n must be reachable from it at its public URL (set WEBHOOK_URL). The execution shows as Waiting until every task has ended, then downloads the videos. On Timeout: nothing is read then; each item reports its task as last seen. Wait for Task: create the tasks in this execution with Callback URL = {{ $execution.resumeUrl }}.',
		name: 'callbackModeNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			show: { resource: ['video'], operation: WAITING_OPERATIONS, waitMode: ['callback'] },
			hide: { waitForCompletion: [false] },
		},
	},
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: true,
		description: 'Whether to put the finished video into the output item as binary data',
		displayOptions: {
			show: { resource: ['video'], operation: DOWNLOADING_OPERATIONS },
			hide: { waitForCompletion: [false] },
		},
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a flat item (task ID, status, video URL, ...) instead of the raw API task object',
		displayOptions: { show: { resource: ['video'], operation: ['generate', 'get', 'wait', 'list'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				displayName: 'Download Last Frame',
				name: 'downloadLastFrame',
				type: 'boolean',
				default: false,
				description: 'Whether to also download the last frame (when the task was created with return_last_frame)',
				displayOptions: { show: { '/operation': DOWNLOADING_OPERATIONS } },
			},
			{
				displayName: 'Max Concurrent Requests',
				name: 'maxConcurrentRequests',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description:
					'How many HTTP requests this node may have open at once across all items. Tasks of all items are still created and waited on together.',
			},
			{
				displayName: 'Max Running Tasks',
				name: 'maxRunningTasks',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'How many of this run\'s tasks may be unfinished at the provider at once; further creates wait in n8n for a place. Set it to the provider\'s running-task limit (Ark: 10 for Seedance 1.0 Pro, 5 for 1.0 Lite) so tasks do not pile up queued. 0: no limit.',
				displayOptions: { show: { '/operation': ['generate'], '/waitMode': ['poll'] } },
			},
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWait',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1200,
				description:
					'How long to wait for a task before giving up (see "On Timeout"). In Callback mode the execution waits in n8n this long at most; n8n checks for due waits about once a minute.',
				displayOptions: { show: { '/operation': WAITING_OPERATIONS } },
			},
			{
				displayName: 'On Timeout',
				name: 'onTimeout',
				type: 'options',
				default: 'error',
				options: [
					{ name: 'Fail With the Task ID', value: 'error', description: 'The item fails; the message carries the task ID' },
					{ name: 'Output the Running Task', value: 'output', description: 'Output the task as it is (queued or running)' },
				],
				description: 'What to do when the maximum wait passes and the task is still running',
				displayOptions: { show: { '/operation': WAITING_OPERATIONS } },
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description:
					'How often to check the tasks while waiting (Wait Mode: Poll). Where tasks are read one by one, a check reads only those that can have moved on: running tasks once they have run as long as the shortest task so far, and the oldest queued ones.',
				displayOptions: { show: { '/operation': WAITING_OPERATIONS, '/waitMode': ['poll'] } },
			},
			{
				displayName: 'Prompt Placement',
				name: 'promptPlacement',
				type: 'options',
				default: 'auto',
				options: [
					{ name: 'Auto (by Base URL)', value: 'auto', description: 'Ark and BytePlus hosts: content text item; others: prompt field' },
					{ name: 'Both', value: 'both' },
					{ name: 'Content Text Item', value: 'contentText' },
					{ name: 'Prompt Field', value: 'promptField' },
				],
				description: 'Where the prompt goes in the request body',
				displayOptions: { show: { '/operation': ['generate'] } },
			},
			{
				displayName: 'Put Last Frame in Field',
				name: 'lastFrameBinaryPropertyName',
				type: 'string',
				default: 'lastFrame',
				description: 'Binary field of the output item for the last frame',
				displayOptions: { show: { '/operation': DOWNLOADING_OPERATIONS } },
			},
			{
				displayName: 'Put Video in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'Binary field of the output item for the video',
				displayOptions: { show: { '/operation': DOWNLOADING_OPERATIONS } },
			},
			{
				displayName: 'Requests per Minute',
				name: 'requestsPerMinute',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'The provider\'s request budget for this API key (Ark: 600 for Seedance 1.0 Pro, 300 for 1.0 Lite). The run spreads its requests to stay within it. 0: learn it from the provider\'s first "Too Many Requests" (HTTP 429) answer.',
			},
		],
	},
];
