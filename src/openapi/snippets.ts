// The code shown under "Verifying webhook signatures" on /docs. The TypeScript is a copy of
// examples/verify-webhook.ts, which test/openapi.test.ts runs and compares with this text; the Python is the spec's
// function, which the same test compares with docs/spec.md.

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
