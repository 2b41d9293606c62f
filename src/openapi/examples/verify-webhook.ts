// Receiving calflare webhooks with WebCrypto (Workers, Deno, Bun, browsers, Node 20+).
// X-Cal-Signature-256 is the lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the webhook secret.

export interface WebhookEvent {
  triggerEvent: string;
  createdAt: string;
  payload: Record<string, unknown>;
}

export async function verifyWebhookSignature(rawBody: string, signature: string, secret: string): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const mac = new Uint8Array(signature.match(/../g)!.map((byte) => parseInt(byte, 16)));
  // crypto.subtle.verify compares in constant time.
  return crypto.subtle.verify('HMAC', key, mac, encoder.encode(rawBody));
}

export async function handleBookingWebhook(
  request: Request,
  secret: string,
  onEvent: (event: WebhookEvent, webhookId: string | null) => Promise<void>,
): Promise<Response> {
  // Verify the raw text before parsing it: re-serialized JSON would not match the signature.
  const rawBody = await request.text();
  const signature = request.headers.get('x-cal-signature-256') ?? '';
  if (!(await verifyWebhookSignature(rawBody, signature, secret))) {
    return new Response('Invalid signature', { status: 401 });
  }
  // Delivery is at least once: onEvent should skip a webhook-id it has already processed.
  await onEvent(JSON.parse(rawBody) as WebhookEvent, request.headers.get('webhook-id'));
  return new Response(null, { status: 204 });
}
