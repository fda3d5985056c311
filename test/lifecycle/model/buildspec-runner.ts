/**
 * Runs a CodeBuild buildspec against the model, command by command, the way bash would for
 * the commands the platform's (and the peer baseline's) buildspecs use: variables and
 * parameter expansion, `$(...)` in assignments, `if ...; then ...; fi`, `&&`, `||`, pipes and
 * redirections; docker build/tag/push, the aws CLI calls (routed to the model), jq, printf,
 * echo, cut, tr -c, sed -e 's/.../.../' and cat. An `aws` command the runner does not know fails loudly, so that a change
 * of the buildspec cannot silently escape the model; other unknown commands (a user's tests)
 * succeed without effect. Each aws command is evaluated for the build's role (a denied one
 * fails as the AWS CLI fails, exit status 254); `docker push` needs the ECR upload actions on
 * the repository, `docker pull` the download actions, after `aws ecr get-login-password`
 * (ecr:GetAuthorizationToken).
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-pull.html
 * @see https://docs.aws.amazon.com/cli/latest/topic/return-codes.html (254: the command was parsed but the service returned an error)
 */
import { arn } from './aws';
import type { Principal } from './iam';
import type { World } from './world';

export interface BuildContext {
  readonly world: World;
  /** The project role's session the build runs as (its aws commands and docker pushes are evaluated for it). */
  readonly role?: Principal;
  readonly env: Record<string, string>;
  /** The commit of the source (CODEBUILD_RESOLVED_SOURCE_VERSION); the images built from it carry it. */
  readonly commit: string;
  /** The input artifact's files; the commands' files are added. */
  readonly files: Map<string, string>;
}

interface Result { status: number; stdout: string }

const OK: Result = { status: 0, stdout: '' };

export class BuildFailed extends Error {}

/** Runs the phases of a buildspec; answers the files of its output artifact. */
export async function runBuildSpec(spec: any, ctx: BuildContext): Promise<Map<string, string>> {
  const shell = new Shell(ctx);
  for (const phase of ['install', 'pre_build', 'build', 'post_build']) {
    for (const command of spec.phases?.[phase]?.commands ?? []) {
      const r = await shell.exec(String(command), '');
      if (r.status !== 0) throw new BuildFailed(`Error while executing command: ${command}. Reason: exit status ${r.status}${r.stdout ? `: ${r.stdout}` : ''}`);
    }
  }
  const out = new Map<string, string>();
  for (const file of spec.artifacts?.files ?? []) {
    const content = ctx.files.get(file);
    if (content === undefined) throw new BuildFailed(`CLIENT_ERROR: no matching artifact paths found: ${file}`);
    out.set(file, content);
  }
  return out;
}

/** The builds run so far in each world: CODEBUILD_BUILD_NUMBER counts them (a project's builds, in CodeBuild). */
const buildNumbers = new WeakMap<World, number>();

class Shell {
  private readonly vars: Record<string, string>;
  private readonly built = new Map<string, string>();
  /** The AWS CLI's profiles (`aws configure set profile.<name>.<key> <value>`). */
  private readonly profiles = new Map<string, Record<string, string>>();
  /** The sessions of the roles the profiles assume, by profile. */
  private readonly sessions = new Map<string, Principal>();

  constructor(private readonly ctx: BuildContext) {
    const buildNumber = (buildNumbers.get(ctx.world) ?? 0) + 1;
    buildNumbers.set(ctx.world, buildNumber);
    // https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html
    this.vars = { ...ctx.env, CODEBUILD_RESOLVED_SOURCE_VERSION: ctx.commit, CODEBUILD_BUILD_NUMBER: String(buildNumber), AWS_DEFAULT_REGION: 'eu-west-1' };
  }

