// The watch command (contract, "Watch"; firmware/Tracker.Core/Uplink/LiveCommand.cs): while a car
// view is open the viewer publishes the ASCII decimal seconds `120` to tracker/{car}/live, and
// again every 60 s, so the car publishes every recorded fix within about a second. A closed
// browser therefore costs at most 120 s of live traffic. Nothing is sent on close: `0` would end
// the watch for every other viewer of the car too.

import { liveTopic } from './topics.js';

/** Seconds asked for in each command. */
export const WATCH_SECONDS = 120;

/** How often it is repeated: half the watch, so one lost QoS 0 message does not end it. */
export const WATCH_REPEAT_MS = 60 * 1000;

/**
 * Starts watching a car: publishes now and every WATCH_REPEAT_MS until stop().
 * @param {(topic: string, text: string) => void} publish sends one message.
 * @param {string} carId a valid car id.
 * @param {{setInterval: typeof setInterval, clearInterval: typeof clearInterval}} [timers] injected in tests.
 * @returns {{resend: () => void, stop: () => void}} resend (after a reconnect) and stop.
 */
export function startWatch(publish, carId, timers = globalThis) {
  const topic = liveTopic(carId);
  const send = () => publish(topic, String(WATCH_SECONDS));
  send();
  let handle = timers.setInterval(send, WATCH_REPEAT_MS);
  return {
    resend() {
      if (handle !== null) send();
    },
    stop() {
      if (handle !== null) {
        timers.clearInterval(handle);
        handle = null;
      }
    },
  };
}
