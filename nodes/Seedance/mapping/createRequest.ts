import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { OMNI_REFERENCE } from '../description/choices';
import { inputError } from '../errors/nodeErrors';
import { checkContentItem, type ContentItemParameter, toContentEntry } from './contentItems';
import { isArkHost } from '../transport/provider';
import { declaredValues } from './declaredFields';

export type PromptPlacement = 'auto' | 'promptField' | 'contentText' | 'both';

export function usesContentPrompt(placement: PromptPlacement, baseURL: string | undefined): boolean {
	if (placement === 'contentText') return true;
	if (placement === 'promptField') return false;
	// Ark and BytePlus hosts take the prompt as the first text item of `content[]`.
	return isArkHost(baseURL);
}

function parseExtraBody(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const raw = ctx.getNodeParameter('additionalFields.extraBody', itemIndex, '') as unknown;
	if (raw === '' || raw === undefined || raw === null) return {};
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = JSON.parse(raw);
		} catch (error) {
			throw inputError(ctx.getNode(), itemIndex, 'Extra Body (JSON)', `is not valid JSON (${(error as Error).message})`);
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw inputError(ctx.getNode(), itemIndex, 'Extra Body (JSON)', 'must be a JSON object');
	}
	return parsed as IDataObject;
}

/** One of two fields that mean the same thing: its label in the form, parameter path and API name. */
export interface AliasSide {
	label: string;
	parameter: string;
	apiName: string;
	/** Set only when the parameter has this value (a Mode choice); otherwise whenever it has one. */
	parameterValue?: string;
}
export type AliasPair = [AliasSide, AliasSide];

/**
 * Fields that mean the same thing. The API's behaviour with both is undocumented, so a run
 * with both set is refused before any request (and the form shows a notice while both are set).
 */
export const ALIAS_PAIRS: AliasPair[] = [
	[
		{ label: 'Video Settings → Duration', parameter: 'videoSettings.duration', apiName: 'duration' },
		{ label: 'Advanced API Fields → Seconds (Alias of Duration)', parameter: 'additionalFields.seconds', apiName: 'seconds' },
	],
	[
		{ label: 'Video Settings → Aspect Ratio', parameter: 'videoSettings.ratio', apiName: 'ratio' },
		{ label: 'Advanced API Fields → Aspect Ratio (Alias)', parameter: 'additionalFields.aspect_ratio', apiName: 'aspect_ratio' },
	],
	[
		{ label: 'Video Settings → Resolution', parameter: 'videoSettings.resolution', apiName: 'resolution' },
		{ label: 'Advanced API Fields → Size (Width × Height)', parameter: 'additionalFields.size', apiName: 'size' },
	],
	[
		{ label: 'Advanced API Fields → End Image URL', parameter: 'additionalFields.end_image_url', apiName: 'end_image_url' },
		{ label: 'Advanced API Fields → Last Image URL (Alias of End Image URL)', parameter: 'additionalFields.last_image_url', apiName: 'last_image_url' },
	],
	[
		{ label: 'Mode → Omni Reference', parameter: 'mode', apiName: 'mode', parameterValue: OMNI_REFERENCE },
		{ label: 'Advanced API Fields → Function Mode', parameter: 'additionalFields.function_mode', apiName: 'function_mode' },
	],
];

/** Refuses a body that sets two fields meaning the same thing (checked on the mapped body, so an older saved field counts too). */
function checkAliases(ctx: IExecuteFunctions, itemIndex: number, body: IDataObject): void {
	for (const [first, second] of ALIAS_PAIRS) {
		const value = body[first.apiName];
		const firstSet = first.parameterValue === undefined ? value !== undefined : value === first.parameterValue;
		if (firstSet && body[second.apiName] !== undefined) {
			throw inputError(ctx.getNode(), itemIndex, second.label, `means the same as ${first.label}; set only one of them`);
		}
	}
}

/** List fields (image_urls, ...) arrive from the UI as string arrays; blanks are dropped. */
function cleanLists(body: IDataObject): void {
	for (const key of ['image_urls', 'video_urls', 'audio_urls']) {
		const value = body[key];
		if (Array.isArray(value)) body[key] = value.map((entry) => String(entry).trim()).filter((entry) => entry !== '');
		else if (typeof value === 'string') body[key] = value.split(/[\n,]/).map((entry) => entry.trim()).filter(Boolean);
	}
}

/** A create request, checked; binary images are read only when it is sent. */
export interface CreateRequest {
	itemIndex: number;
	body: IDataObject;
	contentItems: ContentItemParameter[];
	prompt: string;
	promptInContent: boolean;
	extraBody: IDataObject;
}

/**
 * Reads and checks one item's create request. The fields' `routing` (in the operation's
 * description) puts the model, the mode, the video settings and the advanced API fields under
 * their API names; this step resolves a custom model ID, refuses two fields that mean the same
 * thing, sends Mode "Omni Reference" as function_mode, checks the prompt and the content items,
 * and decides where the prompt goes for the provider. Nothing is sent and no binary data is read yet.
 */
export function prepareCreateRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: INodeProperties[],
	baseURL: string,
): CreateRequest {
	const body = declaredValues(ctx, itemIndex, fields, 'body');
	const chosen = body.model === 'custom' ? ctx.getNodeParameter('customModel', itemIndex, '') : body.model;
	const model = typeof chosen === 'string' ? chosen.trim() : '';
	if (model === '') throw inputError(ctx.getNode(), itemIndex, 'Model', 'is empty');
	body.model = model;
	checkAliases(ctx, itemIndex, body);
	if (body.mode === OMNI_REFERENCE) {
		// Mode "Omni Reference" is the API's function_mode, not a mode.
		delete body.mode;
		body.function_mode = OMNI_REFERENCE;
	}
	const rawPrompt = ctx.getNodeParameter('prompt', itemIndex, '') as unknown;
	const prompt = typeof rawPrompt === 'string' ? rawPrompt : rawPrompt === undefined || rawPrompt === null ? '' : String(rawPrompt);
	if (prompt.trim() === '') throw inputError(ctx.getNode(), itemIndex, 'Prompt', 'is empty');
	const contentItems = (ctx.getNodeParameter('content.item', itemIndex, []) as ContentItemParameter[]) ?? [];
	contentItems.forEach((item, position) => checkContentItem(ctx, itemIndex, item, position));
	const extraBody = parseExtraBody(ctx, itemIndex);
	cleanLists(body);
	const placement = ctx.getNodeParameter('options.promptPlacement', itemIndex, 'auto') as PromptPlacement;
	const promptInContent = usesContentPrompt(placement, baseURL);
	if (!promptInContent || placement === 'both') body.prompt = prompt;
	return { itemIndex, body, contentItems, prompt, promptInContent, extraBody };
}

/** The body to send: the ordered `content[]` (binary images as data URLs) and the extra body last. */
export async function createRequestBody(ctx: IExecuteFunctions, request: CreateRequest): Promise<IDataObject> {
	const body = { ...request.body };
	const content: IDataObject[] = [];
	for (const [position, item] of request.contentItems.entries()) {
		content.push(await toContentEntry(ctx, request.itemIndex, item, position));
	}
	if (request.promptInContent) content.unshift({ type: 'text', text: request.prompt });
	if (content.length > 0) body.content = content;
	return Object.assign(body, request.extraBody);
}