  public async exec(line: string, stdin: string): Promise<Result> {
    const cmd = line.trim();
    const ifm = /^if (.+?); then (.+?); (?:else (.+?); )?fi$/.exec(cmd);
    if (ifm) {
      const cond = await this.exec(ifm[1], stdin);
      if (cond.status === 0) return this.exec(ifm[2], stdin);
      return ifm[3] ? this.exec(ifm[3], stdin) : OK;
    }
    const semi = splitTop(cmd, '; ');
    if (semi.length > 1) return this.sequence(semi, stdin);
    const or = splitTop(cmd, ' || ');
    if (or.length > 1) {
      let r: Result = OK;
      for (const part of or) { r = await this.exec(part, stdin); if (r.status === 0) return r; }
      return r;
    }
    const and = splitTop(cmd, ' && ');
    if (and.length > 1) {
      let r: Result = OK;
      for (const part of and) { r = await this.exec(part, stdin); if (r.status !== 0) return r; }
      return r;
    }
    if (cmd.startsWith('! ')) {
      const r = await this.exec(cmd.slice(2), stdin);
      return { status: r.status === 0 ? 1 : 0, stdout: '' };
    }
    const assign = /^(?:export )?([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(cmd);
    if (assign && !cmd.includes(' docker ')) {
      this.vars[assign[1]] = await this.value(assign[2]);
      return OK;
    }
    // Redirections: `> /dev/null 2>&1`, `2>/dev/null` are dropped; `> file` captures stdout.
    let body = cmd.replace(/\s+2>&1$/, '').replace(/\s+2>\/dev\/null/g, '');
    let target: string | undefined;
    const redirect = /^([\s\S]*?)\s+>\s+(\S+)$/.exec(body);
    if (redirect && !inQuotes(body, redirect[1].length)) {
      body = redirect[1];
      target = redirect[2] === '/dev/null' ? '/dev/null' : this.expand(redirect[2]);
    }
    const stages = splitTop(body, ' | ');
    let r: Result = { status: 0, stdout: stdin };
    for (const stage of stages) {
      r = await this.simple(stage, r.stdout);
      if (r.status !== 0) return r;
    }
    if (target && target !== '/dev/null') { this.ctx.files.set(target, r.stdout); return OK; }
    return target ? OK : r;
  }

  /**
   * Who an aws command runs as: the build's role, or, with AWS_PROFILE naming a profile that has a
   * role_arn and credential_source EcsContainer, a session of that role, assumed with the build's
   * credentials (its identity policy and the role's trust decide, across accounts too).
   * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
   */
  private async caller(call: string): Promise<Principal | undefined> {
    const name = this.vars.AWS_PROFILE;
    if (!name) return this.ctx.role;
    const profile = this.profiles.get(name);
    if (!profile?.role_arn || profile.credential_source !== 'EcsContainer') throw new Error(`the lifecycle model has no profile ${name} with a role_arn and credential_source EcsContainer (for ${call})`);
    let session = this.sessions.get(name);
    if (!session) {
      session = await this.ctx.world.assumeAs(this.ctx.role!, profile.role_arn, `botocore-session-${this.ctx.world.ids.next()}`);
      this.sessions.set(name, session);
    }
    return session;
  }

  /** The first of `actions` the build's role may not do on an image's repository, as AWS words the denial. */
  private async ecrDenied(image: string, actions: string[]): Promise<string | undefined> {
    const role = this.ctx.role;
    const repo = /^[^/]+\.dkr\.ecr\.[^/]+\.amazonaws\.com\/([^:@]+)/.exec(image)?.[1];
    if (!role || !repo) return undefined;
    for (const action of actions) {
      if (!await this.ctx.world.iam.allowed(role, { action, resource: arn('ecr', `repository/${repo}`) }, `docker ${action.startsWith('ecr:BatchGet') || action.startsWith('ecr:GetDownload') ? 'pull' : 'push'} of ${image}`)) {
        return this.ctx.world.iam.denials.at(-1)!.message;
      }
    }
    return undefined;
  }

  private async sequence(parts: string[], stdin: string): Promise<Result> {
    let r: Result = OK;
    for (const p of parts) { r = await this.exec(p, stdin); if (r.status !== 0) return r; }
    return r;
  }

  /** The value of an assignment's right-hand side: `"$(cmd)"` (optionally followed by text, `"$(cmd)-$N"`), a quoted string or a word. */
  private async value(rhs: string): Promise<string> {
    const sub = /^"?\$\((.*)\)"?$/.exec(rhs);
    if (sub) return (await this.exec(sub[1], '')).stdout.trim();
    const then = /^"\$\((.*)\)([^()"]*)"$/.exec(rhs);
    if (then) return (await this.exec(then[1], '')).stdout.trim() + this.expand(then[2]);
    return words(rhs, (s) => this.expand(s)).join(' ');
  }

