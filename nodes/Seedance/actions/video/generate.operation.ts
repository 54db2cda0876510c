import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MODE_OPTIONS, MODEL_OPTIONS, SERVICE_TIER_OPTIONS } from '../../description/choices';
import { type ItemOperation, runOperation } from '../../execution/runOperation';
import {
	type AliasPair,
	ALIAS_PAIRS,
	type CreateRequest,
	createRequestBody,
	prepareCreateRequest,
} from '../../mapping/createRequest';
import { shapeTask } from '../../output/taskOutput';
import { createTask } from '../../transport/taskApi';
import { setCallbackUrl } from '../../waiting/callback/callbackMode';
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

const ADVANCED_DESCRIPTION =
	'Raw API fields, for compatibility with other APIs and for what Video Settings does not cover; each is sent under its API name, only when added. ' +
	'Some mean the same as a Video Setting or as each other: seconds = Duration, aspect_ratio = Aspect Ratio, size = Resolution, last_image_url = end_image_url. ' +
	'Set only one of each pair: the node refuses to run while both are set.';

/** A condition that holds when a parameter has a value (n8n displayOptions). */
const isSet = [{ _cnd: { exists: true as const } }];

/**
 * Fields that earlier versions of this node kept in Additional Fields (the same parameter,
 * now "Advanced API Fields") and that moved to Video Settings or to the top-level Mode. A
 * saved workflow keeps its value: the field shows, still sent, only while it holds a value,
 * and is never offered for adding. A value set in the new place wins (the first declared
 * field for an API property is sent, mapping/declaredFields.ts).
 */
function legacyFields(videoSettings: INodeProperties[], mode: INodeProperties): INodeProperties[] {
	const moved = [
		...videoSettings.map((field) => ({ field, place: 'Video Settings', newField: `Video Settings → ${field.displayName}` })),
		{ field: mode, place: 'the Top', newField: 'Mode (at the top of the form)' },
	];
	return moved.map(({ field, place, newField }) => ({
		...field,
		displayName: `${field.displayName} (Moved to ${place})`,
		description: `Saved by an earlier version of this node. Still sent as ${field.name} unless ${newField} is set; remove it here and use ${newField} instead.`,
		displayOptions: { show: { [field.name]: isSet } },
	}));
}

/** A notice shown while two fields that mean the same thing are both set. */
function aliasNotice(pair: AliasPair): INodeProperties {
	const [first, second] = pair;
	return {
		displayName: `${first.label} and ${second.label} mean the same: keep only one. The node refuses to run while both are set.`,
		name: `${second.apiName}AliasNotice`,
		type: 'notice',
		default: '',
		displayOptions: {
			show: {
				...showForGenerate.show,
				[`/${first.parameter}`]: first.parameterValue ? [first.parameterValue] : isSet,
				[`/${second.parameter}`]: isSet,
			},
		},
	};
}

