import {
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { triggerProperties } from './description';
import { receiveCallback } from './receiveCallback';

export class SeedanceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedance Trigger',
		name: 'seedanceTrigger',
		icon: { light: 'file:../../icons/seedance.svg', dark: 'file:../../icons/seedance.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'On task callback',
		description: 'Starts the workflow when a Seedance video task calls back (callback_url), e.g. when its video is ready',
		defaults: { name: 'Seedance Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'seedanceApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'seedance',
			},
		],
		properties: triggerProperties,
	};

	/**
	 * n8n calls these when the workflow is published or unpublished, to register the webhook
	 * with the service. Ark has no API to register a callback: each task carries its own
	 * `callback_url`. So there is nothing to check, create or delete.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this);
	}
}
