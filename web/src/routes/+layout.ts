// A client-rendered SPA: no server rendering, nothing prerendered. adapter-static writes the
// shell as build/200.html, which the server returns for every console route.
export const ssr = false;
export const prerender = false;
