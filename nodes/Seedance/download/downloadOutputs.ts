import { type IBinaryKeyData, type IDataObject, type IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import type { ItemRun } from '../execution/itemRun';
import { isSucceeded } from '../waiting/taskStatus';
import { downloadMedia } from './downloadMedia';

/** Downloads a succeeded task's video (and last frame, when asked) into the item's binary data. */
export async function downloadOutputs(
	ctx: IExecuteFunctions,
	item: ItemRun,
	task: IDataObject,
): Promise<IBinaryKeyData | undefined> {
	const { settings } = item;
	if (!settings.downloadVideo || !isSucceeded(task.status)) return undefined;
	const content = (task.content ?? {}) as IDataObject;
	const taskId = String(task.id ?? item.taskId ?? 'video');
	if (typeof content.video_url !== 'string' || content.video_url === '') {
		throw new NodeOperationError(ctx.getNode(), `The task succeeded but has no video URL [item ${item.itemIndex}, task ${taskId}]`, {
			itemIndex: item.itemIndex,
		});
	}
	item.action = 'download';
	const binary: IBinaryKeyData = {
		[settings.binaryPropertyName]: await downloadMedia(
			ctx,
			{ url: content.video_url, fileName: `${taskId}.mp4`, kind: 'video' },
			item.transport,
		),
	};
	if (settings.downloadLastFrame && typeof content.last_frame_url === 'string' && content.last_frame_url !== '') {
		binary[settings.lastFrameBinaryPropertyName] = await downloadMedia(
			ctx,
			{ url: content.last_frame_url, fileName: `${taskId}-last-frame.png`, kind: 'image' },
			item.transport,
		);
	}
	return binary;
}
