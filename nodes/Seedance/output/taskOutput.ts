import type { IDataObject } from 'n8n-workflow';

/** Unix seconds (number or numeric string) or an ISO string -> ISO string. */
export function toIsoTime(value: unknown): string | null {
	if (value === undefined || value === null || value === '') return null;
	const numeric = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(String(value).trim()) ? Number(value) : NaN;
	if (!Number.isNaN(numeric)) {
		const ms = numeric > 1e12 ? numeric : numeric * 1000;
		return new Date(ms).toISOString();
	}
	const parsed = Date.parse(String(value));
	return Number.isNaN(parsed) ? String(value) : new Date(parsed).toISOString();
}

function objectOrEmpty(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

/** The flat shape "Simplify" gives downstream nodes: one item per task. */
export function simplifyTask(task: IDataObject): IDataObject {
	const content = objectOrEmpty(task.content);
	const error = objectOrEmpty(task.error);
	return {
		taskId: task.id ?? null,
		status: task.status ?? null,
		model: task.model ?? null,
		videoUrl: content.video_url ?? null,
		lastFrameUrl: content.last_frame_url ?? null,
		errorCode: error.code ?? null,
		errorMessage: error.message ?? failureReason(task) ?? null,
		usage: task.usage ?? null,
		duration: task.duration ?? null,
		resolution: task.resolution ?? null,
		ratio: task.ratio ?? null,
		seed: task.seed ?? null,
		createdAt: toIsoTime(task.created_at),
		updatedAt: toIsoTime(task.updated_at),
	};
}

/** A list item's failure, as Ark lists it: a plain string, empty unless the task failed. */
function failureReason(task: IDataObject): string | undefined {
	return typeof task.failure_reason === 'string' && task.failure_reason !== '' ? task.failure_reason : undefined;
}

export function taskError(task: IDataObject): { errorCode?: string; errorMessage?: string } {
	const error = objectOrEmpty(task.error);
	return {
		errorCode: typeof error.code === 'string' ? error.code : undefined,
		errorMessage: typeof error.message === 'string' ? error.message : failureReason(task),
	};
}

export function shapeTask(task: IDataObject, simplify: boolean): IDataObject {
	return simplify ? simplifyTask(task) : task;
}
