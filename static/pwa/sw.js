/* Service worker of a unit's citizen app (served at /sw.js: scope "/").
 *
 * - the app shell (offline page, the app page, styles, scripts, icons):
 *   stored at install, under a name that changes with this file;
 * - pages: network first; a page that cannot be fetched comes from the
 *   cache, else the offline page lists what is kept (in the page's
 *   language: /km/ung-dung/ngoai-tuyen/ for a page under /km/);
 * - kept for offline reading: the home page, the latest news and
 *   announcements (/ung-dung/moi-nhat.json, refreshed at install and when
 *   a page asks), and every question or feedback tracking page the citizen
 *   opened (their own codes);
 * - push: a notification with the alert's title, text and link; a tap
 *   opens the link.
 * Nothing here loads from another origin (the sites' CSP).
 */
var VERSION = "__VERSION__";
var SHELL = "ttcs-app-shell-" + VERSION;
var PAGES = "ttcs-app-pages";
var STATIC = "ttcs-app-static";
var LATEST = "/ung-dung/moi-nhat.json";
var OFFLINE = "/ung-dung/ngoai-tuyen/";
var SHELL_URLS = __SHELL_URLS__;
var TRACKING = /^\/([a-z]{2}\/)?(hoi-dap-truc-tuyen|phan-anh-kien-nghi)\/(da-gui\/)?(?!gui-cau-hoi\/|goi-y\/|gui\/)[A-Za-z0-9_-]+\/$/;
var NEVER = /^\/(admin|signage|broadcast|documents|ung-dung\/(dang-ky|huy-dang-ky))\b|^\/sw\.js$/;
var MAX_TRACKING = 30;

function keepLatest() {
  return fetch(LATEST, { cache: "no-store", credentials: "omit" }).then(function (response) {
    if (!response.ok) throw new Error("latest " + response.status);
    var copy = response.clone();
    return response.json().then(function (data) {
      var urls = ["/"].concat((data.items || []).map(function (item) { return item.url; }));
      return caches.open(PAGES).then(function (cache) {
        return Promise.all(urls.map(function (url) {
          return fetch(url, { credentials: "omit" }).then(function (page) {
            if (page.ok && !page.redirected) return cache.put(url, page);
          }).catch(function () {});
        })).then(function () {
          return cache.keys().then(function (keys) {
            // Pages of earlier lists go; the citizen's tracking pages stay.
            return Promise.all(keys.map(function (request) {
              var path = new URL(request.url).pathname;
              if (path === LATEST || TRACKING.test(path) || urls.indexOf(path) >= 0) return null;
              return cache.delete(request);
            }));
          });
        }).then(function () { return cache.put(LATEST, copy); });
      });
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
      .then(function () { return keepLatest().catch(function () {}); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("ttcs-app-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "refresh-latest") {
    event.waitUntil(keepLatest().then(function () {
      if (event.source) event.source.postMessage({ type: "latest-kept" });
    }).catch(function () {}));
  }
});

function trimTracking(cache) {
  return cache.keys().then(function (keys) {
    var tracking = keys.filter(function (request) {
      return TRACKING.test(new URL(request.url).pathname);
    });
    var extra = tracking.length - MAX_TRACKING;
    return Promise.all(tracking.slice(0, Math.max(0, extra)).map(function (request) {
      return cache.delete(request);
    }));
  });
}

function page(event) {
  var request = event.request;
  var path = new URL(request.url).pathname;
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && (TRACKING.test(path) || path === "/")) {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES).then(function (cache) {
        return cache.delete(request.url, { ignoreSearch: true })
          .then(function () { return cache.put(request.url, copy); })
          .then(function () { return trimTracking(cache); });
      }));
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(request.url).then(function (hit) {
        return hit || cache.match(request.url, { ignoreSearch: true });
      });
    }).then(function (hit) {
      return hit || caches.match(request.url, { cacheName: SHELL });
    }).then(function (hit) {
      var language = /^\/([a-z]{2})\//.exec(path);
      if (hit || !language) return hit || caches.match(OFFLINE);
      return caches.match("/" + language[1] + OFFLINE).then(function (translated) {
        return translated || caches.match(OFFLINE);
      });
    });
  });
}

function staticFile(request) {
  return caches.match(request).then(function (hit) {
    if (hit) return hit;
    return fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.indexOf("/static/") === 0 ||
             url.pathname.indexOf("/ung-dung/bieu-trung-") === 0) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { title: "Thông báo", body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(data.title || "Thông báo", {
    body: data.body || "",
    tag: data.tag,
    lang: data.lang || "vi",
    icon: "/ung-dung/bieu-trung-192.png",
    badge: "/ung-dung/bieu-trung-192.png",
    requireInteraction: data.urgency === "high",
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(url);
  }));
});
