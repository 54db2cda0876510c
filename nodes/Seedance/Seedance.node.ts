import {
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	NodeConnectionTypes,
} from 'n8n-workflow';

import { customOperations } from './actions/router';
import { videoProperties } from './actions/video';
import { requestOptionsSetting } from './description/requestOptions';
import { receiveTaskCallback } from './waiting/callback/receiveTaskCallback';
import { nothingToRegister } from './transport/webhookRegistration';

export class Seedance implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedance',
		name: 'seedance',
		icon: { light: 'file:../../icons/seedance.svg', dark: 'file:../../icons/seedance.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ (({"delete": "Cancel or Delete Task", "generate": "Generate Video", "get": "Get Task", "list": "List Tasks", "wait": "Wait for Task"})[$parameter["operation"]] || $parameter["operation"]) + ($parameter["operation"] === "generate" ? ": " + ($parameter["model"] === "custom" ? ($parameter["customModel"] || "Custom Model") : (({"gemini-omni": "Gemini Omni", "doubao-seedance-1-0-lite-i2v-250428": "Seedance 1.0 Lite I2V", "doubao-seedance-1-0-lite-t2v-250428": "Seedance 1.0 Lite T2V", "doubao-seedance-1-0-pro-250528": "Seedance 1.0 Pro", "doubao-seedance-1-0-pro-fast-251015": "Seedance 1.0 Pro Fast", "doubao-seedance-1-5-pro-251215": "Seedance 1.5 Pro", "doubao-seedance-2-0-260128": "Seedance 2.0", "doubao-seedance-2-0-fast-260128": "Seedance 2.0 Fast"})[$parameter["model"]] || $parameter["model"])) : "") }}',
		description: 'Generate AI videos with ByteDance Seedance (and gemini-omni): create, wait, download, list and cancel tasks',
		defaults: { name: 'Seedance' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'seedanceApi', required: true }],
		// Wait Mode "Callback": the provider calls this execution's resume URL ($execution.resumeUrl,
		// path '' as n8n's Wait node) while the execution waits on this node.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				path: '',
				restartWebhook: true,
				responseMode: 'onReceived',
				responseData: 'noData',
				ndvHideUrl: true,
				ndvHideMethod: true,
			},
		],
		// Declarative: the description declares every field and where it goes in the request.
		// The base URL comes from the credential, read once per run (execution/runOperation.ts).
		requestDefaults: {
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Video', value: 'video' }],
				default: 'video',
			},
			...videoProperties,
			requestOptionsSetting,
		],
	};

	customOperations = customOperations;

	/** Nothing to register at the provider (transport/webhookRegistration.ts). */
	webhookMethods = nothingToRegister;

	/** A provider's callback while the execution waits in Callback mode. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveTaskCallback(this);
	}
}
