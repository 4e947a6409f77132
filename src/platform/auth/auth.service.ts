import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig, Scope, SCOPES } from '../../config/config';

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * API keys and the admin tokens, held only as SHA-256 digests and compared in constant time
 * (every key is compared, whatever matched, so timing says nothing about which or whether).
 */
@Injectable()
export class AuthService {
  private readonly keys: { name: string; hash: Buffer; scopes: Scope[] }[];
  /** ADMIN_TOKEN (admin `admin`) and each named admin of ADMIN_TOKENS */
  private readonly admins: { name: string; hash: Buffer }[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = config.apiKeys.map((k) => ({ name: k.name, hash: digest(k.secret), scopes: k.scopes ?? [...SCOPES] }));
    this.admins = [
      ...(config.adminToken ? [{ name: 'admin', hash: digest(config.adminToken) }] : []),
      ...(config.adminTokens ?? []).map((a) => ({ name: a.name, hash: digest(a.secret) })),
    ];
  }

  /** The API key's name, or null. */
  clientFor(secret: string): string | null {
    return this.keyFor(secret)?.name ?? null;
  }

  /** The API key (name and scopes), or null. */
  keyFor(secret: string): { name: string; scopes: Scope[] } | null {
    const h = digest(secret);
    let found: { name: string; scopes: Scope[] } | null = null;
    for (const k of this.keys) if (timingSafeEqual(k.hash, h) && found === null) found = { name: k.name, scopes: k.scopes };
    return found;
  }

  isAdmin(token: string): boolean {
    return this.adminFor(token) !== null;
  }

  /** The admin's name (`admin` for ADMIN_TOKEN, else its ADMIN_TOKENS name), or null; every token compared. */
  adminFor(token: string): string | null {
    const h = digest(token);
    let found: string | null = null;
    for (const a of this.admins) if (timingSafeEqual(a.hash, h) && found === null) found = a.name;
    return found;
  }
}
