// Island: the passkey buttons (data-passkey="sign-in" | "register"). Asks the server for WebAuthn options, calls
// navigator.credentials, posts the answer as JSON (form token in X-CSRF-Token) and follows what the server says:
// go to a page, or show a recovery code once. The JSON glue is the W3C WebAuthn Level 3 encoding (base64url).
type Json = Record<string, unknown>;

const toBytes = (text: string) => {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (ch) => ch.charCodeAt(0));
};
const toText = (buffer: ArrayBuffer | null) =>
  buffer
    ? btoa(String.fromCharCode(...new Uint8Array(buffer)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/(?<!=)=+$/, '')
    : undefined;
const withIds = (list: unknown) =>
  ((list as { id: string }[] | undefined) ?? []).map((c) => ({ ...c, id: toBytes(c.id) })) as never;

const say = (text: string) => {
  const box = document.getElementById('passkey-status');
  if (box) box.textContent = text;
};

async function post(url: string, body: unknown, csrf: string): Promise<Json> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body ?? {}),
    credentials: 'same-origin',
  });
  const json = (await res.json().catch(() => ({}))) as Json;
  if (!res.ok) throw new Error(String(json.detail ?? json.title ?? res.status));
  return json;
}

async function run(button: HTMLButtonElement) {
  const csrf = button.dataset.csrf ?? '';
  const options = await post(button.dataset.options!, {}, csrf);
  let answer: Json;
  if (button.dataset.passkey === 'sign-in') {
    const credential = (await navigator.credentials.get({
      publicKey: {
        ...(options as object),
        challenge: toBytes(String(options.challenge)),
        allowCredentials: withIds(options.allowCredentials),
      } as unknown as PublicKeyCredentialRequestOptions,
    })) as PublicKeyCredential;
    const response = credential.response as AuthenticatorAssertionResponse;
    answer = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        authenticatorData: toText(response.authenticatorData),
        signature: toText(response.signature),
        userHandle: toText(response.userHandle),
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  } else {
    const user = options.user as Json;
    const credential = (await navigator.credentials.create({
      publicKey: {
        ...(options as object),
        challenge: toBytes(String(options.challenge)),
        user: { ...user, id: toBytes(String(user.id)) },
        excludeCredentials: withIds(options.excludeCredentials),
      } as unknown as PublicKeyCredentialCreationOptions,
    })) as PublicKeyCredential;
    const response = credential.response as AuthenticatorAttestationResponse;
    answer = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        attestationObject: toText(response.attestationObject),
        transports: response.getTransports?.() ?? [],
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }
  const result = await post(button.dataset.submit!, answer, csrf);
  if (typeof result.recoveryCode === 'string') {
    const output = document.getElementById('recovery-code');
    const panel = document.getElementById('recovery');
    if (output) output.textContent = result.recoveryCode;
    panel?.removeAttribute('hidden');
    button.hidden = true;
    document.getElementById('recovery-title')?.focus();
  } else if (typeof result.redirect === 'string' && result.redirect.startsWith('/console')) {
    location.assign(result.redirect);
  }
}

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-passkey]')) {
  if (!window.PublicKeyCredential) {
    button.disabled = true;
    say(button.dataset.unsupported ?? '');
    continue;
  }
  button.addEventListener('click', () => {
    say('');
    button.disabled = true;
    run(button)
      .catch((error: Error) => say(error.message))
      .finally(() => {
        button.disabled = false;
      });
  });
}

document.getElementById('print-recovery')?.addEventListener('click', () => window.print());
