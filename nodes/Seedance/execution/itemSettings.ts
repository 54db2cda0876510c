import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../errors/nodeErrors';

/** What the user chose about waiting, downloading and output, read once per item. */
export interface ItemSettings {
	waitForCompletion: boolean;
	/** How to wait: read the status every poll interval, or let the provider call back (the execution waits in n8n). */
	waitMode: WaitMode;
	downloadVideo: boolean;
	simplify: boolean;
	pollIntervalMs: number;
	maxWaitMs: number;
	onTimeout: 'error' | 'output';
	binaryPropertyName: string;
	downloadLastFrame: boolean;
	lastFrameBinaryPropertyName: string;
	maxConcurrentRequests: number;
	/** The provider's request budget; Infinity: unknown (learned from the first 429). */
	requestsPerMinute: number;
	/** The run's unfinished tasks at most; Infinity: no limit. */
	maxRunningTasks: number;
}

export type WaitMode = 'poll' | 'callback';

/** The defaults the description shows (n8n's lint wants them as literals there). */
export const DEFAULTS = {
	pollIntervalSeconds: 10,
	maxWaitSeconds: 1200,
	binaryPropertyName: 'data',
	lastFrameBinaryPropertyName: 'lastFrame',
	maxConcurrentRequests: 10,
	requestsPerMinute: 0,
	maxRunningTasks: 0,
};

/**
 * Reads and checks one item's waiting, download and output settings. Throws an input error
 * naming the field and the item, so nothing is sent with unusable settings. Settings an
 * operation does not show fall back to their defaults.
 */
export function readItemSettings(ctx: IExecuteFunctions, itemIndex: number): ItemSettings {
	const read = <T>(name: string, fallback: T): T => ctx.getNodeParameter(name, itemIndex, fallback) as T;
	const option = <T>(name: string, fallback: T): T => read(`options.${name}`, fallback);
	// getNode() deep-copies the node: only fetch it to report a problem.
	const fail = (field: string, problem: string) => inputError(ctx.getNode(), itemIndex, field, problem);
	const pollIntervalSeconds = Number(option('pollInterval', DEFAULTS.pollIntervalSeconds));
	const maxWaitSeconds = Number(option('maxWait', DEFAULTS.maxWaitSeconds));
	const maxConcurrentRequests = Number(option('maxConcurrentRequests', DEFAULTS.maxConcurrentRequests));
	const requestsPerMinute = Number(option('requestsPerMinute', DEFAULTS.requestsPerMinute));
	const maxRunningTasks = Number(option('maxRunningTasks', DEFAULTS.maxRunningTasks));
	const waitForCompletion = read('waitForCompletion', true);
	const waitMode: WaitMode = waitForCompletion && read<string>('waitMode', 'poll') === 'callback' ? 'callback' : 'poll';
	const settings: ItemSettings = {
		waitForCompletion,
		waitMode,
		downloadVideo: read('downloadVideo', true),
		simplify: read('simplify', true),
		pollIntervalMs: pollIntervalSeconds * 1000,
		maxWaitMs: maxWaitSeconds * 1000,
		onTimeout: option<string>('onTimeout', 'error') === 'output' ? 'output' : 'error',
		binaryPropertyName: String(option('binaryPropertyName', DEFAULTS.binaryPropertyName)).trim(),
		downloadLastFrame: option('downloadLastFrame', false),
		lastFrameBinaryPropertyName: String(option('lastFrameBinaryPropertyName', DEFAULTS.lastFrameBinaryPropertyName)).trim(),
		maxConcurrentRequests: Math.floor(maxConcurrentRequests),
		// 0 means "no limit set" for both.
		requestsPerMinute: requestsPerMinute > 0 ? Math.floor(requestsPerMinute) : Infinity,
		// Callback mode creates every task at once and waits outside the run: no task slots.
		maxRunningTasks: maxRunningTasks > 0 && waitMode === 'poll' ? Math.floor(maxRunningTasks) : Infinity,
	};
	if (!Number.isFinite(pollIntervalSeconds) || pollIntervalSeconds < 1) {
		throw fail('Poll Interval', `must be at least 1 second (got ${pollIntervalSeconds})`);
	}
	if (!Number.isFinite(maxWaitSeconds) || maxWaitSeconds < pollIntervalSeconds) {
		throw fail('Max Wait', `must be at least the poll interval of ${pollIntervalSeconds} s (got ${maxWaitSeconds})`);
	}
	if (!Number.isFinite(maxConcurrentRequests) || maxConcurrentRequests < 1) {
		throw fail('Max Concurrent Requests', `must be at least 1 (got ${maxConcurrentRequests})`);
	}
	if (!Number.isFinite(requestsPerMinute) || requestsPerMinute < 0) {
		throw fail('Requests per Minute', `must be 0 (learn it) or more (got ${requestsPerMinute})`);
	}
	if (!Number.isFinite(maxRunningTasks) || maxRunningTasks < 0) {
		throw fail('Max Running Tasks', `must be 0 (no limit) or more (got ${maxRunningTasks})`);
	}
	if (settings.downloadVideo && settings.binaryPropertyName === '') {
		throw fail('Put Video in Field', 'is empty');
	}
	if (settings.downloadLastFrame && settings.lastFrameBinaryPropertyName === '') {
		throw fail('Put Last Frame in Field', 'is empty');
	}
	return settings;
}