  /** Parameter expansion: $X, ${X}, ${X:-default}, ${X%%pattern}, ${X#pattern}. */
  private expand(text: string): string {
    return text
      .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-|%%|#)?([^}]*)\}/g, (_, name: string, op: string | undefined, arg: string) => {
        const v = this.vars[name] ?? '';
        if (op === ':-') return v || arg;
        if (op === '%%') return arg === '/*' ? v.split('/')[0] : v;
        if (op === '#') return arg === '*/' ? v.slice(v.indexOf('/') + 1) : v;
        return v;
      })
      .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => this.vars[name] ?? '');
  }

  private async simple(text: string, stdin: string): Promise<Result> {
    const argv = words(text.trim(), (s) => this.expand(s));
    const [c0, c1, c2] = argv;
    const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
    const { world } = this.ctx;
    if (c0 === 'set' || c0 === 'true') return OK;
    if (c0 === 'echo') return { status: 0, stdout: argv.slice(1).join(' ') + '\n' };
    if (c0 === 'cut') { const [from, to] = (opt('-c') ?? argv[1].replace('-c', '')).split('-').map(Number); return { status: 0, stdout: stdin.trim().slice(from - 1, to) + '\n' }; }
    if (c0 === 'tr' && c1 === '-c') return { status: 0, stdout: trComplement(stdin, argv[2], argv[3]) };
    if (c0 === 'sed') return { status: 0, stdout: sed(argv.slice(1), stdin) };
    if (c0 === 'cat') return { status: 0, stdout: this.ctx.files.get(argv[1]) ?? '' };
    if (c0 === 'printf') return { status: 0, stdout: printf(argv[1], argv.slice(2)) };
    if (c0 === '[') return { status: test(argv.slice(1, -1)) ? 0 : 1, stdout: '' };
    if (c0 === 'jq') return { status: 0, stdout: jq(argv.slice(1), stdin, this.ctx.files) };
    if (/^[A-Z_]+=/.test(c0) && argv[1] === 'docker') return this.simple(argv.slice(1).map(quote).join(' '), stdin);
    if (c0 === 'docker') {
      if (c1 === 'build') { this.built.set(opt('-t')!, this.ctx.commit); return OK; }
      if (c1 === 'tag') { this.built.set(argv[3], this.built.get(argv[2])!); return OK; }
      if (c1 === 'push') {
        const commit = this.built.get(c2);
        if (!commit) return { status: 1, stdout: `An image does not exist locally with the tag: ${c2}` };
        const denied = await this.ecrDenied(c2, ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage']);
        if (denied) return { status: 1, stdout: `denied: ${denied}` };
        try { world.ecr.push(c2, commit); return OK; } catch (e) { return { status: 1, stdout: `tag invalid: ${(e as Error).message}` }; }
      }
      if (c1 === 'pull') {
        const denied = await this.ecrDenied(c2, ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
        if (denied) return { status: 1, stdout: `Error response from daemon: denied: ${denied}` };
        return world.ecr.find(c2) ? OK : { status: 1, stdout: `Error response from daemon: manifest for ${c2} not found` };
      }
      return OK; // login
    }
    if (c0 !== 'aws') return OK; // a user's test command
    const call = `${c1} ${c2}`;
    if (call === 'configure set') {
      // @see https://docs.aws.amazon.com/cli/latest/reference/configure/set.html
      const [, profile, key] = /^profile\.([^.]+)\.(.+)$/.exec(argv[3]) ?? [];
      if (!profile) throw new Error(`the lifecycle model does not know the command: ${text}`);
      this.profiles.set(profile, { ...this.profiles.get(profile), [key]: argv[4] });
      return OK;
    }
    let role: Principal | undefined;
    try {
      role = await this.caller(call);
    } catch (e) {
      if ((e as Error).message.startsWith('the lifecycle model')) throw e;
      return { status: 254, stdout: `An error occurred (${(e as Error).name}) when calling the AssumeRole operation: ${(e as Error).message}` };
    }
    // A call as a role of another account reaches that account's services.
    const target = role?.kind === 'role' ? world.worldOf(role.roleArn) : world;
    const api = (service: string, operation: string, input: Record<string, any>) => target.run(() => target.api(service, operation, input, role));
    const may = async (action: string, resource: string) => { if (role) await world.iam.authorize(role, { action, resource }, `the build's ${call}`); };
    try {
      switch (call) {
        case 'ecr get-login-password':
          await may('ecr:GetAuthorizationToken', '*');
          return { status: 0, stdout: 'password' };
        case 'ecr describe-images': {
          await may('ecr:DescribeImages', arn('ecr', `repository/${opt('--repository-name')}`));
          const repo = world.ecr.repo(opt('--repository-name')!);
          const ids = opt('--image-ids');
          const image = ids ? repo.images.find((i) => i.tags.has(ids.replace('imageTag=', ''))) : undefined;
          // @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html (imageDigest)
          if (ids && opt('--query') === 'imageDetails[0].imageDigest') return image ? { status: 0, stdout: `${image.digest}\n` } : { status: 254, stdout: 'ImageNotFoundException' };
          if (ids) return { status: image ? 0 : 255, stdout: '' };
          const latest = [...repo.images].sort((a, b) => b.pushed - a.pushed)[0];
          return { status: 0, stdout: (latest ? [...latest.tags][0] : 'None') + '\n' };
        }
        case 'ecs describe-task-definition': {
          const out = await api('ECS', 'DescribeTaskDefinition', { taskDefinition: opt('--task-definition') }) as { taskDefinition: Record<string, unknown> };
          const td = { ...out.taskDefinition, requiresAttributes: [], compatibilities: ['EC2', 'FARGATE'], registeredAt: '2026-11-30T00:00:00Z', registeredBy: 'arn:aws:iam::111111111111:role/build' };
          return { status: 0, stdout: JSON.stringify(opt('--query') === 'taskDefinition' ? td : out) };
        }
        case 'ecs describe-services': {
          const out = await api('ECS', 'DescribeServices', { cluster: opt('--cluster'), services: [opt('--services')] }) as { services: Array<Record<string, any>> };
          // `--output text` prints a JMESPath null as None.
          // @see https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html
          if (opt('--query') === "services[0].taskSets[?status=='PRIMARY'].taskDefinition | [0]") {
            const primary = (out.services[0]?.taskSets as Array<Record<string, unknown>> | undefined)?.find((t) => t.status === 'PRIMARY');
            return { status: 0, stdout: String(primary?.taskDefinition ?? 'None') + '\n' };
          }
          if (opt('--query') !== 'services[0].desiredCount') throw new Error(`query ${opt('--query')}`);
          return { status: 0, stdout: String(out.services[0]?.desiredCount ?? 'None') + '\n' };
        }
        case 'ecs update-service': {
          await api('ECS', 'UpdateService', { cluster: opt('--cluster'), service: opt('--service'), desiredCount: Number(opt('--desired-count')) });
          return OK;
        }
        case 'ecs register-task-definition': {
          const input = JSON.parse(this.ctx.files.get(opt('--cli-input-json')!.replace('file://', ''))!);
          const out = await api('ECS', 'RegisterTaskDefinition', input) as { taskDefinition: { taskDefinitionArn: string } };
          return { status: 0, stdout: out.taskDefinition.taskDefinitionArn + '\n' };
        }
        case 'ssm get-parameter': {
          const out = await api('SSM', 'GetParameter', { Name: opt('--name') }) as { Parameter: { Value: string } };
          if (opt('--query') !== 'Parameter.Value') throw new Error(`query ${opt('--query')}`);
          return { status: 0, stdout: `${out.Parameter.Value}\n` };
        }
        case 'ssm put-parameter': {
          await api('SSM', 'PutParameter', { Name: opt('--name'), Value: opt('--value'), Type: opt('--type'), Overwrite: argv.includes('--overwrite') });
          return OK;
        }
        default: throw new Error(`the lifecycle model does not know the command: ${text}`);
      }
    } catch (e) {
      if ((e as Error).message.startsWith('the lifecycle model')) throw e;
      const operation = c2.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
      return { status: 254, stdout: `An error occurred (${(e as Error).name}) when calling the ${operation} operation: ${(e as Error).message}` };
    }
  }
}

/** Splits at `sep` outside quotes and `$( )`. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) { if (ch === quote) quote = ''; continue; }
    if (ch === '"' || ch === "'") { quote = ch; continue; }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth === 0 && text.startsWith(sep, i)) { parts.push(text.slice(start, i)); start = i + sep.length; i += sep.length - 1; }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function inQuotes(text: string, index: number): boolean {
  let quote = '';
  for (let i = 0; i < index; i++) {
    const ch = text[i];
    if (quote) { if (ch === quote) quote = ''; } else if (ch === '"' || ch === "'") quote = ch;
  }
  return quote !== '';
}

/** Shell words: single quotes literal, double quotes and bare words expanded. */
function words(text: string, expand: (s: string) => string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") { const j = text.indexOf("'", i + 1); cur += text.slice(i + 1, j); i = j; has = true; continue; }
    if (ch === '"') { const j = closing(text, i); cur += expand(text.slice(i + 1, j).replace(/\\"/g, '"')); i = j; has = true; continue; }
    if (ch === ' ') { if (has) out.push(cur); cur = ''; has = false; continue; }
    let j = i;
    while (j < text.length && !' \'"'.includes(text[j])) j++;
    cur += expand(text.slice(i, j));
    has = true;
    i = j - 1;
  }
  if (has) out.push(cur);
  return out;
}

function closing(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) if (text[i] === '"' && text[i - 1] !== '\\') return i;
  throw new Error(`unterminated quote in ${text}`);
}

function quote(word: string): string {
  return `'${word}'`;
}

/** `tr -c SET1 C`: every character not in SET1 (letters, digits, ranges such as A-Z) becomes C. */
function trComplement(stdin: string, set: string, replacement: string): string {
  const keep = new RegExp(`[${set.replace(/[\\\]^]/g, '\\$&').replace(/-$/, '\\-')}]`);
  return [...stdin].map((ch) => (keep.test(ch) ? ch : replacement)).join('');
}

/** `sed -e 's/RE/REPL/' ...`, applied line by line (RE as a JavaScript regular expression, first match). */
function sed(args: string[], stdin: string): string {
  const scripts = args.filter((a, i) => args[i - 1] === '-e' || (!a.startsWith('-') && args[i - 1] !== '-e' && i === 0));
  const substitutions = scripts.map((script) => {
    const m = /^s\/((?:[^/\\]|\\.)*)\/((?:[^/\\]|\\.)*)\/$/.exec(script);
    if (!m) throw new Error(`the lifecycle model does not know the sed script ${script}`);
    return { re: new RegExp(m[1]), replacement: m[2] };
  });
  return stdin.split('\n').map((line) => substitutions.reduce((l, sub) => l.replace(sub.re, sub.replacement), line)).join('\n');
}

function printf(format: string, args: string[]): string {
  let i = 0;
  return format.replace(/%s/g, () => args[i++] ?? '').replace(/\\n/g, '\n');
}

function test(args: string[]): boolean {
  if (args[0] === '-n') return (args[1] ?? '') !== '';
  if (args[0] === '-z') return (args[1] ?? '') === '';
  if (args[1] === '=') return args[0] === args[2];
  if (args[1] === '!=') return args[0] !== args[2];
  throw new Error(`the lifecycle model does not know the test [ ${args.join(' ')} ]`);
}

/** The jq filters the buildspecs use: object construction, with_entries(select), |= map(if ...), del, and paths. */
function jq(args: string[], stdin: string, files: Map<string, string>): string {
  const vars: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--arg') { vars[args[i + 1]] = args[i + 2]; i += 2; } else if (!args[i].startsWith('-')) rest.push(args[i]);
  }
  const [filter, file] = rest;
  let data = JSON.parse(file ? files.get(file)! : stdin);
  const value = (v: string) => (v.startsWith('$') ? vars[v.slice(1)] : JSON.parse(v));
  for (const step of splitTop(filter, ' | ')) {
    let m: RegExpExecArray | null;
    if ((m = /^\{(.*)\}$/.exec(step))) {
      data = Object.fromEntries(m[1].split(',').map((k) => k.trim()).map((k) => [k, data[k] ?? null]));
    } else if (step === 'with_entries(select(.value != null))') {
      data = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null && v !== undefined));
    } else if ((m = /^\.containerDefinitions \|= map\(if \.name == \$(\w+) then \.image = (\S+) else \. end\)$/.exec(step))) {
      const [, name, v] = m;
      data.containerDefinitions = data.containerDefinitions.map((c: Record<string, unknown>) => (c.name === vars[name] ? { ...c, image: value(v) } : c));
    } else if ((m = /^\.containerDefinitions\[(\d+)\]\.image = (\S+)$/.exec(step))) {
      data.containerDefinitions[Number(m[1])].image = value(m[2]);
    } else if ((m = /^del\((.*)\)$/.exec(step))) {
      for (const k of m[1].split(',')) delete data[k.trim().replace(/^\./, '')];
    } else {
      throw new Error(`the lifecycle model does not know the jq filter: ${step}`);
    }
  }
  return JSON.stringify(data, null, 2);
}
