/**
 * Calls the real Seedance Trigger's webhook() the way n8n serves a callback to a published
 * workflow: n8n-core's own WebhookContext (real parameters with defaults, credential, request
 * and binary helpers), a Workflow built afresh for each call from the static data n8n saved
 * after the previous one (n8n saves it only when a node changed it).
 */
import { WebhookContext } from 'n8n-core';
import {
	type IDataObject,
	type INode,
	type INodeParameters,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import { SeedanceTrigger } from '../../nodes/SeedanceTrigger/SeedanceTrigger.node';
import { initBinaryData, n8nLogger, TestCredentialsHelper } from './n8nRunner';

export const TRIGGER_NODE_TYPE = 'n8n-nodes-seedance.seedanceTrigger';

const triggerType = new SeedanceTrigger();
const nodeTypes: INodeTypes = {
	getByName: () => triggerType,
	getByNameAndVersion: () => triggerType,
	getKnownTypes: () => ({}),
};

export interface CallbackReceiver {
	/** POSTs one callback body to the trigger: what webhook() answered. */
	call(body: unknown): Promise<IWebhookResponseData>;
	/** The node's static data as n8n last saved it. */
	savedStaticData(): IDataObject;
	/** Lines the node logged (level and message). */
	logs: Array<{ level: string; message: string }>;
}

let workflowCounter = 0;

export async function callbackReceiver(options: {
	parameters?: INodeParameters;
	credentials: { apiKey: string; baseUrl: string };
}): Promise<CallbackReceiver> {
	await initBinaryData();
	const workflowId = `trigger-workflow-${++workflowCounter}`;
	const parameters =
		NodeHelpers.getNodeParameters(triggerType.description.properties, options.parameters ?? {}, true, false, null, null) ?? {};
	const node: INode = {
		id: 'trigger-node',
		name: 'Seedance Trigger',
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		webhookId: 'b1f9a3c2-7d4e-4f60-9a1b-3c5d7e9f1a2b',
		credentials: { seedanceApi: { id: '1', name: 'Seedance account' } },
	};
	let saved: IDataObject = {};
	const logs: CallbackReceiver['logs'] = [];
	return {
		logs,
		savedStaticData: () => structuredClone(saved),
		async call(body) {
			const workflow = new Workflow({
				id: workflowId,
				name: 'trigger test',
				nodes: [node],
				connections: {},
				active: true,
				nodeTypes,
				staticData: structuredClone(saved),
				settings: { executionOrder: 'v1' },
			});
			const additionalData = {
				credentialsHelper: new TestCredentialsHelper(options.credentials),
				executionId: undefined,
				webhookBaseUrl: 'http://localhost:5678/webhook',
				webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
				webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
				instanceBaseUrl: 'http://localhost:5678/',
				variables: {},
				httpRequest: { body, headers: { 'content-type': 'application/json' }, params: {}, query: {} },
			} as unknown as IWorkflowExecuteAdditionalData;
			const webhookData = {
				httpMethod: 'POST',
				node: node.name,
				path: `${node.webhookId}/seedance`,
				webhookDescription: triggerType.description.webhooks![0],
				workflowId,
			} as unknown as IWebhookData;
			const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
			// Replaced before first use: n8n memoizes the context's logger on first read.
			const base = n8nLogger() as unknown as WebhookContext['logger'];
			const logger = Object.create(base) as typeof base;
			for (const level of ['debug', 'info', 'warn', 'error'] as const) {
				logger[level] = (message: string, meta?: object) => {
					logs.push({ level, message });
					base[level](message, meta);
				};
			}
			Object.defineProperty(context, 'logger', { value: logger, configurable: true });
			const answer = await triggerType.webhook.call(context);
			// What n8n's LiveWebhooks does once the call is answered (WorkflowStaticDataService).
			if (workflow.staticData.__dataChanged === true) {
				const { __dataChanged, ...rest } = workflow.staticData;
				saved = JSON.parse(JSON.stringify(rest)) as IDataObject;
			}
			return answer;
		},
	};
}
