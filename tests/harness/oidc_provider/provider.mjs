// A real OpenID provider on loopback for sertel's identity tests: npm's oidc-provider (the
// certified implementation), configured as an agency's Keycloak realm issues tokens: JWT access
// tokens with `aud` an array holding "sertel", realm roles under realm_access.roles, the NIK in
// its own claim, the device authorization grant (RFC 8628), authorization code with PKCE (S256)
// on a loopback redirect, refresh tokens and revocation. Signing keys come from a private JWKS
// file (the first key signs; the others stay published), so a test rotates keys by rewriting the
// file and starting the provider again.
//
//   node provider.mjs --port P --issuer URL --keys KEYS.json --users USERS.json
//                     [--ready-file F] [--access-ttl SECONDS]
//   node provider.mjs --make-key rsa|ec --kid ID     (prints one private JWK)
//
// There is no login page: a test signs a user in by opening /interaction/<uid>?login=<subject>
// (the users file maps each subject to the claims its access tokens carry). Never for
// production: anyone who can reach the port can sign in as anyone.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    issuer: { type: 'string' },
    keys: { type: 'string' },
    users: { type: 'string' },
    'ready-file': { type: 'string' },
    'access-ttl': { type: 'string', default: '600' },
    'make-key': { type: 'string' },
    kid: { type: 'string' },
  },
});

if (args['make-key']) {
  const kind = args['make-key'];
  if (!args.kid || (kind !== 'rsa' && kind !== 'ec')) {
    console.error('usage: provider.mjs --make-key rsa|ec --kid ID');
    process.exit(2);
  }
  const { privateKey } = kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  console.log(JSON.stringify({
    ...jwk, kid: args.kid, use: 'sig', alg: kind === 'rsa' ? 'RS256' : 'ES256',
  }));
  process.exit(0);
}

for (const required of ['port', 'issuer', 'keys', 'users']) {
  if (!args[required]) {
    console.error(`provider.mjs: --${required} is required`);
    process.exit(2);
  }
}

// oidc-provider lives in sertel's npm cache (.cache/npm), not beside this file.
const npmDir = process.env.SERTEL_NPM_DIR;
if (!npmDir) {
  console.error('provider.mjs: set SERTEL_NPM_DIR to the directory holding node_modules');
  process.exit(2);
}
const require = createRequire(join(npmDir, 'package.json'));
const { default: Provider } = await import(require.resolve('oidc-provider'));

const jwks = JSON.parse(readFileSync(args.keys, 'utf8'));
const users = JSON.parse(readFileSync(args.users, 'utf8'));
const signingAlg = jwks.keys[0].alg;
const AUDIENCE = 'sertel';
const RESOURCE = 'urn:sertel';
const RESOURCE_SCOPE = 'sertel';

const provider = new Provider(args.issuer, {
  clients: [{
    client_id: 'sertel',
    application_type: 'native', // RFC 8252: a loopback redirect on any port
    token_endpoint_auth_method: 'none', // a public client, as sertelctl is
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'authorization_code',
      'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
  }],
  jwks,
  features: {
    devInteractions: { enabled: false },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: RESOURCE_SCOPE,
        audience: AUDIENCE,
        accessTokenTTL: Number(args['access-ttl']),
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: signingAlg } },
      }),
    },
  },
  pkce: { required: () => true },
  scopes: ['openid', 'offline_access', RESOURCE_SCOPE],
  ttl: { DeviceCode: 600, RefreshToken: 3600, Grant: 3600, Session: 3600, Interaction: 600 },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  findAccount: async (ctx, sub) => (users[sub] ? { accountId: sub, claims: async () => ({ sub }) }
    : undefined),
  extraTokenClaims: async (ctx, token) => (token.kind === 'AccessToken'
    ? users[token.accountId]?.claims : undefined),
  formats: {
    customizers: {
      // Keycloak issues aud as an array (the client and "account").
      jwt: async (ctx, token, jwt) => { jwt.payload.aud = [AUDIENCE, 'account']; },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = `${out.error}: ${out.error_description ?? ''}\n`;
  },
});

// The sign-in a test performs: GET /interaction/<uid>?login=<subject> logs the subject in and
// grants everything the client asked for, then lets the provider resume its flow.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
  if (!match || ctx.method !== 'GET') return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = ctx.query.login || details.session?.accountId;
  if (!accountId || !users[accountId]) {
    ctx.status = 400;
    ctx.body = `unknown user ${accountId ?? '(none)'}: add ?login=<subject>\n`;
    return undefined;
  }
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope ?? 'openid'));
  grant.addResourceScope(RESOURCE, RESOURCE_SCOPE);
  const grantId = await grant.save();
  const url = await provider.interactionResult(ctx.req, ctx.res,
    { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  ctx.redirect(url);
  return undefined;
});

provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`oidc provider ${args.issuer} on 127.0.0.1:${args.port}, signing with ${jwks.keys[0].kid}`);
  if (args['ready-file']) writeFileSync(args['ready-file'], String(process.pid));
});
