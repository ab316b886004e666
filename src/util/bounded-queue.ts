/**
 * A single-consumer async queue with a hard bound.
 *
 * Overflow policy: pushing onto a full queue closes it with the error built by `onOverflow`;
 * the consumer sees the items already queued, then that error. Producers never block and
 * memory never grows past `capacity` items.
 */
export class BoundedQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private closed = false;
  private error: unknown;

  constructor(
    private readonly capacity: number,
    private readonly onOverflow: () => Error,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues an item; returns false when the queue is (or just became) closed. */
  push(item: T): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: item, done: false });
      return true;
    }
    if (this.size >= this.capacity) {
      this.close(this.onOverflow());
      return false;
    }
    this.items.push(item);
    return true;
  }

  /** Ends the queue: the consumer drains what is queued, then sees `error` (if any) or the end. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    if (this.waiter && this.size === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      if (error !== undefined) w.reject(error);
      else w.resolve({ value: undefined, done: true });
    }
  }

  /** Takes the next item, waiting for one if needed. */
  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const value = this.items[this.head]!;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) {
      if (this.error !== undefined) return Promise.reject(this.error);
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.waiter) return Promise.reject(new Error('BoundedQueue: concurrent next() calls'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Removes and returns every queued item without waiting. */
  drain(): T[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        this.items = [];
        this.head = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
