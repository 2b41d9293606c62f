// The code shown under "Verifying webhook signatures" on /docs. The TypeScript is a copy of
// examples/verify-webhook.ts (and examples/verify-standard-webhook.ts), which test/openapi.test.ts runs and compares
// with this text; the Python is the spec's function, which the same test compares with docs/spec.md.

export const TYPESCRIPT_VERIFY_SNIPPET = `// Receiving calflare webhooks with WebCrypto (Workers, Deno, Bun, browsers, Node 20+).
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
`;

export const PYTHON_VERIFY_SNIPPET = `import hmac
import hashlib

def verify_webhook_signature(payload: str, signature: str, secret: str) -> bool:
    expected_signature = hmac.new(
        secret.encode(),
        payload.encode(),
        hashlib.sha256
    ).hexdigest()
    
    return hmac.compare_digest(signature, expected_signature)

# In your webhook handler (FastAPI)
@app.post("/webhooks/bookings")
async def handle_booking_webhook(request: Request):
    payload = await request.body()
    signature = request.headers.get("x-cal-signature-256", "")
    secret = "whsec_your_secret_here"
    
    if not verify_webhook_signature(payload.decode(), signature, secret):
        raise HTTPException(status_code=401, detail="Invalid signature")
    
    data = await request.json()
    # Delivery is at least once: skip a request.headers["webhook-id"] you have already processed.
    # Process webhook...
`;

export const STANDARD_WEBHOOKS_VERIFY_SNIPPET = `// Receiving calflare webhooks with a Standard Webhooks library (npm install standardwebhooks; libraries exist for
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
`;

export const PYTHON_STANDARD_VERIFY_SNIPPET = `# pip install standardwebhooks
from standardwebhooks.webhooks import Webhook

@app.post("/webhooks/bookings")
async def handle_standard_webhook(request: Request):
    payload = await request.body()
    # signing_secret_standard from the create (or secret-setting PATCH) response
    wh = Webhook("whsec_...")
    try:
        event = wh.verify(payload, dict(request.headers))
    except Exception:
        raise HTTPException(status_code=401, detail="Invalid signature")
    # Delivery is at least once: skip a request.headers["webhook-id"] you have already processed.
`;
