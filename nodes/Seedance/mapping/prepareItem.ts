import type { IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { type Action, toNodeError } from '../errors/nodeErrors';
import { executionScope } from '../execution/executionScope';

/**
 * Runs an item's preSend checks inside the run's preparation barrier (see executionScope.ts):
 * the item registers synchronously, before any item can send, and a bad input (without
 * Continue On Fail) keeps every item of the run from sending. Failures leave as n8n errors
 * naming the item.
 */
export async function prepareItem(
	ctx: IExecuteSingleFunctions,
	action: Action,
	check: () => IHttpRequestOptions | Promise<IHttpRequestOptions>,
): Promise<IHttpRequestOptions> {
	const finish = executionScope(ctx).beginPreparation(ctx);
	try {
		const options = await check();
		finish();
		return options;
	} catch (error) {
		finish(error as Error, !ctx.continueOnFail());
		throw toNodeError(ctx.getNode(), error, { action, itemIndex: ctx.getItemIndex() });
	}
}
