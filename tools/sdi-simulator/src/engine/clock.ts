export type TaskRunner = () => Promise<void> | void

export interface ScheduledTaskInfo {
  id: number
  at: string
  label: string
}

interface Task {
  id: number
  at: number
  seq: number
  label: string
  run: TaskRunner
}

/**
 * Virtual time: `now = start + offset`. Tasks run only when the clock reaches them, in time order (ties in
 * scheduling order), one at a time, so a run is reproducible whatever the network latency of each task.
 */
export class VirtualClock {
  readonly start: number
  #offset = 0
  #seq = 0
  #tasks: Task[] = []
  #chain: Promise<void> = Promise.resolve()
  readonly #onError: (error: unknown, label: string) => void

  constructor(start: Date | number, onError: (error: unknown, label: string) => void = () => {}) {
    this.start = typeof start === 'number' ? start : start.getTime()
    this.#onError = onError
  }

  nowMs(): number {
    return this.start + this.#offset
  }

  now(): Date {
    return new Date(this.nowMs())
  }

  /** Schedules a task; one due already runs at the next drain (started right away, in the background). */
  schedule(at: number, label: string, run: TaskRunner): number {
    const id = ++this.#seq
    this.#tasks.push({ id, at: Math.max(at, this.nowMs()), seq: id, label, run })
    if (at <= this.nowMs()) void this.advance(0)
    return id
  }

  after(ms: number, label: string, run: TaskRunner): number {
    return this.schedule(this.nowMs() + ms, label, run)
  }

  cancel(id: number | undefined): void {
    if (id === undefined) return
    this.#tasks = this.#tasks.filter((task) => task.id !== id)
  }

  pending(): ScheduledTaskInfo[] {
    return this.#sorted().map((task) => ({ id: task.id, at: new Date(task.at).toISOString(), label: task.label }))
  }

  /** Moves time forward by `ms`, running every task that falls due on the way; resolves when all have run. */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError(`Cannot advance the clock by ${ms} ms`))
    const run = this.#chain.then(() => this.#runUntil(this.nowMs() + ms))
    this.#chain = run.catch(() => {})
    return run
  }

  /** Resolves once every task already due (and every advance already requested) has run. */
  idle(): Promise<void> {
    return this.advance(0)
  }

  /** Drops every task and goes back to the start. */
  reset(): Promise<void> {
    const run = this.#chain.then(() => {
      this.#tasks = []
      this.#offset = 0
    })
    this.#chain = run.catch(() => {})
    return run
  }

  async #runUntil(target: number): Promise<void> {
    for (;;) {
      const next = this.#sorted()[0]
      if (!next || next.at > target) break
      this.#tasks = this.#tasks.filter((task) => task !== next)
      if (next.at > this.nowMs()) this.#offset = next.at - this.start
      try {
        await next.run()
      } catch (error) {
        this.#onError(error, next.label)
      }
    }
    if (target > this.nowMs()) this.#offset = target - this.start
  }

  #sorted(): Task[] {
    return [...this.#tasks].sort((a, b) => a.at - b.at || a.seq - b.seq)
  }
}
