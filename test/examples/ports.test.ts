import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExampleHttpsStack } from '../../examples/https-stack';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { ExampleWorkloadsStack } from '../../examples/workloads-stack';
import { newApp } from '../util';

/**
 * The port each image of the examples listens on, with where its maintainers say so. An example
 * service that runs an image from a registry must be in this table.
 */
const IMAGE_PORTS: Record<string, { port: number; source: string }> = {
  'public.ecr.aws/nginx/nginx-unprivileged': {
    port: 8080,
    source: 'https://github.com/nginx/docker-nginx-unprivileged#readme ("The default NGINX listen port is now 8080 instead of 80")',
  },
};

/**
 * The port the code a pipeline builds listens on: the EXPOSE of its Dockerfile and the port its
 * server listens on when the platform sets no PORT (the platform sets none).
 */
function codePort(dir: string): { expose: number[]; listens?: number } {
  const dockerfile = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const expose = [...dockerfile.matchAll(/^EXPOSE\s+(.+)$/gm)].flatMap((m) => m[1].split(/\s+/).map((p) => Number(p.split('/')[0])));
  const server = fs.existsSync(path.join(dir, 'server.js')) ? fs.readFileSync(path.join(dir, 'server.js'), 'utf8') : '';
  const listens = /process\.env\.PORT\s*\|\|\s*(\d+)/.exec(server)?.[1];
  return { expose, listens: listens === undefined ? undefined : Number(listens) };
}

/** Every service of a synthesized example: its container port, and where its image listens. */
function servicePorts(app: App): Array<{ service: string; port: number; listens: string }> {
  const dir = app.synth().directory;
  const out: Array<{ service: string; port: number; listens: string }> = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.template.json'))) {
    const resources = Object.entries(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).Resources ?? {}) as Array<[string, any]>;
    // A service's nested stack holds its task definition and, for a pipeline that starts from a
    // directory, the CodeCommit repository seeded with it (a file asset of the assembly).
    const seeded = resources.find(([, r]) => r.Type === 'AWS::CodeCommit::Repository' && r.Properties.Code)?.[1];
    for (const [id, r] of resources.filter(([, x]) => x.Type === 'AWS::ECS::TaskDefinition')) {
      const app = (r.Properties.ContainerDefinitions as any[]).find((c) => c.Name === 'app');
      const port = app?.PortMappings?.[0]?.ContainerPort;
      if (port === undefined) continue; // a worker, job or event task: nothing connects to it
      let listens: string;
      if (typeof app.Image === 'string') {
        const known = IMAGE_PORTS[app.Image.replace(/[:@][^/]*$/, '')];
        listens = known ? `${known.port} (${known.source})` : `unknown: add ${app.Image} to IMAGE_PORTS with the port its maintainers document`;
      } else if (seeded) {
        const hash = /([0-9a-f]{64})/.exec(JSON.stringify(seeded.Properties.Code.S3.Key))![1];
        const assets = fs.readdirSync(dir).filter((f) => f.endsWith('.assets.json')).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
        const code = codePort(path.join(dir, assets.find((a) => a.files?.[hash])!.files[hash].source.path));
        listens = code.expose.includes(port) && code.listens === port ? `${port} (its Dockerfile's EXPOSE and its server)` : `EXPOSE ${code.expose.join(' ')}, server ${code.listens}`;
      } else {
        listens = 'unknown: the image comes from a pipeline without initial code';
      }
      out.push({ service: `${file} ${id}`, port, listens });
    }
  }
  return out;
}

describe.each([
  ['ExamplePlatform', 2, (app: App) => new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV })],
  ['ExampleHttps', 2, (app: App) => new ExampleHttpsStack(app, 'ExampleHttps', { env: EXAMPLE_ENV })],
  ['ExampleWorkloads', 0, (app: App) => new ExampleWorkloadsStack(app, 'ExampleWorkloads', { env: EXAMPLE_ENV })],
])('%s', (_name, services: number, build: (app: App) => Stack) => {
  test('every service\'s container port is the port its image listens on (else its health checks never pass and the deploy rolls back)', () => {
    // GIVEN / WHEN
    const app = newApp();
    build(app);
    const ports = servicePorts(app);
    // THEN
    expect(ports).toHaveLength(services);
    for (const s of ports) expect({ service: s.service, listens: s.listens }).toEqual({ service: s.service, listens: expect.stringMatching(new RegExp(`^${s.port} \\(`)) });
  });
});
