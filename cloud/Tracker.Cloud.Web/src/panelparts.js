// What the operators' panels (notifications, remote config, updates) share: the panel's message
// line, small native buttons with names that say what they act on, and reading a listing through
// the API in the panel's words.

/**
 * The panel's message line. `say` writes it (marked as an error or not); `tell` writes it and says
 * it through the live region too, for what the operator asked for and should hear.
 * @param {HTMLElement} message the panel's message element.
 * @param {(text: string) => void} announce the live region.
 * @returns {{say: (text: string, isError?: boolean) => void, tell: (text: string, isError?: boolean) => void}} the two.
 */
export function panelMessage(message, announce) {
  const say = (text, isError = false) => {
    message.textContent = text;
    message.classList.toggle('error', isError);
  };
  const tell = (text, isError = false) => {
    say(text, isError);
    announce(text);
  };
  return { say, tell };
}

/**
 * @param {Document} doc the document.
 * @param {string} text what it says.
 * @param {string} label its accessible name ("Pause the rollout of 3.0.0 to group fleet-a").
 * @param {(b: HTMLButtonElement) => void} onClick what it does.
 * @param {string} testid its data-testid.
 * @returns {HTMLButtonElement} the button.
 */
export function smallButton(doc, text, label, onClick, testid) {
  const b = doc.createElement('button');
  b.type = 'button';
  b.className = 'small secondary';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.dataset.testid = testid;
  b.addEventListener('click', () => onClick(b));
  return b;
}

/**
 * "2 subscriptions could not be read and are not shown."
 * @param {number} count how many.
 * @param {{one: string, many: string}} noun the entry's name.
 * @returns {string} the sentence.
 */
export function droppedText(count, noun) {
  return `${count} ${count === 1 ? noun.one : noun.many} could not be read and ${count === 1 ? 'is' : 'are'} not shown.`;
}

/**
 * Awaits a listing's outcome and reads it; what goes wrong is said in the panel: the server's
 * reason (not for a 401, which signs out, nor a cancelled request), an answer that is not such a
 * list, or how many entries could not be read.
 * @template T
 * @param {Promise<any>} pending the API call.
 * @param {(data: unknown) => (T & {dropped: number}) | null} reader the strict reader.
 * @param {{one: string, many: string}} noun the entry's name ("subscription", "subscriptions").
 * @param {(text: string, isError: boolean) => void} say the panel's message.
 * @param {AbortSignal} [signal] the request's; once aborted, nothing is said and null returned.
 * @returns {Promise<(T & {dropped: number}) | null>} what was read, or null.
 */
export async function readListing(pending, reader, noun, say, signal) {
  const r = await pending;
  if (signal?.aborted) return null;
  const heading = noun.many.charAt(0).toUpperCase() + noun.many.slice(1);
  if (!r.ok) {
    if (r.status !== 401 && !r.aborted) say(`${heading} not loaded: ${r.problem.detail ?? r.problem.title}`, true);
    return null;
  }
  const read = reader(r.data);
  if (read === null) {
    say(`${heading} not loaded: the server sent something that is not a list of ${noun.many}.`, true);
    return null;
  }
  if (read.dropped > 0) say(droppedText(read.dropped, noun), true);
  return read;
}
