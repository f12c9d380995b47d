// window.trackerApp: what tests and benchmarks read from the page (the contract):
//   ready          true once the signed-in view has its initial data on the map
//   carsShown()    cars with a marker on the map now
//   markerLatLng(carId)  {lat, lng} of that car's marker, or null
//   liveLog        the last LIVE_LOG_MAX fixes messages: {carId, crc32, recvMs}, crc32 being the
//                  batch header's CRC as an unsigned number (null when there is no header), so a
//                  publisher can match its message and measure publish-to-browser latency.

/** Entries liveLog keeps. */
export const LIVE_LOG_MAX = 5000;

/**
 * @param {{carsShown: () => number, markerLatLng: (carId: string) => ({lat: number, lng: number}|null)}} sources
 *   where the answers come from.
 * @returns the hooks object.
 */
export function createHooks(sources) {
  return {
    ready: false,
    carsShown: () => sources.carsShown(),
    markerLatLng: (carId) => sources.markerLatLng(carId),
    /** @type {Array<{carId: string, crc32: number|null, recvMs: number}>} */
    liveLog: [],
  };
}

/**
 * Records one received fixes message, keeping the last LIVE_LOG_MAX.
 * @param {{liveLog: Array<object>}} hooks the hooks object.
 * @param {{carId: string, crc32: number|null, recvMs: number}} entry the message.
 */
export function logLive(hooks, entry) {
  const log = hooks.liveLog;
  log.push(entry);
  // shift(), not splice(0, n): V8 drops the first element in place (left-trimming) rather than
  // copying 5,000 entries, which made this the costliest step of a live message.
  while (log.length > LIVE_LOG_MAX) {
    log.shift();
  }
}