/** The fields of Generate Video; `routing.send` names each field's API body property. */
const fields: INodeProperties[] = [
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
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: '',
		description:
			'How the model should use the content items. Auto sends no mode and lets the API tell from the items. Sent as the API field mode (Omni Reference: function_mode).',
		displayOptions: showForGenerate,
		// '' (Auto) is not sent (mapping/declaredFields.ts); 'omni_reference' is sent as function_mode (mapping/createRequest.ts).
		options: MODE_OPTIONS,
		routing: toBody('mode'),
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
		displayName: 'Video Settings',
		name: 'videoSettings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description: 'Length, size and look of the video. Each setting is sent under its API name, only when added here.',
		displayOptions: showForGenerate,
		options: [
			{
				displayName: 'Aspect Ratio',
				name: 'ratio',
				type: 'options',
				options: RATIOS,
				default: '16:9',
				description:
					'Width to height of the video. Adaptive follows the first-frame image (or lets the model choose). All models; Seedance also takes 21:9. API field ratio.',
				routing: toBody('ratio'),
			},
			{
				displayName: 'Camera Fixed',
				name: 'camera_fixed',
				type: 'boolean',
				default: false,
				description:
					'Whether to keep the camera still (no pans or zooms). Seedance 1.x on Volcengine Ark / BytePlus; Seedance 2.0 does not take it. API field camera_fixed.',
				routing: toBody('camera_fixed'),
			},
			{
				displayName: 'Duration (Seconds)',
				name: 'duration',
				type: 'number',
				typeOptions: { minValue: -1 },
				default: 5,
				description:
					'Length of the video in seconds. Seedance 1.0: 2-12; 1.5 Pro: 4-12; 2.0: 4-15, or -1 to let the model choose; Gemini Omni: 4, 6, 8 or 10. All providers. API field duration.',
				routing: toBody('duration'),
			},
			{
				displayName: 'Generate Audio',
				name: 'generate_audio',
				type: 'boolean',
				default: true,
				description:
					'Whether to generate sound (speech, effects, music) with the video. Seedance 1.5 Pro and 2.0 (2.0 does so unless this is off). API field generate_audio.',
				routing: toBody('generate_audio'),
			},
			{
				displayName: 'Resolution',
				name: 'resolution',
				type: 'options',
				options: [
					{ name: '480p', value: '480p', description: 'Cheapest and fastest' },
					{ name: '720p', value: '720p' },
					{ name: '1080p', value: '1080p', description: 'Seedance 1.0 and 1.5 Pro; not Seedance 2.0' },
				],
				default: '720p',
				description: 'Height of the video in pixels: 480p, 720p or 1080p (Seedance 2.0: 480p or 720p). API field resolution.',
				routing: toBody('resolution'),
			},
			{
				displayName: 'Return Last Frame',
				name: 'return_last_frame',
				type: 'boolean',
				default: true,
				description:
					'Whether the task should also return the video\'s last frame as an image, e.g. as the first frame of the next video (Volcengine Ark / BytePlus). Options → Download Last Frame downloads it. API field return_last_frame.',
				routing: toBody('return_last_frame'),
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				typeOptions: { minValue: -1, maxValue: 4294967295 },
				default: -1,
				description:
					'Random seed, -1 to 4294967295: the same seed and inputs give a similar video; -1 picks one at random (Volcengine Ark / BytePlus). API field seed.',
				routing: toBody('seed'),
			},
			{
				displayName: 'Service Tier',
				name: 'service_tier',
				type: 'options',
				options: SERVICE_TIER_OPTIONS,
				default: 'default',
				description:
					'Default, or Flex: half price but slower (minutes to hours). Volcengine Ark / BytePlus; not Seedance 2.0. API field service_tier.',
				routing: toBody('service_tier'),
			},
			{
				displayName: 'Watermark',
				name: 'watermark',
				type: 'boolean',
				default: false,
				description: 'Whether to add the provider\'s "AI generated" watermark to the video. All providers. API field watermark.',
				routing: toBody('watermark'),
			},
		],
	},
	{
		// Named additionalFields, as before: saved workflows keep their values here.
		displayName: 'Advanced API Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add API Field',
		default: {},
		description: ADVANCED_DESCRIPTION,
		displayOptions: showForGenerate,
		options: [
			{
				displayName: 'Aspect Ratio (Alias)',
				name: 'aspect_ratio',
				type: 'options',
				options: RATIOS,
				default: '16:9',
				description: 'Sent as aspect_ratio: the same as Video Settings → Aspect Ratio (ratio), for APIs that read this name. Set only one.',
				routing: toBody('aspect_ratio'),
			},
			{
				displayName: 'Audio URLs',
				name: 'audio_urls',
				type: 'string',
				typeOptions: { multipleValues: true },
				default: [],
				description: 'Sent as audio_urls: reference audio as a list of URLs, an alternative to Audio content items',
				routing: toBody('audio_urls'),
			},
			{
				displayName: 'Callback URL',
				name: 'callback_url',
				type: 'string',
				default: '',
				placeholder: '={{ $execution.resumeUrl }}',
				description:
					'Sent as callback_url. Volcengine Ark / BytePlus POST the task to this URL on every status change (e.g. an n8n Wait node\'s resume URL).',
				routing: toBody('callback_url'),
			},
			{
				displayName: 'Draft',
				name: 'draft',
				type: 'boolean',
				default: false,
				description: 'Whether to make a cheap draft first (Volcengine Ark). Sent as draft.',
				routing: toBody('draft'),
			},
			{
				displayName: 'End Image URL',
				name: 'end_image_url',
				type: 'string',
				default: '',
				description:
					'Sent as end_image_url: the last frame as a URL, an alternative to an Image content item with role Last Frame. Same as last_image_url: set only one.',
				routing: toBody('end_image_url'),
			},
			{
				displayName: 'Execution Expires After',
				name: 'execution_expires_after',
				type: 'number',
				typeOptions: { minValue: 3600, maxValue: 259200 },
				default: 172800,
				description: 'Sent as execution_expires_after: seconds (3600-259200) before an unfinished task expires (Volcengine Ark / BytePlus)',
				routing: toBody('execution_expires_after'),
			},
			{
				displayName: 'Extra Body (JSON)',
				name: 'extraBody',
				type: 'json',
				default: '{}',
				description: 'A JSON object merged into the request body last, over every other field, for fields the API adds later',
			},
			{
				displayName: 'FPS',
				name: 'fps',
				type: 'number',
				default: 24,
				description: 'Sent as fps: frames per second (the Seedance models make 24)',
				routing: toBody('fps'),
			},
			{
				displayName: 'Frames',
				name: 'frames',
				type: 'number',
				typeOptions: { minValue: 29, maxValue: 289 },
				default: 121,
				description: 'Sent as frames: number of frames, 25 + 4n between 29 and 289 (Volcengine Ark, Seedance 1.x); overrides the duration',
				routing: toBody('frames'),
			},
			{
				displayName: 'Function Mode',
				name: 'function_mode',
				type: 'string',
				default: '',
				placeholder: 'e.g. omni_reference',
				description: 'Sent as function_mode. For omni_reference, choose Mode → Omni Reference instead; set only one.',
				routing: toBody('function_mode'),
			},
			{
				displayName: 'Image URL',
				name: 'image_url',
				type: 'string',
				default: '',
				description: 'Sent as image_url: the first-frame image as a URL, an alternative to an Image content item',
				routing: toBody('image_url'),
			},
			{
				displayName: 'Image URLs',
				name: 'image_urls',
				type: 'string',
				typeOptions: { multipleValues: true },
				default: [],
				description: 'Sent as image_urls: reference images as a list of URLs, an alternative to Image content items',
				routing: toBody('image_urls'),
			},
			{
				displayName: 'Input Reference',
				name: 'input_reference',
				type: 'string',
				default: '',
				description: 'Sent as input_reference: a reference image URL, for APIs that read this name',
				routing: toBody('input_reference'),
			},
			{
				displayName: 'Last Image URL (Alias of End Image URL)',
				name: 'last_image_url',
				type: 'string',
				default: '',
				description: 'Sent as last_image_url: the same as end_image_url, for APIs that read this name. Set only one.',
				routing: toBody('last_image_url'),
			},
			{
				displayName: 'Quality',
				name: 'quality',
				type: 'string',
				default: '',
				description: 'Sent as quality, as the provider names it (aggregator)',
				routing: toBody('quality'),
			},
			{
				displayName: 'Seconds (Alias of Duration)',
				name: 'seconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description: 'Sent as seconds: the same as Video Settings → Duration (duration), for APIs that read this name. Set only one.',
				routing: toBody('seconds'),
			},
			{
				displayName: 'Size (Width × Height)',
				name: 'size',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1280x720',
				description: 'Sent as size: width x height in pixels, another way to say Video Settings → Resolution. Set only one.',
				routing: toBody('size'),
			},
			{
				displayName: 'Video URLs',
				name: 'video_urls',
				type: 'string',
				typeOptions: { multipleValues: true },
				default: [],
				description: 'Sent as video_urls: reference videos as a list of URLs, an alternative to Video content items',
				routing: toBody('video_urls'),
			},
		],
	},
];

