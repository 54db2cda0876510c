import { type INode, NodeOperationError } from 'n8n-workflow';

import { type ErrorScope, requestFailedError } from '../errors/nodeErrors';
import type { TransportContext } from './apiRequest';
import { type ConnectionSettings, DEFAULT_TIMEOUT_MS } from './connectionSettings';
import { RateGate } from './rateGate';
import { RequestBudget } from './requestBudget';
import { ConcurrencyLimit } from './concurrencyLimit';

/** A 429 from the API holds the answer to a callback back this long at most. */
const RATE_LIMIT_PATIENCE_MS = 30_000;

/**
 * The transport of one webhook call (a provider's callback): the node's API transport
 * (retries, rate-limit handling, errors that name the task) with no run around it, so
 * limiter, rate gate and budget are the call's own and nothing can cancel it.
 */
export function webhookTransport(
	node: INode,
	options: {
		/** What the request is about, for its error message. */
		scope: () => ErrorScope;
		connection?: ConnectionSettings;
		maxConcurrentRequests?: number;
	},
): TransportContext {
	return {
		connection: options.connection ?? { skipSslCertificateValidation: false, timeoutMs: DEFAULT_TIMEOUT_MS },
		limiter: new ConcurrencyLimit(options.maxConcurrentRequests ?? 1),
		gate: new RateGate(),
		budget: new RequestBudget(),
		rateLimitPatienceMs: RATE_LIMIT_PATIENCE_MS,
		signal: undefined,
		requestFailed: (failure, attempts) => requestFailedError(node, failure, attempts, options.scope()),
		cancelled: () => new NodeOperationError(node, 'Stopped while serving a callback'),
	};
}
