// Writes the web app's config.json for an AWS deployment from the stack's outputs
// (cloud/Tracker.Cloud.Infra: `npx cdk deploy -c stage=dev --outputs-file cdk-outputs.json`) and the
// account's IoT data endpoint (`aws iot describe-endpoint --endpoint-type iot:Data-ATS`), which
// CloudFormation cannot give: the sign-in, the live connection, and the car rules the deployed functions
// apply (`carRules`: the app has none of its own). It is written over the build's config.json (so the build's other keys,
// the map tiles, stay), into dist/ before the upload:
//
//   node scripts/config-from-stack.mjs --outputs ../Tracker.Cloud.Infra/cdk-outputs.json \
//     --iot-endpoint a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com [--stack tracker-dev] [--out dist/config.json]
//
// A missing or malformed input stops it with exit code 1 and a message naming it; nothing is written.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readCarRules } from '../src/carrules.js';

/** The stack outputs this reads (TrackerStack.cs names them). */
export const OUTPUTS = Object.freeze(['WebUrl', 'HostedUiUrl', 'UserPoolClientId', 'LiveAuthorizerName', 'LiveAuthorizerTokenKey', 'CarRules']);

/** The scopes the user pool client allows (Api/UserDirectory.cs WebScopes). */
export const SCOPES = Object.freeze(['openid', 'email', 'profile']);

class ConfigError extends Error {}

/**
 * The deployment's part of config.json.
 * @param {any} outputs the parsed --outputs-file (stack name -> output name -> value).
 * @param {{stack?: string, iotEndpoint: string}} options which stack, and the IoT data endpoint.
 * @returns {object} auth, mqttUrl, mqttAuthorizer, apiBase and carRules (the rules the deployed functions apply).
 * @throws {ConfigError} an input is missing or malformed; the message names it.
 */
export function configFromStack(outputs, options) {
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) {
    throw new ConfigError('the outputs file is not a JSON object of stacks (cdk deploy --outputs-file)');
  }
  const stacks = Object.keys(outputs);
  const name = options.stack ?? (stacks.length === 1 ? stacks[0] : null);
  if (name === null) {
    throw new ConfigError(`the outputs file holds ${stacks.length === 0 ? 'no stack' : `stacks ${stacks.join(', ')}`}: name one with --stack`);
  }
  const stack = outputs[name];
  if (stack === null || typeof stack !== 'object') throw new ConfigError(`the outputs file has no stack '${name}'`);
  const value = (key) => {
    const v = stack[key];
    if (typeof v !== 'string' || v.length === 0) throw new ConfigError(`stack '${name}' has no output ${key} (deploy the current stack first)`);
    return v;
  };
  const https = (key) => {
    const v = value(key);
    let url;
    try {
      url = new URL(v);
    } catch {
      throw new ConfigError(`output ${key} is not a URL: '${v}'`);
    }
    if (url.protocol !== 'https:') throw new ConfigError(`output ${key} is not https: '${v}'`);
    return v.replace(/\/+$/, '');
  };
  const hostedUi = https('HostedUiUrl');
  https('WebUrl');
  const endpoint = options.iotEndpoint;
  if (typeof endpoint !== 'string' || !/^[a-z0-9-]+(-ats)?\.iot\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(endpoint)) {
    throw new ConfigError(`--iot-endpoint must be the account's IoT data endpoint, like a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com (aws iot describe-endpoint --endpoint-type iot:Data-ATS); got '${endpoint ?? ''}'`);
  }
  let carRules;
  try {
    carRules = JSON.parse(value('CarRules'));
  } catch {
    throw new ConfigError(`output CarRules is not JSON: '${value('CarRules')}'`);
  }
  if (readCarRules(carRules) === null) throw new ConfigError(`output CarRules is not the car rules the app reads: '${value('CarRules')}'`);
  return {
    apiBase: '',
    carRules,
    auth: {
      mode: 'oauth',
      clientId: value('UserPoolClientId'),
      authorizeUrl: `${hostedUi}/oauth2/authorize`,
      tokenUrl: `${hostedUi}/oauth2/token`,
      revokeUrl: `${hostedUi}/oauth2/revoke`,
      logoutUrl: `${hostedUi}/logout`,
      scopes: [...SCOPES],
    },
    mqttUrl: `wss://${endpoint}/mqtt`,
    mqttAuthorizer: { name: value('LiveAuthorizerName'), tokenParameter: value('LiveAuthorizerTokenKey') },
  };
}

function main() {
  const { values } = parseArgs({
    options: {
      outputs: { type: 'string' },
      'iot-endpoint': { type: 'string' },
      stack: { type: 'string' },
      out: { type: 'string', default: 'dist/config.json' },
    },
  });
  if (values.outputs === undefined) throw new ConfigError('--outputs is required: the file of cdk deploy --outputs-file');
  const outputsPath = resolve(values.outputs);
  if (!existsSync(outputsPath)) throw new ConfigError(`--outputs names ${outputsPath}, which does not exist`);
  let outputs;
  try {
    outputs = JSON.parse(readFileSync(outputsPath, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${outputsPath} is not JSON: ${e.message}`);
  }
  const deployment = configFromStack(outputs, { stack: values.stack, iotEndpoint: values['iot-endpoint'] });
  const out = resolve(values.out);
  let built = {};
  if (existsSync(out)) {
    try {
      built = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      built = {};
    }
  }
  writeFileSync(out, `${JSON.stringify({ ...built, ...deployment }, null, 2)}\n`);
  console.log(`wrote ${out}: sign-in at ${deployment.auth.authorizeUrl}, live at ${deployment.mqttUrl} through ${deployment.mqttAuthorizer.name}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (e) {
    console.error(`config-from-stack: ${e instanceof ConfigError ? e.message : e.stack ?? e}`);
    process.exit(1);
  }
}
