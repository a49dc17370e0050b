/**
 * The Node.js flags the API process runs with: `npm start` and the image's command pass them
 * (a unit test holds both to this list), and the benchmark starts its floor server with them so
 * that both run on the same runtime.
 *
 * `--max-semi-space-size=64`: V8's young generation, where a request's objects are born, has
 * 16 MB semi-spaces by default. A page of the catalogue allocates ~190 KB that is garbage by the
 * time the response is sent, so under load the default space fills several times a second and
 * each scavenge copies whatever requests are still in flight. With 64 MB there are four times
 * fewer scavenges, each copying about as much: garbage collection per request falls from
 * ~90 to ~20–50 µs for a page and ~40 to ~17 µs for a detail. It costs up to ~100 MB more
 * resident memory.
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
