/**
 * The network between the platform's smoke test and the load balancers of the model. A
 * lifecycle test file replaces `node:http` (and `node:https`) with this module's `request`:
 *
 *   jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: any[]) => require('./model/network').request(...a) }));
 *
 * Requests to an address of a modelled load balancer are answered by the model; the module
 * keeps no import of `node:http`, so that the mock does not load itself. A test file of TCP
 * services replaces `node:net`'s `connect` with this module's `connect` as well: a connection
 * opens when the listener forwards it to a healthy target.
 */
import { EventEmitter } from 'node:events';

export interface HttpRequest {
  readonly address: string;
  readonly port: number;
  readonly path: string;
  readonly host: string;
  /** A TCP connection, no request: answered 503 when no healthy target takes it. */
  readonly connectOnly?: boolean;
}

/** Answers a request with a status code, or throws a connection error. */
export type Router = (request: HttpRequest) => number;

let router: Router | undefined;

export function setRouter(r: Router | undefined): void {
  router = r;
}

class FakeRequest extends EventEmitter {
  constructor(private readonly options: Record<string, any>, private readonly callback?: (res: unknown) => void) {
    super();
  }

  public end(): void {
    setImmediate(() => {
      try {
        if (!router) throw Object.assign(new Error(`connect ECONNREFUSED ${this.options.host}:${this.options.port}`), { code: 'ECONNREFUSED' });
        const status = router({ address: String(this.options.host), port: Number(this.options.port), path: String(this.options.path ?? '/'), host: String(this.options.headers?.host ?? '') });
        // A response without a body: the smoke test reads it to its end (to recognize the
        // platform's own 404), then the request closes.
        const res = Object.assign(new EventEmitter(), { statusCode: status, resume: () => undefined, setEncoding: () => undefined });
        this.callback?.(res);
        setImmediate(() => {
          res.emit('end');
          this.emit('close');
        });
      } catch (e) {
        this.emit('error', e);
      }
    });
  }

  public destroy(error?: Error): void {
    if (error) this.emit('error', error);
  }

  public setTimeout(): this {
    return this;
  }
}

export function request(options: Record<string, any>, callback?: (res: unknown) => void): FakeRequest {
  return new FakeRequest(options, callback);
}

/**
 * A TCP connection through a modelled listener: 'connect' when the load balancer forwards it to
 * a healthy target, else an error (a Network Load Balancer resets a connection it cannot forward;
 * a port without a listener refuses it).
 */
class FakeSocket extends EventEmitter {
  constructor(options: Record<string, any>) {
    super();
    setImmediate(() => {
      try {
        if (!router) throw Object.assign(new Error(`connect ECONNREFUSED ${options.host}:${options.port}`), { code: 'ECONNREFUSED' });
        const status = router({ address: String(options.host), port: Number(options.port), path: '', host: '', connectOnly: true });
        if (status === 503) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        this.emit('connect');
      } catch (e) {
        this.emit('error', e);
      }
    });
  }

  public end(callback?: () => void): this {
    setImmediate(() => {
      callback?.();
      this.emit('close');
    });
    return this;
  }

  public destroy(): this {
    return this;
  }
}

export function connect(options: Record<string, any>): FakeSocket {
  return new FakeSocket(options);
}
