// The citizen app on every page of a unit's site: the service worker, the
// "Cài đặt ứng dụng" prompt, and on /ung-dung/ the "Theo dõi" list (kept on
// the phone, localStorage) with one-tap alerts (Web Push) per unit.
// What it says comes from the page (data-text-* attributes, in the page's
// language, /km/ung-dung/ in Khmer); the Vietnamese here is the fallback.
(function () {
  "use strict";
  var FOLLOW_KEY = "ttcs-follow";
  var LATER_KEY = "ttcs-install-later";
  var LATEST_KEY = "ttcs-latest-at";
  var LATER_DAYS = 30;
  var REFRESH_MINUTES = 10;
  var LANG_KEY = "ttcs-lang";

  function store(key, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(key) || "null");
      localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      return null;
    }
    return value;
  }

  function text(root, key, fallback) {
    var value = root && root.getAttribute("data-text-" + key);
    return value || fallback;
  }

  // The language the citizen reads the site in: their alerts come in it.
  if (document.documentElement.lang) {
    store(LANG_KEY, document.documentElement.lang);
  }

  // --- the service worker: offline reading --------------------------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var last = store(LATEST_KEY) || 0;
      if (registration.active && Date.now() - last > REFRESH_MINUTES * 60000) {
        store(LATEST_KEY, Date.now());
        registration.active.postMessage({ type: "refresh-latest" });
      }
    }).catch(function () {});
  }

  // --- "Cài đặt ứng dụng": only when the browser offers it ------------------
  var offered = null;
  function installButtons() {
    return document.querySelectorAll("[data-pwa-install]");
  }
  function showInstall(show) {
    var bar = document.querySelector("[data-pwa-install-bar]");
    var later = store(LATER_KEY) || 0;
    if (bar) bar.hidden = !(show && Date.now() > later);
    installButtons().forEach(function (button) {
      if (!button.closest("[data-pwa-install-bar]")) button.hidden = !show;
    });
  }
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offered = event;
    showInstall(true);
  });
  window.addEventListener("appinstalled", function () {
    offered = null;
    showInstall(false);
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-pwa-install]") && offered) {
      offered.prompt();
      offered.userChoice.then(function () {
        offered = null;
        showInstall(false);
      });
    } else if (event.target.closest("[data-pwa-install-later]")) {
      store(LATER_KEY, Date.now() + LATER_DAYS * 86400000);
      showInstall(!!offered);
    }
  });

  // --- the offline page: what is kept on the phone -------------------------
  function titleOf(response) {
    return response.text().then(function (html) {
      var match = /<title>([^<]*)<\/title>/i.exec(html);
      var box = document.createElement("textarea");
      box.innerHTML = match ? match[1] : "";
      return box.value.split(" – ")[0] || "";
    });
  }
  // Saved titles are what officers and citizens wrote: tag their language
  // when it is not the page's (a Vietnamese title on the Khmer page).
  function tagLanguage(element, title) {
    var lang = /[\u1780-\u17ff]/.test(title) ? "km" : "vi";
    if (lang !== (document.documentElement.lang || "vi")) element.lang = lang;
  }
  var TRACKED = /^\/([a-z]{2}\/)?(hoi-dap-truc-tuyen|phan-anh-kien-nghi)\//;
  function listSaved(root) {
    if (!("caches" in window)) return;
    var news = root.querySelector('[data-pwa-saved="news"]');
    var tracking = root.querySelector('[data-pwa-saved="tracking"]');
    caches.open("ttcs-app-pages").then(function (cache) {
      return cache.match("/ung-dung/moi-nhat.json").then(function (response) {
        return response ? response.json() : { items: [] };
      }).then(function (data) {
        news.textContent = "";
        (data.items || []).forEach(function (item) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = item.url;
          a.textContent = item.title;
          tagLanguage(a, item.title);
          li.appendChild(a);
          news.appendChild(li);
        });
        if (!news.children.length) {
          var none = document.createElement("li");  // a list holds items only (axe)
          none.textContent = text(root, "none-saved", "Chưa có tin nào được lưu.");
          news.appendChild(none);
        }
        return cache.keys();
      }).then(function (keys) {
        keys.forEach(function (request) {
          var path = new URL(request.url).pathname;
          if (!TRACKED.test(path)) return;
          cache.match(request).then(titleOf).then(function (title) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = request.url;
            a.textContent = title || path;
            tagLanguage(a, a.textContent);
            li.appendChild(a);
            tracking.appendChild(li);
          });
        });
      });
    }).catch(function () {});
  }

  // --- Theo dõi and alerts (the app page) ------------------------------------
  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body, refused) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || refused);
        return data;
      });
    });
  }

  function setupApp(root) {
    var status = root.querySelector("[data-pwa-status]");
    var list = root.querySelector("[data-pwa-follow-list]");
    var empty = root.querySelector("[data-pwa-follow-empty]");
    var vapidKey = root.getAttribute("data-vapid-key");
    var followable = JSON.parse(document.getElementById("pwa-followable").textContent);

    function say(message) { status.textContent = message; }
    function t(key, fallback, name) {
      return text(root, key, fallback).replace("{name}", name || "");
    }
    function followed() { return store(FOLLOW_KEY) || []; }
    function save(items) { store(FOLLOW_KEY, items); render(); }

    function render() {
      var items = followed();
      list.textContent = "";
      empty.hidden = items.length > 0;
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("data-unit", item.code);
        var a = document.createElement("a");
        a.href = item.url;
        a.lang = "vi";
        a.textContent = item.name;
        var alerts = document.createElement("button");
        alerts.type = "button";
        alerts.setAttribute("data-pwa-alerts", item.code);
        alerts.setAttribute("aria-pressed", item.alerts ? "true" : "false");
        alerts.textContent = item.alerts ? t("alerts-off", "Tắt cảnh báo") : t("alerts-on", "Nhận cảnh báo");
        var stop = document.createElement("button");
        stop.type = "button";
        stop.className = "button-secondary";
        stop.setAttribute("data-pwa-unfollow", item.code);
        stop.textContent = t("unfollow", "Bỏ theo dõi");
        li.append(a, " ", alerts, " ", stop);
        list.appendChild(li);
      });
      root.querySelectorAll("[data-pwa-follow]").forEach(function (button) {
        var code = button.getAttribute("data-pwa-follow");
        button.hidden = items.some(function (item) { return item.code === code; });
      });
    }

    function subscription() {
      if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
        return Promise.reject(new Error(t("no-push", "Trình duyệt này không hỗ trợ nhận cảnh báo. Hãy dùng Chrome, Edge, Firefox hoặc Safari mới.")));
      }
      return Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          throw new Error(t("denied", "Bạn chưa cho phép trang gửi thông báo. Hãy bật quyền thông báo trong cài đặt trình duyệt rồi bấm lại."));
        }
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        return registration.pushManager.getSubscription().then(function (existing) {
          return existing || registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(vapidKey)
          });
        });
      });
    }

    function setAlerts(code, on, remove) {
      var items = followed();
      var item = items.filter(function (i) { return i.code === code; })[0];
      if (!item) return;
      say(on ? t("turning-on", "Đang bật nhận cảnh báo…") : t("turning-off", "Đang tắt cảnh báo…"));
      var refused = t("refused", "Máy chủ không nhận yêu cầu, vui lòng thử lại.");
      var work = on
        ? subscription().then(function (sub) {
            return post("/ung-dung/dang-ky/", { subscription: sub.toJSON(), unit: code, lang: store(LANG_KEY) || document.documentElement.lang || "vi" }, refused);
          })
        : navigator.serviceWorker.ready.then(function (registration) {
            return registration.pushManager.getSubscription();
          }).then(function (sub) {
            if (!sub) return {};
            return post("/ung-dung/huy-dang-ky/", { endpoint: sub.endpoint, unit: code }, refused).then(function (data) {
              var left = followed().some(function (i) { return i.alerts && i.code !== code; });
              return (left ? Promise.resolve() : sub.unsubscribe()).then(function () { return data; });
            });
          });
      work.then(function (data) {
        item.alerts = on;
        save(remove ? items.filter(function (i) { return i.code !== code; }) : items);
        // The server's message is Vietnamese; the page's says the same.
        say(on ? t("on-done", "Đã bật nhận cảnh báo của {name}.", item.name)
               : t("off-done", "Đã tắt cảnh báo của {name}.", item.name));
      }).catch(function (error) {
        say(error.message || t("failed", "Không thực hiện được, vui lòng thử lại."));
      });
    }

    root.addEventListener("click", function (event) {
      var follow = event.target.closest("[data-pwa-follow]");
      var unfollow = event.target.closest("[data-pwa-unfollow]");
      var alerts = event.target.closest("[data-pwa-alerts]");
      if (follow) {
        var code = follow.getAttribute("data-pwa-follow");
        var unit = followable.filter(function (u) { return u.code === code; })[0];
        var items = followed();
        if (unit && !items.some(function (i) { return i.code === code; })) {
          items.push({ code: unit.code, name: unit.name, url: unit.url, alerts: false });
          save(items);
          say(t("added", "Đã thêm {name} vào danh sách theo dõi.", unit.name));
        }
      } else if (unfollow) {
        var gone = unfollow.getAttribute("data-pwa-unfollow");
        var was = followed().filter(function (i) { return i.code === gone; })[0];
        if (was && was.alerts) {
          setAlerts(gone, false, true);
        } else {
          save(followed().filter(function (i) { return i.code !== gone; }));
        }
      } else if (alerts) {
        setAlerts(alerts.getAttribute("data-pwa-alerts"), alerts.getAttribute("aria-pressed") !== "true");
      }
    });
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var app = document.querySelector("[data-pwa-app]");
    if (app) setupApp(app);
    var offline = document.querySelector("[data-pwa-offline]");
    if (offline) listSaved(offline);
  });
})();
