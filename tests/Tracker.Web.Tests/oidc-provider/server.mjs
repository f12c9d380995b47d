// A real OpenID Connect provider (the npm oidc-provider) standing in for a Cognito user pool and its hosted
// UI in the web app's browser tests. It is set up the way the deployed pool is (cloud/Tracker.Cloud.Infra,
// Api/UserDirectory.cs), at the paths Cognito uses, so the web app runs exactly the code it runs on AWS:
//
//   /oauth2/authorize   authorization code with PKCE (S256 only; a public client, no secret)
//   /oauth2/token       code and refresh_token grants, CORS for the app's origin
//   /oauth2/revoke      revokes a refresh token (Cognito's EnableTokenRevocation)
//   /logout             Cognito's sign-out: ?client_id=&logout_uri= ends the provider's session, then redirects
//   /.well-known/jwks.json, /.well-known/openid-configuration
//
// ID tokens carry what Cognito's do and what the API and the live authorizer read: iss, aud = client id,
// token_use = id, sub, cognito:username, cognito:groups, exp. Refresh tokens are not rotated and do not
// end with the provider's session (Cognito's defaults); the app revokes its own at sign-out.
//
//   node server.mjs --port 0 --client-id tracker-web --app-url http://127.0.0.1:5000/ \
//     --accounts '[{"user":"ops","password":"pw","groups":["operators"]}]' [--id-token-ttl 3600] [--max-seconds 1800]
//
// It listens on 127.0.0.1 only, prints one JSON line {"issuer": "..."} once it does, and stops by itself
// when its standard input closes (the test that started it ended) or after --max-seconds.

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string' },
    'app-url': { type: 'string' },
    accounts: { type: 'string' },
    'id-token-ttl': { type: 'string', default: '3600' },
    'max-seconds': { type: 'string', default: '1800' },
  },
});

function fail(message) {
  process.stderr.write(`oidc stand-in: ${message}\n`);
  process.exit(2);
}

const clientId = args['client-id'] ?? fail('--client-id is required');
const appUrl = args['app-url'] ?? fail('--app-url is required (the web app, its redirect and sign-out URL)');
let accounts;
try {
  accounts = new Map(JSON.parse(args.accounts ?? fail('--accounts is required')).map((a) => [a.user, a]));
} catch (e) {
  fail(`--accounts is not JSON: ${e.message}`);
}
const idTokenTtl = Number.parseInt(args['id-token-ttl'], 10);
const maxSeconds = Number.parseInt(args['max-seconds'], 10);
if (!(idTokenTtl > 0) || !(maxSeconds > 0)) fail('--id-token-ttl and --max-seconds must be positive integers');

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number.parseInt(args.port, 10), '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [appUrl],
    post_logout_redirect_uris: [appUrl],
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  routes: {
    authorization: '/oauth2/authorize',
    token: '/oauth2/token',
    revocation: '/oauth2/revoke',
    userinfo: '/oauth2/userInfo',
    jwks: '/.well-known/jwks.json',
    end_session: '/oidc/session/end',
  },
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub', 'token_use', 'cognito:username', 'cognito:groups'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // The user's claims go into the ID token itself, as Cognito's do (not only to userinfo).
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // Cognito's /logout asks nothing: confirm the provider's own form at once.
      logoutSource: async (ctx, form) => {
        ctx.type = 'html';
        ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing out</title></head><body>${form}`
          + '<script>document.forms[0].insertAdjacentHTML("beforeend", \'<input type="hidden" name="logout" value="yes">\');document.forms[0].submit();</script></body></html>';
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.type = 'html';
        ctx.body = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><p>Signed out.</p></body></html>';
      },
    },
  },
  pkce: { required: () => true },
  ttl: {
    AccessToken: idTokenTtl,
    IdToken: idTokenTtl,
    AuthorizationCode: 300,
    RefreshToken: 30 * 24 * 3600,
    Grant: 30 * 24 * 3600,
    Session: 24 * 3600,
    Interaction: 600,
  },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => false,
  expiresWithSession: async () => false,
  clientBasedCORS: (_ctx, origin, client) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
  // A first-party app: Cognito asks no consent, so every sign-in gets the grant it asks for.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const found = await ctx.oidc.provider.Grant.find(grantId);
      if (found) return found;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope ?? 'openid');
    await grant.save();
    return grant;
  },
  findAccount: async (_ctx, id) => {
    const account = accounts.get(id);
    if (account === undefined) return undefined;
    return {
      accountId: id,
      claims: async () => ({
        sub: id,
        token_use: 'id',
        'cognito:username': id,
        'cognito:groups': account.groups ?? [],
        email: `${id}@example.com`,
        email_verified: true,
        name: id,
      }),
    };
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>${escapeHtml(out.error)}</h1><p>${escapeHtml(out.error_description ?? '')}</p></body></html>`;
  },
});

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function loginPage(uid, message) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>
<h1>Sign in (test identity provider)</h1>
<p id="message" role="alert">${escapeHtml(message)}</p>
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login">
  <label for="username">Username</label><input id="username" name="username" autocomplete="username">
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
  <button id="signin" type="submit">Sign in</button>
</form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 8192) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const login = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
    if (login !== null) {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== login[1]) return send(res, 400, 'interaction mismatch');
      if (req.method === 'GET') return send(res, 200, loginPage(details.uid, ''));
      if (req.method !== 'POST' || login[2] === undefined) return send(res, 405, 'method not allowed');
      const form = await readForm(req);
      const account = accounts.get(form.get('username') ?? '');
      if (account === undefined || account.password !== form.get('password')) {
        return send(res, 200, loginPage(details.uid, 'Incorrect username or password.'));
      }
      return await provider.interactionFinished(req, res, { login: { accountId: account.user } }, { mergeWithLastSubmission: false });
    }
    if (url.pathname === '/logout' && req.method === 'GET') {
      // Cognito's sign-out endpoint: the client and a registered sign-out URL, or an error page.
      const client = url.searchParams.get('client_id');
      const logoutUri = url.searchParams.get('logout_uri');
      if (client !== clientId || logoutUri !== appUrl) return send(res, 400, 'client_id and logout_uri must name the client and its sign-out URL');
      res.writeHead(302, { location: `/oidc/session/end?${new URLSearchParams({ client_id: client, post_logout_redirect_uri: logoutUri })}` });
      return res.end();
    }
    return callback(req, res);
  } catch (e) {
    process.stderr.write(`oidc stand-in: ${e.stack ?? e}\n`);
    if (!res.headersSent) send(res, 500, 'error');
    else res.end();
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
const stop = () => server.close(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
setTimeout(() => process.exit(0), maxSeconds * 1000).unref();
process.on('SIGTERM', stop);
