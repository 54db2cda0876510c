/**
 * Drives a Seedance run in Callback mode through n8n's own engine the way an n8n instance
 * does, minus database and HTTP: WorkflowExecute runs the node until it puts the execution to
 * wait; what n8n would store is kept as flatted JSON (n8n's serialisation, so the wait state
 * must survive it); each callback then goes through what n8n's WaitingWebhooks does: the
 * stored execution read back, the waiting node disabled, n8n-core's real WebhookContext calling
 * the node's webhook(), and, when it answers with items, the execution resumed from the stored
 * data (WorkflowExecute.processRunExecutionData) with those items as the node's input.
 * `timeOut()` does what n8n's WaitTracker does when the wait passes first.
 */
import { parse, stringify } from 'flatted';
import { WebhookContext, WorkflowExecute } from 'n8n-core';
import type { IRun, IRunExecutionData, IWebhookData, IWebhookResponseData } from 'n8n-workflow';

import { initBinaryData, prepareSeedanceRun, type RunOptions, type RunResult, seedanceResult, seedanceType } from './n8nRunner';

export interface CallbackRun {
	/** The first run of the node: it created the tasks and (usually) put the execution to wait. */
	first: RunResult;
	/** Whether the execution is waiting (as n8n would store it now). */
	readonly waiting: boolean;
	/** When n8n would resume it on its own (Max Wait). */
	readonly waitTill: Date | undefined;
	/** POSTs a callback body to the waiting node: its answer, and the resumed run's result when it resumed. */
	deliver(body: unknown): Promise<{ answer: IWebhookResponseData; resumed?: RunResult }>;
	/** The wait passes with no callback resuming the execution (n8n's WaitTracker). */
	timeOut(): Promise<RunResult>;
}

export async function startCallbackRun(options: RunOptions): Promise<CallbackRun> {
	await initBinaryData();
	const prepared = prepareSeedanceRun(options);
	const { workflow, additionalData } = prepared;
	const run = await new WorkflowExecute(additionalData, 'manual').run({ workflow, startNode: workflow.getNode('Source')! });
	let stored: string | undefined = run.waitTill ? stringify(run.data) : undefined;
	const load = () => {
		if (!stored) throw new Error('the execution is not waiting');
		return parse(stored) as IRunExecutionData;
	};
	const resume = async (data: IRunExecutionData): Promise<RunResult> => {
		const resumedRun: IRun = await new WorkflowExecute(additionalData, 'manual', data).processRunExecutionData(prepared.rebuildWorkflow());
		stored = resumedRun.waitTill ? stringify(resumedRun.data) : undefined;
		return seedanceResult(resumedRun, prepared);
	};
	return {
		first: seedanceResult(run, prepared),
		get waiting() {
			return stored !== undefined;
		},
		get waitTill() {
			return stored ? new Date(load().waitTill as unknown as string) : undefined;
		},
		async deliver(body) {
			const data = load();
			// What WaitingWebhooks does before it calls the node's webhook().
			data.executionData!.nodeExecutionStack[0].node.disabled = true;
			data.waitTill = undefined;
			const callWorkflow = prepared.rebuildWorkflow();
			const node = callWorkflow.getNode(data.resultData.lastNodeExecuted!)!;
			const webhookData = {
				httpMethod: 'POST',
				node: node.name,
				path: '',
				webhookDescription: seedanceType.description.webhooks![0],
				workflowId: callWorkflow.id,
			} as unknown as IWebhookData;
			const callData = { ...additionalData, httpRequest: { body, headers: { 'content-type': 'application/json' }, params: {}, query: {} } };
			const context = new WebhookContext(callWorkflow, node, callData as never, 'webhook', webhookData, [], data);
			const answer = await seedanceType.webhook!.call(context);
			// n8n saves nothing when the node only acknowledges: the stored execution is unchanged.
			if (!answer.workflowData) return { answer };
			const entry = data.executionData!.nodeExecutionStack[0];
			entry.data.main = answer.workflowData;
			entry.metadata = { ...entry.metadata, forwardAllOutputs: true };
			return { answer, resumed: await resume(data) };
		},
		async timeOut() {
			return await resume(load());
		},
	};
}
