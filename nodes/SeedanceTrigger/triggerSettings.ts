import { type IWebhookFunctions, NodeOperationError } from 'n8n-workflow';

import { LISTABLE_STATUSES, SUCCEEDED, UNSUCCESSFUL_STATUSES } from '../Seedance/waiting/taskStatus';

/** The Statuses choice for a final status outside the known vocabulary (see taskStatus.ts). */
export const OTHER_FINAL_STATUS = 'otherFinal';

/** The default of Statuses: every final status, known or not. */
export const FINAL_STATUSES = [SUCCEEDED, ...UNSUCCESSFUL_STATUSES, OTHER_FINAL_STATUS];

/** What the user chose on the trigger, read once per callback. */
export interface TriggerSettings {
	statuses: string[];
	oncePerTask: boolean;
	downloadVideo: boolean;
	binaryPropertyName: string;
	simplify: boolean;
}

export function readTriggerSettings(ctx: IWebhookFunctions): TriggerSettings {
	const statuses = ctx.getNodeParameter('statuses', FINAL_STATUSES) as unknown;
	const settings: TriggerSettings = {
		statuses: Array.isArray(statuses) ? statuses.map(String) : [...FINAL_STATUSES],
		oncePerTask: ctx.getNodeParameter('oncePerTask', true) as boolean,
		downloadVideo: ctx.getNodeParameter('downloadVideo', true) as boolean,
		binaryPropertyName: String(ctx.getNodeParameter('binaryPropertyName', 'data')).trim(),
		simplify: ctx.getNodeParameter('simplify', true) as boolean,
	};
	if (settings.downloadVideo && settings.binaryPropertyName === '') {
		throw new NodeOperationError(ctx.getNode(), 'Put Video in Field: is empty', {
			description: 'Fill in "Put Video in Field", or turn "Download Video" off.',
		});
	}
	return settings;
}

/** Whether a task in this status (as the API reports it) starts the workflow. */
export function statusWanted(settings: TriggerSettings, status: string): boolean {
	if (settings.statuses.includes(status)) return true;
	// Any status outside the vocabulary is final (taskStatus.ts): "Other Final Status" covers it.
	return !LISTABLE_STATUSES.includes(status) && settings.statuses.includes(OTHER_FINAL_STATUS);
}
