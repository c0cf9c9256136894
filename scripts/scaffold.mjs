#!/usr/bin/env node
// Runs a Software Template through the scaffolder REST API, for automation (CI pipelines, other platforms).
//
//   node scripts/scaffold.mjs --template template:default/collate-aws-eks \
//     --values values.json [--set name=collate-prod ...] [--set-string roleSuffix=-2024 ...] \
//     --secret databasePassword=DB_PASSWORD --secret searchPassword=SEARCH_PASSWORD \
//     [--dry-run] [--backend http://localhost:7007]
//
// Authentication: BACKSTAGE_TOKEN (e.g. a static token of backend.auth.externalAccess). Secrets are read from the
// environment variables named by --secret, never from the command line, and are sent only in the request's
// `secrets`; the form's Secret fields get a mask as their value, as the portal sends them.
// Prints the task log as it arrives and, at the end, the template's output as JSON on stdout's last line.
// Exit code: 0 when the task completed, 1 when it failed, 2 for bad usage.
import { readFileSync } from 'node:fs';

function usage(message) {
  process.stderr.write(`${message}\nsee the header of scripts/scaffold.mjs\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { set: [], setString: [], secret: [], dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--template') args.template = next();
    else if (a === '--values') args.values = next();
    else if (a === '--set') args.set.push(next());
    else if (a === '--set-string') args.setString.push(next());
    else if (a === '--secret') args.secret.push(next());
    else if (a === '--backend') args.backend = next();
    else if (a === '--dry-run') args.dryRun = true;
    else usage(`unknown argument ${a}`);
  }
  if (!args.template) usage('--template is required');
  return args;
}

/** `true`/`false`/numbers become JSON values; everything else stays a string (`--set-string` keeps it one). */
function scalar(text) {
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(text)) return JSON.parse(text);
  return text;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const backend = (
    args.backend ??
    process.env.BACKSTAGE_BACKEND_URL ??
    'http://localhost:7007'
  ).replace(/\/+$/, '');
  const token = process.env.BACKSTAGE_TOKEN;
  if (!token) usage('BACKSTAGE_TOKEN is not set');
  const headers = {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json',
  };
  const call = async (method, path, body) => {
    const res = await fetch(`${backend}${path}`, {
      method,
      headers,
      body: body && JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(
        `${method} ${path}: ${res.status} ${text.slice(0, 2000)}`,
      );
    }
    return text ? JSON.parse(text) : undefined;
  };

  const values = args.values
    ? JSON.parse(readFileSync(args.values, 'utf8'))
    : {};
  for (const [flag, list, parse] of [
    ['--set', args.set, scalar],
    ['--set-string', args.setString, String],
  ]) {
    for (const kv of list) {
      const at = kv.indexOf('=');
      if (at < 1) usage(`${flag} ${kv}: expected key=value`);
      values[kv.slice(0, at)] = parse(kv.slice(at + 1));
    }
  }
  const secrets = {};
  for (const kv of args.secret) {
    const [name, envVar] = kv.split('=');
    if (!name || !envVar) usage(`--secret ${kv}: expected name=ENV_VAR`);
    const value = process.env[envVar];
    if (value === undefined) usage(`--secret ${name}: ${envVar} is not set`);
    secrets[name] = value;
    values[name] = '********';
  }

  const ref = args.template.match(/^(?:template:)?(?:([^/:]+)\/)?([^/:]+)$/);
  if (!ref)
    usage(`--template ${args.template}: expected template:namespace/name`);
  const [, namespace = 'default', name] = ref;
  const templateRef = `template:${namespace}/${name}`;

  if (args.dryRun) {
    const template = await call(
      'GET',
      `/api/catalog/entities/by-name/template/${namespace}/${name}`,
    );
    const result = await call('POST', '/api/scaffolder/v2/dry-run', {
      template,
      values,
      secrets,
      directoryContents: [],
    });
    let failed = false;
    for (const { body } of result.log) {
      if (body.status === 'failed') failed = true;
      if (body.message)
        process.stdout.write(`${body.stepId ?? '-'}: ${body.message}\n`);
    }
    process.stdout.write(`${JSON.stringify(result.output ?? {})}\n`);
    process.exit(failed ? 1 : 0);
  }

  const { id } = await call('POST', '/api/scaffolder/v2/tasks', {
    templateRef,
    values,
    secrets,
  });
  process.stderr.write(`task ${id}: ${backend}/create/tasks/${id}\n`);
  let after;
  for (;;) {
    const events = await call(
      'GET',
      `/api/scaffolder/v2/tasks/${id}/events${
        after === undefined ? '' : `?after=${after}`
      }`,
    );
    for (const event of events) {
      after = event.id;
      if (event.type === 'log' && event.body.message) {
        process.stdout.write(
          `${event.body.stepId ?? '-'}: ${event.body.message}\n`,
        );
      }
      if (event.type === 'completion') {
        const task = await call('GET', `/api/scaffolder/v2/tasks/${id}`);
        process.stdout.write(
          `${JSON.stringify(event.body.output ?? task.output ?? {})}\n`,
        );
        process.exit(task.status === 'completed' ? 0 : 1);
      }
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

main().catch(error => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
