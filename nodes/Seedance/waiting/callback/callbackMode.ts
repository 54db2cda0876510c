import { type IDataObject, type IExecuteFunctions, type INode, NodeOperationError } from 'n8n-workflow';

import { inputError } from '../../errors/nodeErrors';
import type { ItemSettings } from '../../execution/itemSettings';
import { providerCallsBack } from '../../transport/provider';

/**
 * Refuses Callback mode, before any request, where it cannot work: the node is an AI Agent's
 * tool, the credential's provider does not call back (the aggregator), or the run mixes Poll
 * and Callback items (one execution either waits in n8n or runs).
 */
export function checkCallbackMode(
	node: INode,
	callbacksSetting: unknown,
	baseURL: string,
	settings: Array<ItemSettings | undefined>,
): void {
	const callbackItem = settings.findIndex((entry) => entry?.waitMode === 'callback');
	if (callbackItem === -1) return;
	if (node.type.endsWith('Tool')) {
		// An AI Agent waits for its tool's answer within its own run: it cannot be put to wait.
		throw inputError(node, callbackItem, 'Wait Mode', '"Callback" is not available to an AI Agent\'s tool: use "Poll"');
	}
	if (!providerCallsBack(callbacksSetting, baseURL)) {
		throw new NodeOperationError(
			node,
			`Wait Mode: "Callback" needs a provider that calls back, and the credential's Base URL (${baseURL}) documents no callbacks [item ${callbackItem}]`,
			{
				itemIndex: callbackItem,
				description:
					'Volcengine Ark and BytePlus call back; the aggregator does not. Use Wait Mode "Poll", or, if this host does pass callbacks on, set the credential\'s "Callbacks" to "This Host Calls Back". No request was sent.',
			},
		);
	}
	const pollItem = settings.findIndex((entry) => entry !== undefined && entry.waitMode === 'poll');
	if (pollItem !== -1) {
		throw inputError(node, pollItem, 'Wait Mode', `must be the same for every item (item ${callbackItem} waits by Callback, item ${pollItem} by Poll)`);
	}
}

/**
 * This execution's resume URL, which the provider is to call back: n8n routes a POST to it to
 * the webhook of the node the execution waits on (path '', as n8n's Wait node). On n8n 2.x it
 * carries the execution's resume token (`?signature=`), without which n8n refuses the call.
 */
export function resumeUrlOf(ctx: IExecuteFunctions): string {
	const url = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
		throw new NodeOperationError(ctx.getNode(), 'Wait Mode: "Callback" needs the execution\'s resume URL, and n8n gave none', {
			description: `n8n answered ${JSON.stringify(url)} for $execution.resumeUrl. Use Wait Mode "Poll".`,
		});
	}
	return url;
}

/**
 * Sets the create request's callback_url to the execution's resume URL. A callback_url the user
 * set (Advanced API Fields or Extra Body) would send the provider's callbacks elsewhere: refused.
 */
export function setCallbackUrl(node: INode, itemIndex: number, body: IDataObject, extraBody: IDataObject, url: string): void {
	if (body.callback_url !== undefined || extraBody.callback_url !== undefined) {
		throw inputError(
			node,
			itemIndex,
			'Callback URL',
			'is set, but Wait Mode "Callback" sets it to this execution\'s resume URL: remove it (Advanced API Fields or Extra Body), or use Wait Mode "Poll"',
		);
	}
	body.callback_url = url;
}
