import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { type Action, inputError, toNodeError } from '../errors/nodeErrors';
import { executionScope } from '../execution/executionScope';
import { readItemSettings } from '../execution/itemSettings';
import { readTaskId, taskPath } from './taskId';

/** Runs an item's checks inside the run's preparation barrier (see executionScope.ts). */
async function prepared(
	ctx: IExecuteSingleFunctions,
	action: Action,
	check: () => IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const scope = executionScope(ctx);
	const finish = scope.beginPreparation(ctx);
	try {
		scope.rememberSettings(ctx.getItemIndex(), readItemSettings(ctx));
		const options = check();
		finish();
		return options;
	} catch (error) {
		finish(error as Error, !ctx.continueOnFail());
		throw toNodeError(ctx.getNode(), error, { action, itemIndex: ctx.getItemIndex() });
	}
}

/** preSend of Get Task, Wait for Task and Cancel/Delete Task: the checked, encoded task path. */
export async function prepareTaskRequest(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	return await prepared(this, 'get', () => {
		const taskId = readTaskId(this);
		return { ...requestOptions, url: taskPath(taskId) };
	});
}

/** preSend of List Tasks: filter values cleaned (task IDs as a repeated query key). */
export async function prepareListRequest(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	return await prepared(this, 'list', () => {
		const qs: IDataObject = { ...(requestOptions.qs ?? {}) };
		const ids = qs['filter.task_ids'];
		if (ids !== undefined) {
			const list = (Array.isArray(ids) ? ids : String(ids).split(/[\n,]/))
				.map((id) => String(id).trim())
				.filter((id) => id !== '');
			if (list.length === 0) delete qs['filter.task_ids'];
			else qs['filter.task_ids'] = list;
		}
		for (const key of ['filter.model', 'filter.status', 'filter.service_tier']) {
			if (typeof qs[key] === 'string' && (qs[key] as string).trim() === '') delete qs[key];
		}
		const returnAll = this.getNodeParameter('returnAll', false) as boolean;
		if (!returnAll) {
			const limit = Number(this.getNodeParameter('limit', 50));
			if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
				throw inputError(this.getNode(), this.getItemIndex(), 'Limit', `must be a whole number from 1 to 500 (got ${limit})`);
			}
		}
		return { ...requestOptions, qs };
	});
}
