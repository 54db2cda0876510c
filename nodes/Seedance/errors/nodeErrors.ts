import { type INode, NodeApiError, NodeOperationError, type JsonObject } from 'n8n-workflow';

import { certainlyNotAccepted } from '../transport/retryPolicy';
import { isUnsuccessful } from '../waiting/taskStatus';
import type { TaskRecord } from '../execution/runContext';
import type { RequestFailure } from './requestFailure';

/** What the node was doing when a request failed; it shapes the message. */
export type Action = 'create' | 'get' | 'list' | 'delete' | 'download';

export interface ErrorScope {
	action: Action;
	itemIndex: number;
	taskId?: string;
}

/** An error that knows the task it concerns, so Continue On Fail can output the task ID. */
export type TaskAwareError = (NodeApiError | NodeOperationError) & { taskId?: string };

const ACTION_NOUN: Record<Action, string> = {
	create: 'creating the task',
	get: 'reading the task',
	list: 'listing tasks',
	delete: 'deleting the task',
	download: 'downloading the video',
};

/** Ark's code for an unknown task ID; any other 404 on DELETE means the route itself is missing. */
const TASK_NOT_FOUND_CODE = 'ResourceNotFound';

function where(scope: ErrorScope): string {
	const task = scope.taskId ? `, task ${scope.taskId}` : '';
	return ` [item ${scope.itemIndex}${task}]`;
}

function withTaskId<T extends NodeApiError | NodeOperationError>(error: T, taskId?: string): T & { taskId?: string } {
	const tagged = error as T & { taskId?: string };
	if (taskId) {
		tagged.taskId = taskId;
		tagged.context.taskId = taskId;
	}
	return tagged;
}

/** A user-facing error about bad input, raised before any request is sent. */
export function inputError(node: INode, itemIndex: number, field: string, problem: string): NodeOperationError {
	return new NodeOperationError(node, `${field}: ${problem} [item ${itemIndex}]`, {
		itemIndex,
		description: `Fix the "${field}" parameter of item ${itemIndex}. No request was sent.`,
	});
}

/** A bad value in the node's Settings tab (Request Options), raised before any request. */
export function settingError(node: INode, setting: string, problem: string): NodeOperationError {
	return new NodeOperationError(node, `Settings > Request Options > ${setting}: ${problem}`, {
		description: `Fix "${setting}" in the node's Settings tab. No request was sent.`,
	});
}

/** The credential could not be read (missing, or n8n could not decrypt it). */
export function credentialError(node: INode, error: unknown): NodeOperationError {
	const reason = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, `Could not read the Seedance API credential: ${reason}`, {
		description: 'Choose or re-enter the "Seedance API" credential of this node. No request was sent.',
	});
}

/** A task that reached a final status other than succeeded. */
export function taskEndedError(
	node: INode,
	itemIndex: number,
	task: { id: string; status: string; errorCode?: string; errorMessage?: string },
): TaskAwareError {
	const reason = task.errorCode || task.errorMessage ? `: ${[task.errorCode, task.errorMessage].filter(Boolean).join(': ')}` : '';
	const known = isUnsuccessful(task.status);
	const message = known
		? `The task ended ${task.status}${reason}`
		: `The task ended with an unexpected status "${task.status}"${reason}`;
	return withTaskId(
		new NodeOperationError(node, `${message}${where({ action: 'get', itemIndex, taskId: task.id })}`, {
			itemIndex,
			description: `Task ID: ${task.id}. Use "Get Task" with this ID to inspect it.`,
		}),
		task.id,
	);
}

/** The maximum wait passed with the task still queued or running (On Timeout: fail). */
export function stillRunningError(
	node: INode,
	itemIndex: number,
	task: { id: string; status: string },
	maxWaitMs: number,
): TaskAwareError {
	return withTaskId(
		new NodeOperationError(
			node,
			`The task is still ${task.status} after the maximum wait of ${maxWaitMs / 1000} s${where({ action: 'get', itemIndex, taskId: task.id })}`,
			{
				itemIndex,
				description: `Task ID: ${task.id}. It keeps running: use "Wait for Task" or "Get Task" with this ID later, or raise "Max Wait".`,
			},
		),
		task.id,
	);
}

/** The execution was cancelled while the item was being served. */
export function cancelledError(node: INode, scope: ErrorScope): TaskAwareError {
	const keep = scope.taskId ? ` The task keeps running on the server: its ID is ${scope.taskId}.` : '';
	return withTaskId(
		new NodeOperationError(node, `The execution was cancelled while ${ACTION_NOUN[scope.action]}${where(scope)}`, {
			itemIndex: scope.itemIndex,
			description: `Cancelled.${keep}`,
		}),
		scope.taskId,
	);
}

/** The run stopped this item because another item failed (only the first failure is reported). */
export function stoppedError(node: INode, scope: ErrorScope): TaskAwareError {
	return withTaskId(
		new NodeOperationError(node, `Stopped while ${ACTION_NOUN[scope.action]} because another item failed${where(scope)}`, {
			itemIndex: scope.itemIndex,
		}),
		scope.taskId,
	);
}

