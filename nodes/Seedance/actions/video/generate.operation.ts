import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MODEL_OPTIONS, SERVICE_TIER_OPTIONS } from '../../description/choices';
import { type ItemOperation, runOperation } from '../../execution/runOperation';
import { type CreateRequest, createRequestBody, prepareCreateRequest } from '../../mapping/createRequest';
import { shapeTask } from '../../output/taskOutput';
import { createTask } from '../../transport/taskApi';
import { finishTask } from '../../waiting/finishTask';
import { isInProgress } from '../../waiting/taskStatus';

const showForGenerate = { show: { resource: ['video'], operation: ['generate'] } };

const RATIOS: INodePropertyOptions[] = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'].map((ratio) => ({
	name: ratio === 'adaptive' ? 'Adaptive' : ratio,
	value: ratio,
}));

/** A body field sent under its documented API name, only when the user adds it. */
function toBody(property: string) {
	return { send: { type: 'body' as const, property, propertyInDotNotation: false } };
}

/** The fields of Generate Video; `routing.send` names each field's API body property. */
export const description: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: MODEL_OPTIONS,
		default: 'doubao-seedance-1-0-pro-250528',
		required: true,
		description: 'The video model. Choose "Custom Model ID" for an Ark endpoint ID (ep-...) or a BytePlus model name.',
		displayOptions: showForGenerate,
		// "custom" is replaced by the Custom Model ID (mapping/createRequest.ts).
		routing: toBody('model'),
	},
	{
		displayName: 'Custom Model ID',
		name: 'customModel',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. ep-20250101000000-abcde or seedance-1-5-pro-251215',
		description: 'Any model ID the provider accepts',
		displayOptions: { show: { resource: ['video'], operation: ['generate'], model: ['custom'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. A red fox runs through fresh snow at dawn, cinematic, slow motion',
		description:
			'What the video should show. Refer to named content items as "image 1", "video 2". Sent as the prompt field, or as the first text content item for Volcengine Ark / BytePlus.',
		displayOptions: showForGenerate,
		// No routing: mapping/createRequest.ts places the prompt (prompt field or first content item) by provider.
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Content Item',
		default: {},
		description: 'Images, videos, audio or extra text sent as content[], in this order',
		displayOptions: showForGenerate,
		options: [
			{
				displayName: 'Item',
				name: 'item',
				values: [
					{
						displayName: 'Content Type',
						name: 'type',
						type: 'options',
						default: 'image',
						description: 'What this item is; the fields below change with it',
						options: [
							{ name: 'Audio', value: 'audio' },
							{ name: 'Draft Task (Ark)', value: 'draft_task' },
							{ name: 'Image', value: 'image' },
							{ name: 'Text', value: 'text' },
							{ name: 'Video', value: 'video' },
						],
					},
					{
						displayName: 'Draft Task ID',
						name: 'draftTaskId',
						type: 'string',
						default: '',
						description: 'ID of a draft task to turn into the final video (Ark)',
						displayOptions: { show: { type: ['draft_task'] } },
					},
					{
						displayName: 'Image Source',
						name: 'source',
						type: 'options',
						default: 'url',
						options: [
							{ name: 'Binary File', value: 'binary', description: 'A file of the input item, e.g. from a Form Trigger upload' },
							{ name: 'URL', value: 'url', description: 'An http(s) URL or a data URL' },
						],
						displayOptions: { show: { type: ['image'] } },
					},
					{
						displayName: 'Input Binary Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'Binary field of the input item holding the image; sent as a data URL, 30 MB at most',
						displayOptions: { show: { type: ['image'], source: ['binary'] } },
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. 1',
						description: 'Lets the prompt refer to this item ("image 1")',
						displayOptions: { show: { type: ['image', 'video', 'audio'] } },
					},
					{
						displayName: 'Role',
						name: 'role',
						type: 'options',
						default: '',
						options: [
							{ name: 'First Frame', value: 'first_frame' },
							{ name: 'Last Frame', value: 'last_frame' },
							{ name: 'None', value: '' },
							{ name: 'Reference Audio', value: 'reference_audio' },
							{ name: 'Reference Image', value: 'reference_image' },
							{ name: 'Reference Video', value: 'reference_video' },
						],
						displayOptions: { show: { type: ['image', 'video', 'audio'] } },
					},
					{
						displayName: 'Text',
						name: 'text',
						type: 'string',
						typeOptions: { rows: 2 },
						default: '',
						displayOptions: { show: { type: ['text'] } },
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/first-frame.png',
						description: 'Public http(s) URL of the image, or a data URL (data:image/png;base64,...)',
						displayOptions: { show: { type: ['image'], source: ['url'] } },
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/clip.mp4',
						description: 'Public http(s) URL of the file',
						displayOptions: { show: { type: ['video', 'audio'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Further request body fields, sent under their API names only when added here',
		displayOptions: showForGenerate,
		options: [
			{
				displayName: 'Aspect Ratio',
				name: 'aspect_ratio',
				type: 'options',
				options: RATIOS,
				default: '16:9',
				description: 'API field aspect_ratio',
				routing: toBody('aspect_ratio'),
			},
			{
				displayName: 'Audio URLs',
				name: 'audio_urls',
				type: 'string',
				typeOptions: { multipleValues: true },
				default: [],
				description: 'API field audio_urls',
				routing: toBody('audio_urls'),
			},
			{
				displayName: 'Callback URL',
				name: 'callback_url',
				type: 'string',
				default: '',
				placeholder: '={{ $execution.resumeUrl }}',
				description: 'API field callback_url. Ark POSTs the task to this URL on every status change (e.g. an n8n Wait node\'s resume URL).',
				routing: toBody('callback_url'),
			},
			{
				displayName: 'Camera Fixed',
				name: 'camera_fixed',
				type: 'boolean',
				default: false,
				description: 'Whether to keep the camera still. API field camera_fixed.',
				routing: toBody('camera_fixed'),
			},
			{
				displayName: 'Draft',
				name: 'draft',
				type: 'boolean',
				default: false,
				description: 'Whether to make a cheap draft first (Ark). API field draft.',
				routing: toBody('draft'),
			},
			{
				displayName: 'Duration',
				name: 'duration',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description: 'API field duration. Seconds of video (1.0: 2-12, 1.5: 4-12, 2.0: 4-15).',
				routing: toBody('duration'),
			},
			{
				displayName: 'End Image URL',
				name: 'end_image_url',
				type: 'string',
				default: '',
				description: 'API field end_image_url',
				routing: toBody('end_image_url'),
			},
			{
				displayName: 'Execution Expires After',
				name: 'execution_expires_after',
				type: 'number',
				typeOptions: { minValue: 3600, maxValue: 259200 },
				default: 172800,
				description: 'API field execution_expires_after. Seconds before an unfinished task expires (Ark).',
				routing: toBody('execution_expires_after'),
			},
			{
				displayName: 'Extra Body',
				name: 'extraBody',
				type: 'json',
				default: '{}',
				description: 'API field JSON. A JSON object merged into the request body last, for fields the API adds later.',
			},
			{
				displayName: 'FPS',
				name: 'fps',
				type: 'number',
				default: 24,
				description: 'API field fps',
				routing: toBody('fps'),
			},
			{
				displayName: 'Frames',
				name: 'frames',
				type: 'number',
				typeOptions: { minValue: 29, maxValue: 289 },
				default: 121,
				description: 'API field frames. Number of frames, 25 + 4n (Ark); overrides duration.',
				routing: toBody('frames'),
			},
			{
				displayName: 'Function Mode',
				name: 'function_mode',
				type: 'string',
				default: '',
				placeholder: 'e.g. omni_reference',
				description: 'API field function_mode',
				routing: toBody('function_mode'),
			},
			{
				displayName: 'Generate Audio',
				name: 'generate_audio',
				type: 'boolean',
				default: true,
				description: 'Whether to generate a soundtrack. API field generate_audio.',
				routing: toBody('generate_audio'),
			},
			{
				displayName: 'Image URL',
				name: 'image_url',
				type: 'string',
				default: '',
				description: 'API field image_url',
				routing: toBody('image_url'),
			},
			{
				displayName: 'Image URLs',
				name: 'image_urls',
				type: 'string',
				typeOptions: { multipleValues: true },
				default: [],
				description: 'API field image_urls',
				routing: toBody('image_urls'),
			},
			{
				displayName: 'Input Reference',
				name: 'input_reference',
				type: 'string',
				default: '',
				description: 'API field input_reference',
				routing: toBody('input_reference'),
			},
			{
				displayName: 'Last Image URL',
				name: 'last_image_url',
				type: 'string',
				default: '',
				description: 'API field last_image_url',
				routing: toBody('last_image_url'),
			},
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				default: 't2v',
				options: [
					{ name: 'Edit (Gemini Omni)', value: 'edit' },
					{ name: 'First and Last Frame to Video', value: 'i2v_first_last' },
					{ name: 'Image to Video', value: 'i2v' },
					{ name: 'Reference Images', value: 'reference_images' },
					{ name: 'Reference Material', value: 'reference_material' },
					{ name: 'Reference to Video (Gemini Omni)', value: 'r2v' },
					{ name: 'Text to Video', value: 't2v' },
				],
				description: 'API field mode',
				routing: toBody('mode'),
			},
			{
				displayName: 'Quality',
				name: 'quality',
				type: 'string',
				default: '',
				description: 'API field quality',
				routing: toBody('quality'),
			},
			{
				displayName: 'Ratio',
				name: 'ratio',
				type: 'options',
				options: RATIOS,
				default: '16:9',
				description: 'API field ratio',
				routing: toBody('ratio'),
			},
			{
				displayName: 'Resolution',
				name: 'resolution',
				type: 'options',
				options: [
					{ name: '480p', value: '480p' },
					{ name: '720p', value: '720p' },
					{ name: '1080p', value: '1080p' },
				],
				default: '720p',
				description: 'API field resolution',
				routing: toBody('resolution'),
			},
			{
				displayName: 'Return Last Frame',
				name: 'return_last_frame',
				type: 'boolean',
				default: true,
				description: 'Whether the task should also return its last frame as an image (Ark). API field return_last_frame.',
				routing: toBody('return_last_frame'),
			},
			{
				displayName: 'Seconds',
				name: 'seconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description: 'API field seconds. Alias of duration.',
				routing: toBody('seconds'),
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				typeOptions: { minValue: -1, maxValue: 4294967295 },
				default: -1,
				description: 'API field seed',
				routing: toBody('seed'),
			},
			{
				displayName: 'Service Tier',
				name: 'service_tier',
				type: 'options',
				options: SERVICE_TIER_OPTIONS,
				default: 'default',
				description: 'API field service_tier',
				routing: toBody('service_tier'),
			},
			{
				displayName: 'Size',
				name: 'size',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1280x720',
				description: 'API field size',
				routing: toBody('size'),
			},
			{
				displayName: 'Video URLs',
				name: 'video_urls',
				type: 'string',
				typeOptions: { multipleValues: true },
				default: [],
				description: 'API field video_urls',
				routing: toBody('video_urls'),
			},
			{
				displayName: 'Watermark',
				name: 'watermark',
				type: 'boolean',
				default: false,
				description: 'Whether to add a watermark. API field watermark.',
				routing: toBody('watermark'),
			},
		],
	},
];

/** Shown under Generate Video: n8n's own Retry On Fail would send the create again. */
export const retryNotice: INodeProperties = {
	displayName:
		'Each run creates paid tasks. Leave n8n\'s "Retry On Fail" setting off for this operation: a retry creates new tasks. The node already retries what is safe to retry (refused connections, rate limits, status reads and downloads) and never sends a create twice when the first may have been accepted.',
	name: 'retryOnFailNotice',
	type: 'notice',
	default: '',
	displayOptions: showForGenerate,
};

const generate: ItemOperation<CreateRequest> = {
	firstAction: 'create',
	prepare: (ctx, itemIndex, { baseURL }) => prepareCreateRequest(ctx, itemIndex, description, baseURL),
	async execute(ctx, item, request) {
		const created = await createTask(ctx, item, await createRequestBody(ctx, request));
		const taskId = String(created.id);
		item.noteTask(taskId, created.status ?? 'queued');
		if (!item.settings.waitForCompletion) return [{ json: shapeTask({ ...created, id: taskId }, item.settings.simplify) }];
		const known = isInProgress(created.status) ? created : { ...created, status: 'queued' };
		return await finishTask(ctx, item, taskId, known);
	},
};

/** Creates each item's task, then (by default) waits for it and downloads the video. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, generate);
}
