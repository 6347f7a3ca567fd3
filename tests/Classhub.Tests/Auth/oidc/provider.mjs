// A real OpenID Connect provider (panva/oidc-provider, OpenID Certified) for classhub's sign-in tests.
// Usage: node provider.mjs   with OIDC_PORT and OIDC_CLIENTS (a JSON array of client metadata) in the environment.
// Test accounts are below; GET /_test/login-as/<id> chooses who "signs in" at the next interaction (no login form).
import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS);

const accounts = {
  alice: { preferred_username: 'alice', email: 'alice@school.example', email_verified: true, name: 'Alice' },
  mallory: { preferred_username: 'mallory', email: 'mallory@other.example', email_verified: true, name: 'Mallory' },
  eve: { preferred_username: 'eve', email: 'eve@school.example', email_verified: false, name: 'Eve' },
};
let nextAccount = 'alice';

// Fresh signing keys each run (RSA for RS256, P-256 for ES256): the hub must read them from the JWK Set.
const rsaKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const rsa = { ...rsaKey.export({ format: 'jwk' }), kid: `rsa-${Date.now()}`, use: 'sig' };
const ec = { ...crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: `ec-${Date.now()}`, use: 'sig' };

const provider = new Provider(issuer, {
  clients,
  findAccount: async (ctx, id) => accounts[id]
    ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) }
    : undefined,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username', 'name'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['classhub-tests-only'] },
  jwks: { keys: [rsa, ec] },
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
  pkce: { required: () => true },
});
// Test hook: GET /_test/tamper-next/<mode> makes the NEXT token response carry a bad ID token (RS256 clients):
//   signature: same claims, signed by a key that is not in the JWK Set (a forgery);
//   audience:  aud changed to another client, properly signed with the provider's own key;
//   expired:   exp/iat an hour and more in the past, properly signed with the provider's own key.
let tamperNext = null;
const b64url = (b) => Buffer.from(b).toString('base64url');
function tamper(idToken, mode) {
  const [header, payload] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'audience') claims.aud = 'someone-else';
  if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
  const input = `${header}.${b64url(JSON.stringify(claims))}`;
  const key = mode === 'signature' ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : rsaKey;
  return `${input}.${b64url(crypto.sign('sha256', Buffer.from(input), key))}`;
}
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && tamperNext && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token, tamperNext) };
    tamperNext = null;
  }
});

provider.on('server_error', (ctx, err) => console.error('server_error', err));

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const accountId = nextAccount;
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope('openid profile email');
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/_test/login-as/')) {
    nextAccount = decodeURIComponent(req.url.slice('/_test/login-as/'.length));
    res.end('ok');
    return;
  }
  if (req.url.startsWith('/_test/tamper-next/')) {
    tamperNext = decodeURIComponent(req.url.slice('/_test/tamper-next/'.length));
    res.end('ok');
    return;
  }
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => { res.statusCode = 500; res.end(String(err)); });
    return;
  }
  callback(req, res);
}).listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
