/**
 * A tRPC subscription read the browser's way (server-sent events) until its first error event:
 * what a refused subscription sends. Returns the text received, which names the error's code.
 */
export async function readSubscriptionUntilError(
  url: string,
  headers: Record<string, string>,
): Promise<string> {
  const events = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } });
  const reader = (events.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!text.includes('serialized-error')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
  }
  await reader.cancel();
  return text;
}
