import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { inputError } from '../errors/nodeErrors';
import { executionScope } from '../execution/executionScope';
import { readItemSettings } from '../execution/itemSettings';
import { prepareItem } from './prepareItem';
import { MAX_PAGE_SIZE, readTaskId, taskPath } from './taskId';

/** Reads and checks the item's settings, and keeps them for its send step. */
function rememberSettings(ctx: IExecuteSingleFunctions): void {
	executionScope(ctx).rememberSettings(ctx.getItemIndex(), readItemSettings(ctx));
}

/** preSend of Get Task, Wait for Task and Cancel/Delete Task: the checked, encoded task path. */
export async function prepareTaskRequest(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	return await prepareItem(this, 'get', () => {
		rememberSettings(this);
		const taskId = readTaskId(this);
		return { ...requestOptions, url: taskPath(taskId) };
	});
}

/** preSend of List Tasks: filter values cleaned (task IDs as a repeated query key). */
export async function prepareListRequest(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	return await prepareItem(this, 'list', () => {
		rememberSettings(this);
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
			if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
				throw inputError(
					this.getNode(),
					this.getItemIndex(),
					'Limit',
					`must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${limit})`,
				);
			}
		}
		return { ...requestOptions, qs };
	});
}
