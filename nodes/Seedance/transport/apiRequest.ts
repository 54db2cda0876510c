import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';

import { bodyExcerpt, type RequestFailure, transportFailureOf } from '../errors/requestFailure';
import { cancellableSleep, type CancelledError, throwIfCancelled } from './cancellableSleep';
import type { ConnectionSettings } from './connectionSettings';
import type { RateGate } from './rateGate';
import type { RequestBudget } from './requestBudget';
import type { ConcurrencyLimit } from './concurrencyLimit';
import {
	isRateLimited,
	isRetryable,
	MAX_ATTEMPTS,
	parseRetryAfter,
	retryDelayMs,
	type RetryPolicyName,
} from './retryPolicy';

export const CREDENTIAL_TYPE = 'seedanceApi';

/**
 * The n8n contexts that send requests: a node run (the Seedance node), and one webhook call
 * (the Seedance Trigger). Both offer the same request and binary helpers.
 */
export type RequestContext = IExecuteFunctions | IWebhookFunctions;

/**
 * What a 2xx answer must look like; anything else is a malformed answer ("badBody"), which
 * reads retry and billable requests do not.
 * - `created`: has a task ID. `task`: has an ID and a status. `taskList`: has an `items` array.
 * - `acknowledgement` (DELETE): any body, an empty one included, means done.
 */
export type ResponseShape = 'created' | 'task' | 'taskList' | 'acknowledgement';

export interface ApiCall {
	method: IHttpRequestMethods;
	/** The credential's base URL, trailing slashes removed. */
	baseURL: string;
	url: string;
	body?: IDataObject;
	qs?: IDataObject;
	expect: ResponseShape;
}

export interface TransportContext {
	/** The node's Settings tab: proxy, timeout, certificate checks; for API calls and downloads. */
	connection: ConnectionSettings;
	limiter: ConcurrencyLimit;
	/** Shared by the run: a 429 holds back every request until Retry-After. */
	gate: RateGate;
	/** Shared by the run: the provider's requests per minute, set or learned from a 429. */
	budget: RequestBudget;
	/**
	 * Rate limiting is the API asking the run to slow down, not a fault: a request keeps
	 * retrying 429s for this long (the item's Max Wait) before it gives up.
	 */
	rateLimitPatienceMs: number;
	/** Fires when the execution is cancelled, or when the run stops because another item failed. */
	signal: AbortSignal | undefined;
	/** Builds the n8n error for a request that failed for good (it knows item and task). */
	requestFailed: (failure: RequestFailure, attempts: number) => Error;
	cancelled: CancelledError;
}

/**
 * Sends one API request with the Bearer credential, holding a concurrency slot only while
 * the request is open, and retries it as its policy allows (see retryPolicy.ts).
 * Returns the parsed JSON body of a 2xx answer; otherwise throws `transport.requestFailed`.
 */
export async function apiRequest(
	ctx: RequestContext,
	call: ApiCall,
	policy: RetryPolicyName,
	transport: TransportContext,
): Promise<IDataObject> {
	let failures = 0;
	let rateLimits = 0;
	let rateLimitedSince: number | undefined;
	for (let attempt = 1; ; attempt++) {
		throwIfCancelled(transport.signal, transport.cancelled);
		const outcome = await transport.limiter.run(async () => {
			await transport.gate.pass(transport.signal, transport.cancelled);
			await transport.budget.take(transport.signal, transport.cancelled);
			return await sendOnce(ctx, call, transport.connection);
		});
		throwIfCancelled(transport.signal, transport.cancelled);
		if (!('failure' in outcome)) return outcome.body;
		const { failure } = outcome;
		let giveUp: boolean;
		let delayMs: number;
		if (isRateLimited(failure)) {
			rateLimitedSince ??= Date.now();
			transport.budget.learnFromRateLimit();
			delayMs = retryDelayMs(failure, ++rateLimits);
			transport.gate.closeFor(delayMs);
			giveUp = !isRetryable(policy, failure) || Date.now() + delayMs - rateLimitedSince > transport.rateLimitPatienceMs;
		} else {
			delayMs = retryDelayMs(failure, ++failures);
			giveUp = !isRetryable(policy, failure) || failures >= MAX_ATTEMPTS;
		}
		if (giveUp) throw transport.requestFailed(failure, attempt);
		await cancellableSleep(delayMs, transport.signal, transport.cancelled);
	}
}

export type Outcome<T = IDataObject> = { body: T } | { failure: RequestFailure };

async function sendOnce(ctx: RequestContext, call: ApiCall, connection: ConnectionSettings): Promise<Outcome> {
	let response: IN8nHttpFullResponse;
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
			method: call.method,
			baseURL: call.baseURL,
			url: call.url,
			body: call.body,
			qs: call.qs,
			arrayFormat: 'repeat',
			json: true,
			timeout: connection.timeoutMs,
			...(connection.proxy ? { proxy: connection.proxy } : {}),
			...(connection.skipSslCertificateValidation ? { skipSslCertificateValidation: true } : {}),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			sendCredentialsOnCrossOriginRedirect: false,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		return { failure: transportFailureOf(error) };
	}
	return interpretResponse(response, call.expect);
}

export function interpretResponse(response: IN8nHttpFullResponse, expect: ResponseShape): Outcome {
	const { statusCode: status, body } = response;
	const json = asJsonObject(body);
	if (status >= 200 && status < 300) {
		if (expect === 'acknowledgement') return { body: json ?? {} };
		if (!json) {
			const message = body === undefined || body === '' ? 'an empty body' : `a body that is not JSON: "${bodyExcerpt(body)}"`;
			return { failure: { kind: 'badBody', status, message } };
		}
		const problem = shapeProblem(json, expect);
		return problem ? { failure: { kind: 'badBody', status, message: problem } } : { body: json };
	}
	const apiError = json?.error && typeof json.error === 'object' ? (json.error as IDataObject) : undefined;
	const message = apiError?.message ?? json?.message ?? (json ? undefined : bodyExcerpt(body));
	return {
		failure: {
			kind: 'http',
			status,
			code: typeof apiError?.code === 'string' ? apiError.code : undefined,
			message: typeof message === 'string' && message !== '' ? message : undefined,
			param: typeof apiError?.param === 'string' ? apiError.param : undefined,
			retryAfterMs: parseRetryAfter(response.headers?.['retry-after']),
		},
	};
}

function shapeProblem(json: IDataObject, expect: ResponseShape): string | undefined {
	const hasId = (typeof json.id === 'string' && json.id !== '') || typeof json.id === 'number';
	if (expect === 'created' && !hasId) return 'an answer without a task ID';
	if (expect === 'task' && (!hasId || typeof json.status !== 'string')) return 'a task without an ID or a status';
	if (expect === 'taskList' && !Array.isArray(json.items)) return 'a task list without "items"';
	return undefined;
}

function asJsonObject(body: unknown): IDataObject | undefined {
	if (body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
		return body as IDataObject;
	}
	if (typeof body === 'string' && body.trim().startsWith('{')) {
		try {
			const parsed: unknown = JSON.parse(body);
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as IDataObject;
		} catch {
			return undefined;
		}
	}
	return undefined;
}
