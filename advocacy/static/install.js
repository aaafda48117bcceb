// Registers the service worker (served at /sw.js, so it may control every page of the site).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
