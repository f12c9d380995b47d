// Everything a signed-in session starts (timers, listeners, connections, views) registers its
// undoing here, so that signing out, or a 401, returns the page to the login form with nothing
// left running.

/** @returns the scope. */
export function createScope() {
  /** @type {Array<() => void>} */
  let disposers = [];
  return {
    /**
     * @param {() => void} dispose run once on dispose(), last added first.
     */
    add(dispose) {
      disposers.push(dispose);
    },
    /** setTimeout that dispose() cancels. */
    timeout(fn, ms) {
      const id = setTimeout(fn, ms);
      disposers.push(() => clearTimeout(id));
      return id;
    },
    /** setInterval that dispose() cancels. */
    interval(fn, ms) {
      const id = setInterval(fn, ms);
      disposers.push(() => clearInterval(id));
      return id;
    },
    /** addEventListener that dispose() removes. */
    listen(target, type, fn, options) {
      target.addEventListener(type, fn, options);
      disposers.push(() => target.removeEventListener(type, fn, options));
    },
    /** Undoes everything, newest first; a failing disposer does not stop the others. */
    dispose() {
      const list = disposers;
      disposers = [];
      for (let i = list.length - 1; i >= 0; i--) {
        try {
          list[i]();
        } catch (e) {
          console.error('dispose failed', e);
        }
      }
    },
  };
}
