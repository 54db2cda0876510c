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
	{ name: 'Default', value: 'default' },
	{ name: 'Flex (Half Price, Slower)', value: 'flex' },
];

