import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { inputError } from '../errors/nodeErrors';

/** What the user chose about waiting, downloading and output, read once per item. */
export interface ItemSettings {
	waitForCompletion: boolean;
	downloadVideo: boolean;
	simplify: boolean;
	pollIntervalMs: number;
	maxWaitMs: number;
	onTimeout: 'error' | 'output';
	binaryPropertyName: string;
	downloadLastFrame: boolean;
	lastFrameBinaryPropertyName: string;
	requestTimeoutMs: number;
}

export const DEFAULTS = {
	pollIntervalSeconds: 10,
	maxWaitSeconds: 1200,
	requestTimeoutSeconds: 60,
	binaryPropertyName: 'data',
	lastFrameBinaryPropertyName: 'lastFrame',
};

function option<T>(ctx: IExecuteSingleFunctions, name: string, fallback: T): T {
	return ctx.getNodeParameter(`options.${name}`, fallback) as T;
}

/**
 * Reads and checks the item's waiting, download and output settings. Throws an input
 * error naming the field and the item, so nothing is sent with unusable settings.
 */
export function readItemSettings(ctx: IExecuteSingleFunctions): ItemSettings {
	const itemIndex = ctx.getItemIndex();
	// getNode() deep-copies the node: only fetch it to report a problem.
	const fail = (field: string, problem: string) => inputError(ctx.getNode(), itemIndex, field, problem);
	const pollIntervalSeconds = Number(option(ctx, 'pollInterval', DEFAULTS.pollIntervalSeconds));
	const maxWaitSeconds = Number(option(ctx, 'maxWait', DEFAULTS.maxWaitSeconds));
	const requestTimeoutSeconds = Number(option(ctx, 'requestTimeout', DEFAULTS.requestTimeoutSeconds));
	const settings: ItemSettings = {
		waitForCompletion: ctx.getNodeParameter('waitForCompletion', true) as boolean,
		downloadVideo: ctx.getNodeParameter('downloadVideo', true) as boolean,
		simplify: ctx.getNodeParameter('simplify', true) as boolean,
		pollIntervalMs: pollIntervalSeconds * 1000,
		maxWaitMs: maxWaitSeconds * 1000,
		onTimeout: option<string>(ctx, 'onTimeout', 'error') === 'output' ? 'output' : 'error',
		binaryPropertyName: String(option(ctx, 'binaryPropertyName', DEFAULTS.binaryPropertyName)).trim(),
		downloadLastFrame: option(ctx, 'downloadLastFrame', false),
		lastFrameBinaryPropertyName: String(
			option(ctx, 'lastFrameBinaryPropertyName', DEFAULTS.lastFrameBinaryPropertyName),
		).trim(),
		requestTimeoutMs: requestTimeoutSeconds * 1000,
	};
	if (!Number.isFinite(pollIntervalSeconds) || pollIntervalSeconds < 1) {
		throw fail('Poll Interval', `must be at least 1 second (got ${pollIntervalSeconds})`);
	}
	if (!Number.isFinite(maxWaitSeconds) || maxWaitSeconds < pollIntervalSeconds) {
		throw fail('Max Wait',
			`must be at least the poll interval of ${pollIntervalSeconds} s (got ${maxWaitSeconds})`,
		);
	}
	if (!Number.isFinite(requestTimeoutSeconds) || requestTimeoutSeconds < 1) {
		throw fail('Request Timeout', `must be at least 1 second (got ${requestTimeoutSeconds})`);
	}
	if (settings.downloadVideo && settings.binaryPropertyName === '') {
		throw fail('Put Video in Field', 'is empty');
	}
	if (settings.downloadLastFrame && settings.lastFrameBinaryPropertyName === '') {
		throw fail('Put Last Frame in Field', 'is empty');
	}
	return settings;
}
