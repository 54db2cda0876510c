import {
	type IBinaryKeyData,
	type IDataObject,
	type INode,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { downloadMedia } from '../Seedance/download/downloadMedia';
import { type Action, credentialError, toNodeError } from '../Seedance/errors/nodeErrors';
import { taskIdProblem } from '../Seedance/mapping/taskId';
import { shapeTask } from '../Seedance/output/taskOutput';
import { CREDENTIAL_TYPE } from '../Seedance/transport/apiRequest';
import { normalizeBaseUrl } from '../Seedance/transport/provider';
import { type ApiTarget, readTask } from '../Seedance/transport/taskApi';
import { webhookTransport } from '../Seedance/transport/webhookTransport';
import { isSucceeded } from '../Seedance/waiting/taskStatus';
import { SeenTasks } from './seenTasks';
import { readTriggerSettings, statusWanted } from './triggerSettings';

/** Longer IDs are not task IDs: the callback is ignored without a request. */
const MAX_TASK_ID_LENGTH = 200;

/** Answer 2xx, start nothing. */
const ACKNOWLEDGE: IWebhookResponseData = {};

/**
 * One callback: anyone who knows the URL can POST to it, so its body only names the task.
 * The task is read from the API with the credential, and that answer decides whether the
 * workflow starts (Statuses, Once per Task) and what the item holds.
 *
 * Acknowledged without starting: a body without a usable task ID, a task the API does not
 * know (404), a status not chosen, a repeat. A failed read or download throws: n8n answers
 * 500 (the provider may call again) and records the error; the task is not marked as seen.
 */
export async function receiveCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = ctx.getNode();
	const taskId = taskIdOf(ctx.getBodyData());
	if (typeof taskId !== 'string') {
		ctx.logger.warn(`Seedance Trigger "${node.name}": callback ignored, ${taskId.problem}`);
		return ACKNOWLEDGE;
	}
	const settings = readTriggerSettings(ctx);
	const action: { current: Action } = { current: 'get' };
	const target: ApiTarget = { baseURL: await baseUrlOf(ctx, node), transport: webhookTransport(node, { scope: () => ({ action: action.current, itemIndex: 0, taskId }) }) };

	let task: IDataObject;
	try {
		task = await readTask(ctx, target, taskId);
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') {
			ctx.logger.warn(`Seedance Trigger "${node.name}": callback for task ${taskId} ignored, the API does not know that task (HTTP 404)`);
			return ACKNOWLEDGE;
		}
		throw toNodeError(node, error, { action: 'get', itemIndex: 0, taskId });
	}
	const status = String(task.status);
	if (!statusWanted(settings, status)) {
		ctx.logger.debug(`Seedance Trigger "${node.name}": task ${taskId} is ${status}, not one of the chosen statuses`);
		return ACKNOWLEDGE;
	}

	const seen = settings.oncePerTask
		? new SeenTasks(ctx.getWorkflowStaticData('node'), `${ctx.getWorkflow().id ?? ''}/${node.id}`)
		: undefined;
	const key = `${taskId}:${status}`;
	if (seen && !seen.claim(key)) {
		ctx.logger.debug(`Seedance Trigger "${node.name}": task ${taskId} (${status}) already started the workflow`);
		return ACKNOWLEDGE;
	}
	try {
		let binary: IBinaryKeyData | undefined;
		if (settings.downloadVideo && isSucceeded(status)) {
			action.current = 'download';
			binary = { [settings.binaryPropertyName]: await downloadVideo(ctx, node, task, taskId, target) };
		}
		seen?.remember(key);
		return { workflowData: [[{ json: shapeTask(task, settings.simplify), ...(binary ? { binary } : {}) }]] };
	} finally {
		seen?.release(key);
	}
}

/** The body's `id`, checked as the Task ID field is (nothing else of the body is read). */
function taskIdOf(body: unknown): string | { problem: string } {
	const raw = body && typeof body === 'object' ? (body as IDataObject).id : undefined;
	if (typeof raw !== 'string' && typeof raw !== 'number') return { problem: 'its body has no task ID ("id")' };
	const taskId = String(raw).trim();
	if (taskId.length > MAX_TASK_ID_LENGTH) return { problem: 'its task ID is too long' };
	const problem = taskIdProblem(taskId);
	return problem ? { problem: `its task ID ${problem}` } : taskId;
}

async function baseUrlOf(ctx: IWebhookFunctions, node: INode): Promise<string> {
	try {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		return normalizeBaseUrl(credentials.baseUrl);
	} catch (error) {
		throw credentialError(node, error);
	}
}

async function downloadVideo(ctx: IWebhookFunctions, node: INode, task: IDataObject, taskId: string, target: ApiTarget) {
	const content = (task.content ?? {}) as IDataObject;
	if (typeof content.video_url !== 'string' || content.video_url === '') {
		throw new NodeOperationError(node, `The task succeeded but has no video URL [task ${taskId}]`);
	}
	return await downloadMedia(ctx, { url: content.video_url, fileName: `${taskId}.mp4`, kind: 'video' }, target.transport);
}
