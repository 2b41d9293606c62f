// Receiving calflare webhooks with a Standard Webhooks library (npm install standardwebhooks; libraries exist for
// most languages). webhook-signature is "v1," and the base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}";
// the key is the signing_secret_standard the API answered when the webhook was created or its secret was set.
import { Webhook } from 'standardwebhooks';

export async function handleStandardWebhook(
  request: Request,
  signingSecretStandard: string,
  onEvent: (event: unknown, webhookId: string) => Promise<void>,
): Promise<Response> {
  // Verify the raw text before parsing it: re-serialized JSON would not match the signature.
  const rawBody = await request.text();
  let event: unknown;
  try {
    // Checks the signature and refuses a webhook-timestamp more than five minutes away from now.
    event = new Webhook(signingSecretStandard).verify(rawBody, Object.fromEntries(request.headers));
  } catch {
    return new Response('Invalid signature', { status: 401 });
  }
  // Delivery is at least once: onEvent should skip a webhook-id it has already processed.
  await onEvent(event, request.headers.get('webhook-id')!);
  return new Response(null, { status: 204 });
}
