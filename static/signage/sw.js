/* Service worker of the board player: offline play for the prefetch window.
 *
 * - the player shell (page, script, style): network first, cache fallback;
 * - the manifest: network first; when the server is unreachable the last
 *   manifest is answered from the cache;
 * - slide images and media listed in the manifest (content-addressed):
 *   cache first; the player posts the manifest's file list after every
 *   change and files no longer listed are dropped.
 */
var SHELL = "ttcs-signage-shell-__VERSION__";
var FILES = "ttcs-signage-files";
var SHELL_URLS = ["/signage/player/", "/static/signage/player.js", "/static/signage/player.css"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
      .catch(function () {})
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("ttcs-signage-shell-") === 0 && n !== SHELL;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function networkFirst(request, cacheName, key) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(cacheName).then(function (cache) { cache.put(key || request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(cacheName).then(function (cache) {
      return cache.match(key || request, { ignoreSearch: true });
    }).then(function (hit) { return hit || Response.error(); });
  });
}

function cacheFirst(request) {
  return caches.open(FILES).then(function (cache) {
    return cache.match(request.url).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.ok) cache.put(request.url, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (path === "/signage/player/") {
    event.respondWith(networkFirst(request, SHELL, "/signage/player/"));
  } else if (path.indexOf("/static/signage/") === 0 || path.indexOf("/static/fonts/") === 0 ||
             path === "/static/css/fonts.css") {
    event.respondWith(networkFirst(request, SHELL, path));
  } else if (/^\/signage\/api\/boards\/[^/]+\/manifest\/$/.test(path)) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.status === 200) {
        var copy = response.clone();
        caches.open(FILES).then(function (cache) { cache.put(path, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(FILES).then(function (cache) { return cache.match(path); })
        .then(function (hit) { return hit || Response.error(); });
    }));
  } else if (path.indexOf("/signage/files/") === 0 || path.indexOf("/media/") === 0) {
    event.respondWith(cacheFirst(request));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "prefetch") return;
  var wanted = (data.files || []).map(function (u) { return new URL(u, self.location.origin).href; });
  var keep = {};
  wanted.forEach(function (u) { keep[u] = true; });
  if (data.manifest) keep[new URL(data.manifest, self.location.origin).href] = true;
  event.waitUntil(caches.open(FILES).then(function (cache) {
    return cache.keys().then(function (requests) {
      var have = {};
      var drops = requests.filter(function (r) {
        have[r.url] = true;
        return !keep[r.url];
      }).map(function (r) { return cache.delete(r); });
      var fetches = wanted.filter(function (u) { return !have[u]; }).map(function (u) {
        return fetch(u).then(function (response) {
          if (response.ok) return cache.put(u, response);
        }).catch(function () {});
      });
      return Promise.all(drops.concat(fetches));
    });
  }));
});
