// Settings for coi-serviceworker (loaded just after this file), which isolates the page on hosts
// that send no COOP/COEP. Version 0.1.7 reloads the page as soon as its service worker is found,
// before that worker controls the page; the reloaded page is then not controlled, so it
// registers again and reloads a second time. Reloading once the worker controls the page (its
// clients.claim() on activation fires `controllerchange`) makes one reload enough.
window.coi = {
  doReload: () => {
    const sw = navigator.serviceWorker;
    if (sw.controller) {
      window.location.reload();
      return;
    }
    sw.addEventListener("controllerchange", () => window.location.reload(), { once: true });
    // A worker that is already active but does not control the page (after a reload that
    // bypassed it) never claims it: a plain reload puts the page under it.
    sw.getRegistration().then((registration) => {
      if (registration?.active?.state === "activated" && !sw.controller) window.location.reload();
    });
  },
};
