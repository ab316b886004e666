import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { errors } from '../../apimachinery/status.js';
import type { UserInfo } from '../registry/context.js';

/**
 * Establishes who sent a request. Returns undefined when the request carries no credentials
 * this authenticator understands; throws a 401 StatusError for credentials that are invalid.
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>;
}

/**
 * x509 client certificates verified against the cluster CA (the TLS layer verifies the
 * chain; this reads it): the subject's CN is the user, its O values are the groups, as
 * kube-apiserver's --client-ca-file authenticator.
 */
export class X509Authenticator implements Authenticator {
  // The certificate of a connection never changes: decode it once per connection.
  private readonly bySocket = new WeakMap<object, UserInfo | null>();

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const sock = req.socket as TLSSocket;
    if (typeof sock.getPeerCertificate !== 'function') return undefined;
    const cached = this.bySocket.get(sock);
    if (cached !== undefined) return cached ? { ...cached, groups: [...cached.groups] } : undefined;
    const user = this.fromSocket(sock);
    this.bySocket.set(sock, user ?? null);
    return user && { ...user, groups: [...user.groups] };
  }

  private fromSocket(sock: TLSSocket): UserInfo | undefined {
    const cert = sock.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) return undefined;
    if (!sock.authorized) {
      throw errors.unauthorized();
    }
    const subject = cert.subject as unknown as Record<string, string | string[]>;
    const cn = subject?.CN;
    const name = Array.isArray(cn) ? cn[0] : cn;
    if (!name) throw errors.unauthorized();
    const o = subject.O;
    const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
    return { name, groups };
  }
}

/** Tries authenticators in order; the first that recognizes credentials decides. */
export class UnionAuthenticator implements Authenticator {
  constructor(private readonly authenticators: readonly Authenticator[]) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    for (const a of this.authenticators) {
      const u = await a.authenticate(req);
      if (u) {
        // Every authenticated user is in system:authenticated, as upstream adds it.
        if (!u.groups.includes('system:authenticated') && u.name !== 'system:anonymous') {
          u.groups = [...u.groups, 'system:authenticated'];
        }
        return u;
      }
    }
    return undefined;
  }
}
