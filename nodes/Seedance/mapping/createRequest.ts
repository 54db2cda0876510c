import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { inputError } from '../errors/nodeErrors';
import { executionScope } from '../execution/executionScope';
import { readItemSettings } from '../execution/itemSettings';
import { checkContentItem, type ContentItemParameter, toContentEntry } from './contentItems';
import { prepareItem } from './prepareItem';

/** Ark and BytePlus hosts take the prompt as the first text item of `content[]`. */
const ARK_HOSTS = /(^|\.)(volces\.com|bytepluses\.com|byteplus\.com|volcengine\.com)$/i;

export type PromptPlacement = 'auto' | 'promptField' | 'contentText' | 'both';

export function usesContentPrompt(placement: PromptPlacement, baseURL: string | undefined): boolean {
	if (placement === 'contentText') return true;
	if (placement === 'promptField') return false;
	try {
		return ARK_HOSTS.test(new URL(baseURL ?? '').hostname);
	} catch {
		return false;
	}
}

function parseExtraBody(ctx: IExecuteSingleFunctions): IDataObject {
	const raw = ctx.getNodeParameter('additionalFields.extraBody', '') as unknown;
	if (raw === '' || raw === undefined || raw === null) return {};
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = JSON.parse(raw);
		} catch (error) {
			throw inputError(ctx.getNode(), ctx.getItemIndex(), 'Extra Body (JSON)', `is not valid JSON (${(error as Error).message})`);
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw inputError(ctx.getNode(), ctx.getItemIndex(), 'Extra Body (JSON)', 'must be a JSON object');
	}
	return parsed as IDataObject;
}

/** List fields (image_urls, ...) arrive from the UI as string arrays; blanks are dropped. */
function cleanLists(body: IDataObject): void {
	for (const key of ['image_urls', 'video_urls', 'audio_urls']) {
		const value = body[key];
		if (Array.isArray(value)) body[key] = value.map((entry) => String(entry).trim()).filter((entry) => entry !== '');
		else if (typeof value === 'string') body[key] = value.split(/[\n,]/).map((entry) => entry.trim()).filter(Boolean);
	}
}

/**
 * preSend of Generate Video. The routing of the fields has already put the model and the
 * additional fields into the body under their API names; this step checks the item, resolves
 * a custom model ID, adds the ordered `content[]` (reading binary images as data URLs), places
 * the prompt the way the provider expects it, and merges the extra body last. The checks run
 * inside the run's preparation barrier, so no item sends before all items are checked.
 */
export async function prepareCreateRequest(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	return await prepareItem(this, 'create', async () => {
		const scope = executionScope(this);
		const body = { ...((requestOptions.body as IDataObject) ?? {}) };
		const itemIndex = this.getItemIndex();
		const chosen = body.model === 'custom' ? this.getNodeParameter('customModel', '') : body.model;
		const model = typeof chosen === 'string' ? chosen.trim() : '';
		if (model === '') throw inputError(this.getNode(), itemIndex, 'Model', 'is empty');
		body.model = model;
		const rawPrompt = this.getNodeParameter('prompt', '') as unknown;
		const prompt = typeof rawPrompt === 'string' ? rawPrompt : rawPrompt === undefined || rawPrompt === null ? '' : String(rawPrompt);
		if (prompt.trim() === '') throw inputError(this.getNode(), itemIndex, 'Prompt', 'is empty');
		scope.rememberSettings(itemIndex, readItemSettings(this));
		const contentItems = (this.getNodeParameter('content.item', []) as ContentItemParameter[]) ?? [];
		contentItems.forEach((item, position) => checkContentItem(this, item, position));
		const extraBody = parseExtraBody(this);
		cleanLists(body);

		const content: IDataObject[] = [];
		for (const [position, item] of contentItems.entries()) content.push(await toContentEntry(this, item, position));
		const placement = this.getNodeParameter('options.promptPlacement', 'auto') as PromptPlacement;
		const inContent = usesContentPrompt(placement, await scope.credentialBaseUrl(this));
		if (inContent) content.unshift({ type: 'text', text: prompt });
		if (!inContent || placement === 'both') body.prompt = prompt;
		if (content.length > 0) body.content = content;
		Object.assign(body, extraBody);
		return { ...requestOptions, body };
	});
}
