{% autoescape off %}// Trygghet's service worker (issue 16), rendered by trygghet.pwa.service_worker.
// - Static files: from the cache, refreshed from the network behind it.
// - Pages: always from the network first. Only a page that the server marks with the header
//   X-Trygghet-Offline: form (the empty incident form, with no message and nobody's data but the
//   user's name in the menu) is kept, to be reloaded without a connection. No other page, list or
//   detail with personal data is ever stored by the worker.
// - Entries kept offline are not the worker's: they wait in the page's IndexedDB and the page
//   sends them (static/js/offline-queue.js), so that the session's cookie and CSRF token are used.
"use strict";
var VERSION = "{{ version }}";
var SHELL_CACHE = "trygghet-shell-" + VERSION;
var PAGE_CACHE = "trygghet-pages-" + VERSION;
var SHELL = {{ shell_json }};
var STATIC_PREFIX = "{{ static_prefix }}";
var OFFLINE_TEXT = {{ offline_text }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("trygghet-") === 0 && name !== SHELL_CACHE && name !== PAGE_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// A page asks for itself to be kept (it was loaded before the worker controlled it).
self.addEventListener("message", function (event) {
  var path = event.data && event.data.keepPage;
  if (typeof path !== "string" || path.charAt(0) !== "/") return;
  var url = new URL(path, self.location.origin).href;
  event.waitUntil(fetch(url, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
    if (response.ok && response.headers.get("X-Trygghet-Offline") === "form") {
      return caches.open(PAGE_CACHE).then(function (cache) { return cache.put(pageKey(url), response); });
    }
  }).catch(function () {}));
});

function pageKey(url) { return new URL(url).origin + new URL(url).pathname; }

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.open(SHELL_CACHE).then(function (cache) {
      return cache.match(request).then(function (cached) {
        var fresh = fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
        if (cached) {
          fresh.catch(function () {});
          return cached;
        }
        return fresh;
      });
    }));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith(
    fetch(request).then(function (response) {
      var key = pageKey(request.url);
      if (response.ok && response.headers.get("X-Trygghet-Offline") === "form") {
        var copy = response.clone();
        caches.open(PAGE_CACHE).then(function (cache) { cache.put(key, copy); });
      } else if (response.type === "opaqueredirect" || response.redirected || response.status >= 300) {
        // Logged out (a redirect to the login page) or no longer allowed: forget the page.
        caches.open(PAGE_CACHE).then(function (cache) { cache.delete(key); });
      }
      return response;
    }).catch(function () {
      return caches.open(PAGE_CACHE).then(function (cache) {
        return cache.match(pageKey(request.url)).then(function (cached) {
          // Marked as the worker's own answer: a page's script tells it from the server's.
          return cached || new Response(OFFLINE_TEXT, {
            status: 503,
            headers: { "Content-Type": "text/plain; charset=utf-8", "X-Trygghet-Worker": "offline" }
          });
        });
      });
    })
  );
});
{% endautoescape %}
