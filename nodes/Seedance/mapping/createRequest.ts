import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { inputError, toNodeError } from '../errors/nodeErrors';
import { executionScope } from '../execution/executionScope';
import { readItemSettings } from '../execution/itemSettings';
import { checkContentItem, type ContentItemParameter, toContentEntry } from './contentItems';

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
 * preSend of Generate Video. The routing of each field has already put model, prompt and the
 * additional fields into the body under their API names; this step checks the item, adds the
 * ordered `content[]` (reading binary images as data URLs), places the prompt the way the
 * provider expects it, and merges the extra body last. Every item registers with the run's
 * scope first, so no item sends before all items are checked.
 */
export async function prepareCreateRequest(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const scope = executionScope(this);
	const finish = scope.beginPreparation(this);
	try {
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
		delete body.extraBody;
		cleanLists(body);

		const content: IDataObject[] = [];
		for (const [position, item] of contentItems.entries()) content.push(await toContentEntry(this, item, position));
		const placement = this.getNodeParameter('options.promptPlacement', 'auto') as PromptPlacement;
		const baseURL = await scope.credentialBaseUrl(this);
		if (usesContentPrompt(placement, baseURL)) content.unshift({ type: 'text', text: prompt });
		if (!usesContentPrompt(placement, baseURL) || placement === 'both') body.prompt = prompt;
		if (content.length > 0) body.content = content;
		Object.assign(body, extraBody);
		finish();
		return { ...requestOptions, body };
	} catch (error) {
		finish(error as Error, !this.continueOnFail());
		throw toNodeError(this.getNode(), error, { action: 'create', itemIndex: this.getItemIndex() });
	}
}
