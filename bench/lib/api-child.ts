/**
 * The child-process half of bench/api.ts: runs the counted local runtime and answers the
 * parent's IPC questions (counts, the last interview GetItem), so the parent can generate load
 * from its own process.
 */
import { startInProcessTarget } from './api-target';

const target = await startInProcessTarget();
const reply = (message: unknown) => process.send?.(message);

process.on('message', async (message: { type: string }) => {
  if (message.type === 'counts') {
    reply({ type: 'counts', ...(await target.takeCounts()) });
  } else if (message.type === 'interviewGet') {
    reply({ type: 'interviewGet', input: await target.lastInterviewGetItem() });
  } else if (message.type === 'close') {
    await target.close();
    process.disconnect();
    process.exit(0);
  }
});

reply({
  type: 'ready',
  url: target.url,
  apiKey: target.apiKey,
  dynamoEndpoint: target.dynamoEndpoint,
});
