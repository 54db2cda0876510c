import type { IDataObject, IExecuteSingleFunctions, IHttpRequestMethods, IN8nHttpFullResponse } from 'n8n-workflow';

import { bodyExcerpt, type RequestFailure, transportFailureOf } from '../errors/requestFailure';
import { cancellableSleep, type CancelledError, throwIfCancelled } from './cancellableSleep';
import type { RateGate } from './rateGate';
import type { RequestLimiter } from './requestLimiter';
import {
	isRateLimited,
	isRetryable,
	MAX_ATTEMPTS,
	parseRetryAfter,
	retryDelayMs,
	type RetryPolicyName,
} from './retryPolicy';

export const CREDENTIAL_TYPE = 'seedanceApi';

export interface ApiCall {
	method: IHttpRequestMethods;
	/** The credential's base URL, trailing slashes removed (see requestDefaults). */
	baseURL: string;
	url: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs: number;
}

export interface TransportContext {
	limiter: RequestLimiter;
	/** Shared by the run: a 429 holds back every request until Retry-After. */
	gate: RateGate;
	/**
	 * Rate limiting is the API asking the run to slow down, not a fault: a request keeps
	 * retrying 429s for this long (the item's Max Wait) before it gives up.
	 */
	rateLimitPatienceMs: number;
	signal: AbortSignal | undefined;
	/** Builds the n8n error for a request that failed for good (it knows item and task). */
	requestFailed: (failure: RequestFailure, attempts: number) => Error;
	cancelled: CancelledError;
	/** Called before each retry, so tests and logs can see the policy at work. */
	onRetry?: (failure: RequestFailure, attempt: number, delayMs: number) => void;
}

/**
 * Sends one API request with the Bearer credential, holding a concurrency slot only while
 * the request is open, and retries it as its policy allows (see retryPolicy.ts).
 * Returns the parsed JSON body of a 2xx answer; otherwise throws `transport.requestFailed`.
 */
export async function apiRequest(
	ctx: IExecuteSingleFunctions,
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
			return await sendOnce(ctx, call);
		});
		throwIfCancelled(transport.signal, transport.cancelled);
		if (!('failure' in outcome)) return outcome.body;
		const { failure } = outcome;
		let giveUp: boolean;
		let delayMs: number;
		if (isRateLimited(failure)) {
			rateLimitedSince ??= Date.now();
			delayMs = retryDelayMs(failure, ++rateLimits);
			transport.gate.closeFor(delayMs);
			giveUp = !isRetryable(policy, failure) || Date.now() + delayMs - rateLimitedSince > transport.rateLimitPatienceMs;
		} else {
			delayMs = retryDelayMs(failure, ++failures);
			giveUp = !isRetryable(policy, failure) || failures >= MAX_ATTEMPTS;
		}
		if (giveUp) throw transport.requestFailed(failure, attempt);
		transport.onRetry?.(failure, attempt, delayMs);
		await cancellableSleep(delayMs, transport.signal, transport.cancelled);
	}
}

export type Outcome<T = IDataObject> = { body: T } | { failure: RequestFailure };

async function sendOnce(ctx: IExecuteSingleFunctions, call: ApiCall): Promise<Outcome> {
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
			timeout: call.timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			sendCredentialsOnCrossOriginRedirect: false,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		return { failure: transportFailureOf(error) };
	}
	return interpretResponse(response);
}

export function interpretResponse(response: IN8nHttpFullResponse): Outcome {
	const { statusCode: status, body } = response;
	const json = asJsonObject(body);
	if (status >= 200 && status < 300) {
		if (json) return { body: json };
		return {
			failure: {
				kind: 'badBody',
				status,
				message: body === undefined || body === '' ? 'an empty body' : `a body that is not JSON: "${bodyExcerpt(body)}"`,
			},
		};
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