const videoSettingsField = fields.find((field) => field.name === 'videoSettings')!;
const advancedField = fields.find((field) => field.name === 'additionalFields')!;
const modeField = fields.find((field) => field.name === 'mode')!;
advancedField.options = [...legacyFields(videoSettingsField.options as INodeProperties[], modeField), ...(advancedField.options ?? [])];

/** The fields of Generate Video, in form order, then the notices for fields set twice. */
export const description: INodeProperties[] = [...fields, ...ALIAS_PAIRS.map(aliasNotice)];

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
	createsTask: true,
	prepare(ctx, itemIndex, { baseURL, settings, callbackUrl }) {
		const request = prepareCreateRequest(ctx, itemIndex, description, baseURL);
		if (settings.waitMode === 'callback') setCallbackUrl(ctx.getNode(), itemIndex, request.body, request.extraBody, callbackUrl());
		return request;
	},
	async execute(ctx, item, request) {
		const created = await createTask(ctx, item, await createRequestBody(ctx, request));
		const taskId = String(created.id);
		item.noteTask(taskId, created.status ?? 'queued');
		if (!item.settings.waitForCompletion) return [{ json: shapeTask({ ...created, id: taskId }, item.settings.simplify) }];
		const known = isInProgress(created.status) ? created : { ...created, status: 'queued' };
		// Providers queue tasks per model: the model names the queue the task waits in.
		return await finishTask(ctx, item, taskId, known, String(request.body.model ?? ''));
	},
};

/** Creates each item's task, then (by default) waits for it and downloads the video. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, generate);
}
