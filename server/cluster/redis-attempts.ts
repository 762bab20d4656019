// Sign-in failures counted in Redis, so every node sees the same counts (auth/sign-in-limits.ts
// decides what they mean). One sorted set per count and key: a failure is a member scored by its
// time, tagged with its source; the window is trimmed and the key's bound kept in one Lua script,
// and the key expires with the window. While Redis is away each node counts in its own memory
// (logged), so guessing is still slowed, never let through unlimited.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { memoryAttemptLog, type AttemptLog, type AttemptLogFactory } from '../auth/rate-limit';
import type { ClusterLog } from './bus';

// KEYS[1]: the count; ARGV: now, windowMs, max, member. Forget what left the window, add the
// failure, keep the newest `max`, expire with the window.
const FAILED = `
local cutoff = tonumber(ARGV[1]) - tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

// KEYS[1]: the count; ARGV[1]: the tag whose failures are forgotten.
const RESET_TAG = `
local removed = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local bar = string.find(m, '|', 1, true)
  if bar and string.sub(m, bar + 1) == ARGV[1] then
    redis.call('ZREM', KEYS[1], m)
    removed = removed + 1
  end
end
return removed`;

/** A member: its time, `.`, random (failures in the same millisecond stay apart), `|`, the tag.
 * The time is in the member so that no reply shape with scores (RESP2 or 3) matters. */
const tagOf = (member: string) => member.slice(member.indexOf('|') + 1);
const timeOf = (member: string) => Number(member.slice(0, member.indexOf('.')));

class RedisAttemptLog implements AttemptLog {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Hashed: keys stay short whatever the address or email, and carry no email in the clear. */
  private key(key: string) {
    return this.keyPrefix + createHash('sha256').update(key).digest('base64url');
  }

  async count(key: string, now: number, except?: string) {
    const members = await this.redis.zrangebyscore(this.key(key), `(${now - this.windowMs}`, '+inf');
    return except === undefined ? members.length : members.filter((m) => tagOf(m) !== except).length;
  }

  async retryAfterMs(key: string, now: number) {
    // Ordered by score (time); members of one millisecond tie, which the arithmetic does not mind.
    const members = await this.redis.zrangebyscore(this.key(key), `(${now - this.windowMs}`, '+inf');
    const times = members.map(timeOf);
    return times.length < this.max ? 0 : times[times.length - this.max] + this.windowMs - now;
  }

  async failed(key: string, now: number, tag = '') {
    const member = `${Math.floor(now)}.${randomBytes(6).toString('hex')}|${tag}`;
    await this.redis.eval(FAILED, 1, this.key(key), now, this.windowMs, this.max, member);
  }

  async reset(key: string, tag?: string) {
    if (tag === undefined) await this.redis.del(this.key(key));
    else await this.redis.eval(RESET_TAG, 1, this.key(key), tag);
  }
}

/** Asks Redis; when it does not answer, this node's memory (the drop logged once, the return too). */
class FallbackAttemptLog implements AttemptLog {
  private usingMemory = false;
  constructor(
    private readonly shared: AttemptLog,
    private readonly local: AttemptLog,
    private readonly name: string,
    private readonly log: ClusterLog,
  ) {}

  private async either<T>(op: (l: AttemptLog) => Promise<T>): Promise<T> {
    try {
      const result = await op(this.shared);
      if (this.usingMemory) {
        this.usingMemory = false;
        this.log.info(`cluster: sign-in ${this.name} are counted in Redis again`);
      }
      return result;
    } catch (err) {
      if (!this.usingMemory) {
        this.usingMemory = true;
        this.log.warn(
          `cluster: Redis did not answer for sign-in ${this.name} (${(err as Error).message}); this node counts them alone until it does`,
        );
      }
      return op(this.local);
    }
  }

  count(key: string, now: number, except?: string) {
    return this.either((l) => l.count(key, now, except));
  }
  retryAfterMs(key: string, now: number) {
    return this.either((l) => l.retryAfterMs(key, now));
  }
  failed(key: string, now: number, tag?: string) {
    return this.either((l) => l.failed(key, now, tag));
  }
  reset(key: string, tag?: string) {
    return this.either((l) => l.reset(key, tag));
  }
}

/** Sign-in counts shared by every node through `redis`, each under `${prefix}signin:${name}:`. */
export function redisAttempts(redis: Redis, prefix: string, log: ClusterLog): AttemptLogFactory {
  return (name, max, windowMs) =>
    new FallbackAttemptLog(
      new RedisAttemptLog(redis, `${prefix}signin:${name}:`, max, windowMs),
      memoryAttemptLog(max, windowMs),
      name,
      log,
    );
}
