import type { IBinaryData, IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import { bodyExcerpt, type RequestFailure, transportFailureOf } from '../errors/requestFailure';
import type { Outcome, RequestContext, TransportContext } from '../transport/apiRequest';
import { cancellableSleep, throwIfCancelled } from '../transport/cancellableSleep';
import { parseRetryAfter, retryDelayMs } from '../transport/retryPolicy';

export type MediaKind = 'video' | 'image';

export interface MediaRequest {
	url: string;
	fileName: string;
	kind: MediaKind;
}

/** The few stream members used here (node:stream may not be imported by community nodes). */
interface ResponseStream {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy(error?: Error): unknown;
}

const DOWNLOAD_ATTEMPTS = 3;
const ACCEPTED_TYPES: Record<MediaKind, RegExp> = {
	video: /^(video\/|application\/octet-stream|binary\/octet-stream|application\/mp4)/i,
	image: /^(image\/|application\/octet-stream|binary\/octet-stream)/i,
};
const FALLBACK_MIME: Record<MediaKind, string> = { video: 'video/mp4', image: 'image/png' };

/**
 * Downloads a signed media URL (video or last frame) into n8n binary data.
 *
 * The request carries no credential: signed URLs live on object storage, and the API key
 * must never reach that host (plain httpRequest, not the authenticated helper, so redirects
 * cannot carry it either). It goes through the node's proxy, like the API requests. The body is streamed into prepareBinaryData, which writes it to
 * n8n's binary store without holding a second copy. A body shorter than its Content-Length
 * (a cut connection) fails instead of passing on a truncated file. Transient failures
 * (5xx, 429, 408, transport) are retried, honouring Retry-After: a download is a free read.
 */
export async function downloadMedia(
	ctx: RequestContext,
	media: MediaRequest,
	transport: TransportContext,
): Promise<IBinaryData> {
	for (let attempt = 1; ; attempt++) {
		throwIfCancelled(transport.signal, transport.cancelled);
		const outcome = await transport.limiter.run(async () => await downloadOnce(ctx, media, transport));
		throwIfCancelled(transport.signal, transport.cancelled);
		if (!('failure' in outcome)) return outcome.body;
		const { failure } = outcome;
		const transient =
			failure.kind === 'transport' ||
			(failure.kind === 'http' && (failure.status >= 500 || failure.status === 429 || failure.status === 408));
		if (!transient || attempt >= DOWNLOAD_ATTEMPTS) throw transport.requestFailed(failure, attempt);
		await cancellableSleep(retryDelayMs(failure, attempt), transport.signal, transport.cancelled);
	}
}

async function downloadOnce(
	ctx: RequestContext,
	media: MediaRequest,
	{ connection, signal }: TransportContext,
): Promise<Outcome<IBinaryData>> {
	let response: IN8nHttpFullResponse;
	try {
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url: media.url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The timeout bounds waiting for the answer and silences in it, not a long body that keeps arriving.
			timeout: connection.timeoutMs,
			...(connection.proxy ? { proxy: connection.proxy } : {}),
			...(connection.skipSslCertificateValidation ? { skipSslCertificateValidation: true } : {}),
			abortSignal: signal,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		return { failure: transportFailureOf(error) };
	}
	const stream = response.body as ResponseStream;
	const headers = (response.headers ?? {}) as IDataObject;
	const status = response.statusCode;
	if (status < 200 || status >= 300) {
		const excerpt = bodyExcerpt(await readStart(stream));
		return {
			failure: { kind: 'http', status, message: excerpt || undefined, retryAfterMs: parseRetryAfter(headers['retry-after']) },
		};
	}
	const contentType = String(headers['content-type'] ?? '').split(';')[0].trim();
	if (contentType && !ACCEPTED_TYPES[media.kind].test(contentType)) {
		stream.destroy();
		const failure: RequestFailure = {
			kind: 'badBody',
			status,
			message: `a "${contentType}" file where a ${media.kind} was expected`,
		};
		return { failure };
	}
	const mimeType = contentType && !/octet-stream/i.test(contentType) ? contentType : FALLBACK_MIME[media.kind];
	const expectedBytes = Number(headers['content-length']);
	let binary: IBinaryData;
	try {
		binary = await ctx.helpers.prepareBinaryData(
			response.body as Parameters<typeof ctx.helpers.prepareBinaryData>[0],
			media.fileName,
			mimeType,
		);
	} catch (error) {
		const failure = transportFailureOf(error);
		if (failure.kind === 'transport' && failure.code !== 'UNKNOWN') {
			return { failure: { ...failure, message: `the download broke off (${failure.message})` } };
		}
		// Not the connection: n8n's binary data store refused the file (e.g. over
		// N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE in queue mode). Trying again cannot help.
		const reason = error instanceof Error ? error.message : String(error);
		return { failure: { kind: 'badBody', status, message: `a file n8n could not store: ${reason}` } };
	}
	const storedBytes = await storedSize(ctx, binary);
	if (Number.isFinite(expectedBytes) && expectedBytes > 0 && storedBytes !== undefined && storedBytes < expectedBytes) {
		return {
			failure: {
				kind: 'transport',
				code: 'ECONNRESET',
				message: `the download ended after ${storedBytes} of ${expectedBytes} bytes`,
			},
		};
	}
	return { body: binary };
}

/** Size of what prepareBinaryData stored, in bytes (filesystem mode records it; default mode holds base64). */
async function storedSize(ctx: RequestContext, binary: IBinaryData): Promise<number | undefined> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (!binary.id && typeof binary.data === 'string' && binary.data !== '') {
		return Buffer.byteLength(binary.data, 'base64');
	}
	if (binary.id) {
		const metadata = await ctx.helpers.getBinaryMetadata?.(binary.id);
		if (metadata && typeof metadata.fileSize === 'number') return metadata.fileSize;
	}
	return undefined;
}

async function readStart(body: ResponseStream | undefined, limit = 2048): Promise<string> {
	if (!body || typeof body.on !== 'function') return typeof body === 'string' ? body : '';
	return await new Promise<string>((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			body.destroy();
			resolve(Buffer.concat(chunks).toString('utf8'));
		};
		body.on('data', (chunk: unknown) => {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			chunks.push(buffer);
			size += buffer.length;
			if (size >= limit) finish();
		});
		body.on('end', finish);
		body.on('error', finish);
	});
}
