// The service worker: keeps the app's shell (style, scripts, icons, the offline page) and shows the
// offline page when a page cannot be reached. Pages themselves are never cached: they are personal.
const SHELL = "advocacy-shell-1";
const OFFLINE = "/static/offline.html";
const FILES = [
  "/static/app.css", "/static/menu.js", "/static/install.js", "/static/icon.svg",
  "/static/icon-192.png", "/static/icon-512.png", OFFLINE,
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== SHELL).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && FILES.includes(url.pathname)) {
    // The network first, so a new style shows at once; the kept copy when there is no network.
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname)));
  }
});
