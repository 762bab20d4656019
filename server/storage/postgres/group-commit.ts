// Group commit: calls that arrive while a group of their kind is being written wait, and are then
// written together, in one transaction of set-based statements. A lone call goes at once (no
// timer, nothing added to its latency); under load the groups grow by themselves, so a node pays
// a transaction's round trips and its commit once per group instead of once per call. On a
// machine where every round trip to PostgreSQL costs a socket write and a wake-up, that is most
// of an inbound message's cost.
//
// A group that fails is written again one call at a time, each in its own transaction, so one
// caller's bad input (a constraint it breaks) fails that caller only.

/** Writes a group; answers one result per input, in the inputs' order. */
export type GroupWriter<I, O> = (inputs: I[]) => Promise<O[]>;

interface Waiting<I, O> {
  input: I;
  resolve(out: O): void;
  reject(err: unknown): void;
}

export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private writing = false;

  /** `most`: the largest group (a long backlog is written in bites, each holding its locks briefly). */
  constructor(
    private readonly write: GroupWriter<I, O>,
    private readonly most = 50,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    // Calls made in the same turn of the event loop join the first group.
    await Promise.resolve();
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.most);
      let outs: O[] | null = null;
      try {
        outs = await this.write(group.map((w) => w.input));
      } catch (err) {
        if (group.length === 1) group[0]!.reject(err);
        else await this.oneByOne(group);
      }
      if (outs) group.forEach((w, i) => w.resolve(outs[i]!));
    }
    this.writing = false;
  }

  private async oneByOne(group: Waiting<I, O>[]): Promise<void> {
    for (const w of group) {
      try {
        w.resolve((await this.write([w.input]))[0]!);
      } catch (err) {
        w.reject(err);
      }
    }
  }
}
