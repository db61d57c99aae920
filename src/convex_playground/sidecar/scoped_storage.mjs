// An AsyncLocalStorage that is switched on only while one of its runs is in progress.
//
// Node 20 copies the store of every enabled AsyncLocalStorage onto every promise
// created anywhere in the process, whether or not that storage is in use:
// convex-test already keeps six enabled, and each one more adds to every call's
// cost. The playground's own storages (the admin scope, the read set of a live
// query, a live query's journal) are in use only for a short piece of work, so
// each is disabled again when its last run has ended (AsyncLocalStorage.disable:
// getStore() is then undefined, as it would be outside the run anyway).
import { AsyncLocalStorage } from "node:async_hooks";

export class ScopedStorage {
  #storage = new AsyncLocalStorage();
  #runs = 0;

  /** Like AsyncLocalStorage.run; a promise that `fn` returns counts as part of the run until it settles. */
  run(store, fn) {
    this.#runs += 1;
    let result;
    try {
      result = this.#storage.run(store, fn);
    } catch (error) {
      this.#ended();
      throw error;
    }
    if (typeof result?.then !== "function") {
      this.#ended();
      return result;
    }
    return Promise.resolve(result).finally(() => this.#ended());
  }

  getStore() {
    return this.#storage.getStore();
  }

  #ended() {
    this.#runs -= 1;
    if (this.#runs === 0) this.#storage.disable();
  }
}
