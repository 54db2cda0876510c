import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../errors/nodeErrors';

/** One entry of the "Content" collection, as the UI stores it. */
export interface ContentItemParameter {
	type?: 'text' | 'image' | 'video' | 'audio' | 'draft_task';
	source?: 'url' | 'binary';
	url?: string;
	text?: string;
	binaryPropertyName?: string;
	draftTaskId?: string;
	role?: string;
	name?: string;
}

export const MAX_IMAGE_BYTES = 30 * 1024 * 1024;
const MEDIA_FIELD = { image: 'image_url', video: 'video_url', audio: 'audio_url' } as const;

export function isAcceptedUrl(url: string, allowDataUrl: boolean): boolean {
	if (/^https?:\/\/[^\s/]+/i.test(url)) return true;
	return allowDataUrl && /^data:[\w.+-]+\/[\w.+-]+(;[\w-]+=[\w.-]+)*;base64,[A-Za-z0-9+/=\s]+$/i.test(url);
}

/**
 * Checks one content entry without reading any data, so every item of the run is checked
 * before any request leaves. Reading binary data happens in `toContentEntry`.
 */
export function checkContentItem(ctx: IExecuteFunctions, itemIndex: number, item: ContentItemParameter, position: number): void {
	const field = `Content ${position + 1}`;
	// getNode() deep-copies the node: only fetch it to report a problem.
	const fail = (problem: string) => inputError(ctx.getNode(), itemIndex, field, problem);
	const type = item.type ?? 'image';
	if (type === 'text') {
		if (!item.text?.trim()) throw fail('the text is empty');
		return;
	}
	if (type === 'draft_task') {
		if (!item.draftTaskId?.trim()) throw fail('the draft task ID is empty');
		return;
	}
	if (type === 'image' && item.source === 'binary') {
		const propertyName = (item.binaryPropertyName ?? 'data').trim();
		const binary = ctx.getInputData()[itemIndex]?.binary?.[propertyName];
		if (!binary) {
			throw fail(`the input item has no binary field "${propertyName}"`);
		}
		if (!/^image\//i.test(binary.mimeType ?? '')) {
			throw fail(`binary field "${propertyName}" is "${binary.mimeType}", not an image`);
		}
		if (typeof binary.bytes === 'number' && binary.bytes > MAX_IMAGE_BYTES) {
			throw fail(`binary field "${propertyName}" is over 30 MB (${binary.bytes} bytes)`);
		}
		return;
	}
	const url = item.url?.trim() ?? '';
	if (url === '') throw fail(`the ${type} URL is empty`);
	if (!isAcceptedUrl(url, type === 'image')) {
		const allowed = type === 'image' ? 'an http(s) URL or a data: URL' : 'an http(s) URL';
		throw fail(`"${url.slice(0, 80)}" is not ${allowed}`);
	}
}

/** Turns one checked entry into the documented `content[]` item shape. */
export async function toContentEntry(
	ctx: IExecuteFunctions,
	itemIndex: number,
	item: ContentItemParameter,
	position: number,
): Promise<IDataObject> {
	const type = item.type ?? 'image';
	if (type === 'text') return { type: 'text', text: item.text };
	if (type === 'draft_task') return { type: 'draft_task', draft_task: { id: item.draftTaskId?.trim() } };
	const url = type === 'image' && item.source === 'binary' ? await binaryAsDataUrl(ctx, itemIndex, item, position) : item.url?.trim();
	const entry: IDataObject = { type: MEDIA_FIELD[type], [MEDIA_FIELD[type]]: { url } };
	if (item.role) entry.role = item.role;
	if (item.name?.trim()) entry.name = item.name.trim();
	return entry;
}

async function binaryAsDataUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	item: ContentItemParameter,
	position: number,
): Promise<string> {
	const propertyName = (item.binaryPropertyName ?? 'data').trim();
	const binary = ctx.getInputData()[itemIndex]?.binary?.[propertyName];
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	if (buffer.length > MAX_IMAGE_BYTES) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			`Content ${position + 1}`,
			`binary field "${propertyName}" is over 30 MB (${buffer.length} bytes)`,
		);
	}
	return `data:${binary?.mimeType ?? 'image/png'};base64,${buffer.toString('base64')}`;
}
