import type { INodePropertyOptions } from 'n8n-workflow';

/** Option lists used by several fields. */

/** The models the aggregator documents; any other ID goes through "Custom Model ID". */
export const MODEL_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Gemini Omni', value: 'gemini-omni', description: 'Modes t2v, r2v and edit; duration 4, 6, 8 or 10 s' },
	{ name: 'Seedance 1.0 Lite I2V (250428)', value: 'doubao-seedance-1-0-lite-i2v-250428', description: 'Image to video, fast and cheap' },
	{ name: 'Seedance 1.0 Lite T2V (250428)', value: 'doubao-seedance-1-0-lite-t2v-250428', description: 'Text to video, fast and cheap' },
	{ name: 'Seedance 1.0 Pro (250528)', value: 'doubao-seedance-1-0-pro-250528', description: '2-12 s, up to 1080p' },
	{ name: 'Seedance 1.0 Pro Fast (251015)', value: 'doubao-seedance-1-0-pro-fast-251015', description: 'Faster, cheaper 1.0 Pro; 2-12 s' },
	{ name: 'Seedance 1.5 Pro (251215)', value: 'doubao-seedance-1-5-pro-251215', description: '4-12 s, with audio' },
	{ name: 'Seedance 2.0 (260128)', value: 'doubao-seedance-2-0-260128', description: '4-15 s; up to 9 reference images, 3 videos, 3 audio clips' },
	{ name: 'Seedance 2.0 Fast (260128)', value: 'doubao-seedance-2-0-fast-260128', description: 'Faster, cheaper 2.0; 4-15 s, same reference inputs' },
	{ name: 'Custom Model ID', value: 'custom', description: 'An Ark endpoint ID (ep-...), a BytePlus model name, or any other model ID' },
];

/** Ark's service tiers, for creating tasks and for filtering the task list. */
export const SERVICE_TIER_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Default', value: 'default', description: 'Full price, the usual speed' },
	{ name: 'Flex (Half Price, Slower)', value: 'flex', description: 'Half price; the task may take minutes to hours' },
];

/**
 * Generate Video's Mode, sent as the API field mode. Auto ('') sends nothing: the API tells
 * the mode from the content items. Omni Reference is sent as function_mode instead
 * (mapping/createRequest.ts). Each option says which content items it needs.
 */
export const OMNI_REFERENCE = 'omni_reference';
export const MODE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Auto', value: '', description: 'Send no mode: the API chooses it from the content items (recommended)' },
	{
		name: 'Edit (Gemini Omni)',
		value: 'edit',
		description: 'Gemini Omni only: change a video. Needs one Video item (the clip to edit); the prompt says what to change. Sends mode edit.',
	},
	{
		name: 'First and Last Frame',
		value: 'i2v_first_last',
		description: 'Needs two Image items, one with role First Frame and one with role Last Frame; the video moves from one to the other. Sends mode i2v_first_last.',
	},
	{
		name: 'Image to Video',
		value: 'i2v',
		description: 'Needs one Image item with role First Frame (or no role): the video starts from it. Sends mode i2v.',
	},
	{
		name: 'Omni Reference (Function Mode)',
		value: OMNI_REFERENCE,
		description:
			'Seedance 2.0: images, videos and audio as references (roles Reference Image / Video / Audio), named so the prompt can refer to them. Sends function_mode omni_reference instead of mode.',
	},
	{
		name: 'Reference Images',
		value: 'reference_images',
		description: 'Needs 1-4 Image items with role Reference Image (Seedance 2.0: up to 9): the subjects or style to keep. Sends mode reference_images.',
	},
	{
		name: 'Reference Material',
		value: 'reference_material',
		description:
			'Needs Image, Video or Audio items with roles Reference Image / Video / Audio (Seedance 2.0: up to 9 images, 3 videos, 3 audio clips; audio needs an image or video beside it). Sends mode reference_material.',
	},
	{
		name: 'Reference to Video (Gemini Omni)',
		value: 'r2v',
		description: 'Gemini Omni only: needs one or more Image items with role Reference Image. Sends mode r2v.',
	},
	{ name: 'Text to Video', value: 't2v', description: 'The prompt alone, no image items. Sends mode t2v.' },
];

