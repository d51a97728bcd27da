// comlink's package has no `exports` map, so Node would load its UMD build; Node code imports the ES module files
// by path, and these say they have comlink's own types.
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink';
}
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  export default function nodeEndpoint(nep: unknown): Endpoint;
}