/**
 * The node's error when the run fails (Continue On Fail off, or cancelled): the first item's
 * failure, with every task the run created and its last known status, so none is lost.
 */
export function runFailedError(first: TaskAwareError, tasks: TaskRecord[]): TaskAwareError {
	const others = tasks.filter((task) => task.taskId !== first.taskId);
	if (others.length === 0) return first;
	const list = tasks.map((task) => `${task.taskId} (${task.status}, item ${task.itemIndex})`).join(', ');
	const summary =
		`Tasks of this run: ${list}. They keep running at the provider (and are billed): ` +
		'pick them up with the "Wait for Task" or "Get Task" operation and these IDs.';
	first.description = [first.description, summary].filter(Boolean).join('\n\n');
	first.context.tasks = tasks.map((task) => ({ ...task }));
	return first;
}

/** A request that failed for good, after any retries its policy allowed. */
export function requestFailedError(
	node: INode,
	failure: RequestFailure,
	attempts: number,
	scope: ErrorScope,
): TaskAwareError {
	const details: string[] = [];
	if (attempts > 1) details.push(`Gave up after ${attempts} attempts.`);
	if (scope.action === 'create' && !certainlyNotAccepted(failure)) {
		details.push(
			'The server may still have created (and billed) the task, so the request was not sent again. Check "List Tasks" before running this item again.',
		);
	}
	if (scope.taskId) details.push(`Task ID: ${scope.taskId}.`);
	const message = `${headlineFor(failure, scope.action)}${where(scope)}`;
	const error = new NodeApiError(node, failureRecord(failure), {
		message,
		description: details.join(' ') || failure.message || undefined,
		httpCode: failure.kind === 'transport' ? undefined : String(failure.status),
		itemIndex: scope.itemIndex,
	});
	// NodeApiError swaps in a generic text when the message merely contains a system error
	// code (e.g. "ResourceNotFound" contains ENOTFOUND); ours names the item and the task.
	error.message = message;
	return withTaskId(error, scope.taskId);
}

/**
 * Makes sure what leaves an item is an n8n error naming the item and, when one exists, the
 * task. Errors built by the functions above pass through (tagged with the task ID).
 */
export function toNodeError(node: INode, error: unknown, scope: ErrorScope): TaskAwareError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return withTaskId(error, scope.taskId ?? (error as TaskAwareError).taskId);
	}
	const message = error instanceof Error ? error.message : String(error);
	return withTaskId(new NodeOperationError(node, `${message}${where(scope)}`, { itemIndex: scope.itemIndex }), scope.taskId);
}

/**
 * The failure as plain data for NodeApiError. It has no `code` key on purpose: NodeApiError
 * replaces the message with a generic one when it finds a system code (ECONNRESET, ...).
 */
function failureRecord(failure: RequestFailure): JsonObject {
	if (failure.kind === 'transport') return { kind: failure.kind, transportCode: failure.code, reason: failure.message };
	const record: JsonObject = { kind: failure.kind, status: failure.status, reason: failure.message ?? null };
	if (failure.kind === 'http') {
		record.apiErrorCode = failure.code ?? null;
		record.param = failure.param ?? null;
	}
	return record;
}

function serverSays(failure: Extract<RequestFailure, { kind: 'http' }>): string {
	const code = failure.code ? ` ${failure.code}` : '';
	const param = failure.param ? `, param: ${failure.param}` : '';
	const message = failure.message ? `: ${failure.message}` : '';
	return `(HTTP ${failure.status}${code}${param})${message}`;
}

function headlineFor(failure: RequestFailure, action: Action): string {
	if (failure.kind === 'transport') {
		return `Could not complete ${ACTION_NOUN[action]}: ${failure.message}`;
	}
	if (failure.kind === 'badBody') {
		return `The API answered ${ACTION_NOUN[action]} with HTTP ${failure.status} and ${failure.message}`;
	}
	const says = serverSays(failure);
	const missingEndpoint =
		failure.status === 405 ||
		(failure.status === 404 && (action === 'list' || (action === 'delete' && failure.code !== TASK_NOT_FOUND_CODE)));
	if (missingEndpoint && (action === 'list' || action === 'delete')) {
		const what = action === 'list' ? 'listing tasks' : 'cancelling or deleting tasks';
		return `This provider does not offer ${what} ${says}. Listing and deleting are Volcengine Ark / BytePlus features; point the credential's Base URL at one of them`;
	}
	switch (failure.status) {
		case 401:
			return `The API key was refused ${says}`;
		case 403:
			return action === 'download'
				? `The download link was refused, most likely because it expired (links last about 24 hours) ${says}`
				: `The account or permission was refused ${says}`;
		case 404:
			if (action === 'create') return `Unknown model or endpoint ${says}`;
			if (action === 'download') return `The video file was not found ${says}`;
			return `Task not found ${says}`;
		case 429:
			return action === 'download' ? `The download host is rate limiting ${says}` : `Rate limited by the API ${says}`;
		default:
			if (failure.status >= 500 && action === 'download') return `The download host failed ${says}`;
			if (failure.status >= 500) return `The Seedance server failed while ${ACTION_NOUN[action]} ${says}`;
			return `The API rejected ${ACTION_NOUN[action]} ${says}`;
	}
}
