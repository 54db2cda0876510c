import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../errors/nodeErrors';

export const TASKS_PATH = '/api/v3/contents/generations/tasks';

/** Ark's largest page_size when listing tasks. */
export const MAX_PAGE_SIZE = 500;

/**
 * The task ID parameter, trimmed and checked: empty, `/`, `\` or `..` could not name a task
 * and could reach outside the task path, so they are refused before any request.
 */
export function readTaskId(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('taskId', itemIndex, '') as unknown;
	const taskId = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	const problem = taskIdProblem(taskId);
	if (problem) throw inputError(ctx.getNode(), itemIndex, 'Task ID', problem);
	return taskId;
}

/** Why a (trimmed) task ID cannot name a task, or undefined when it can. */
export function taskIdProblem(taskId: string): string | undefined {
	if (taskId === '') return 'is empty';
	if (/[/\\]/.test(taskId) || taskId.includes('..') || hasControlCharacter(taskId)) {
		return `"${taskId}" is not a valid task ID`;
	}
	return undefined;
}

export function taskPath(taskId: string): string {
	return `${TASKS_PATH}/${encodeURIComponent(taskId)}`;
}

function hasControlCharacter(text: string): boolean {
	return [...text].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);
}
