/* The web player of a public board (bảng tin điện tử).
 *
 * Plays the board's manifest, keeps the last one in localStorage and every
 * file in the service worker's cache, so it goes on playing when the server
 * is unreachable (and after a reload while offline). Changes arrive through
 * server-sent events: on every event the manifest is fetched again with
 * If-None-Match. A heartbeat goes out every 60 s; proof of play is counted
 * per hour and slide in the browser and sent in batches.
 */
(function () {
  "use strict";

  var VERSION = document.body.dataset.playerVersion || "dev";
  var KEY = "ttcs-signage:";
  var store = {
    get: function (name, fallback) {
      try {
        var raw = localStorage.getItem(KEY + name);
        return raw === null ? fallback : JSON.parse(raw);
      } catch (e) { return fallback; }
    },
    set: function (name, value) {
      try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* full */ }
    },
    del: function (name) { localStorage.removeItem(KEY + name); }
  };

  var $ = function (id) { return document.getElementById(id); };
  var state = {
    board: null, token: null, manifest: null, etag: null,
    index: -1, timer: null, current: null, online: true, events: null
  };

  function setStatus(text) { $("status").textContent = text; }

  function randomToken() {
    var bytes = new Uint8Array(32);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += ("0" + bytes[i].toString(16)).slice(-2);
    return s;
  }

  function api(path, options) {
    options = options || {};
    options.headers = Object.assign({ "Authorization": "Bearer " + state.token },
      options.headers || {});
    options.cache = "no-store";
    return fetch(path, options);
  }

  // --- credentials: from the URL fragment (demo links) or pairing -------------
  function readFragment() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.get("board") && params.get("token")) {
      store.set("board", params.get("board"));
      store.set("token", params.get("token"));
      store.del("manifest"); store.del("etag");
      history.replaceState(null, "", location.pathname);
    }
  }

  function pair() {
    document.body.dataset.state = "pairing";
    $("pairing").hidden = false;
    var token = store.get("pairing-token", null) || randomToken();
    store.set("pairing-token", token);
    state.token = token;
    // The board says what it is: the official only types the code and a name.
    var params = new URLSearchParams(location.search);
    var ratio = window.devicePixelRatio || 1;
    fetch("/signage/api/pair/", {
      method: "POST", cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        token: token,
        kind: params.get("kind") === "led" ? "led" : "lcd",
        width: Math.round(screen.width * ratio),
        height: Math.round(screen.height * ratio),
        player_version: VERSION,
        model: (navigator.userAgent || "").slice(0, 100)
      })
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (data.code) $("pairing-code").textContent = data.code;
      poll();
    }).catch(function () { setTimeout(pair, 5000); });

    function poll() {
      api("/signage/api/pair/status/", { method: "POST" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.paired) {
            store.set("board", data.board);
            store.set("token", token);
            store.del("pairing-token");
            $("pairing").hidden = true;
            start();
          } else if (data.error) {
            store.del("pairing-token");
            setTimeout(pair, 3000);
          } else {
            setTimeout(poll, 3000);
          }
        }).catch(function () { setTimeout(poll, 5000); });
    }
  }

  // --- manifest -----------------------------------------------------------------
  function manifestUrl() { return "/signage/api/boards/" + state.board + "/manifest/"; }

  function fetchManifest() {
    var headers = {};
    if (state.etag) headers["If-None-Match"] = state.etag;
    return api(manifestUrl(), { headers: headers }).then(function (r) {
      state.online = true;
      if (r.status === 304 || r.ok) state.lastSync = new Date().toISOString();
      if (r.status === 304) return;
      if (r.status === 401 || r.status === 404) {
        setStatus("Bảng tin chưa được ghép nối hoặc đã bị thu hồi.");
        return;
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      state.etag = r.headers.get("ETag");
      return r.json().then(function (manifest) {
        store.set("manifest", manifest);
        store.set("etag", state.etag);
        apply(manifest);
      });
    }).catch(function () {
      state.online = false;
      setStatus("Mất kết nối máy chủ – đang phát nội dung đã lưu");
    });
  }

  function prefetch(manifest) {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return;
    navigator.serviceWorker.controller.postMessage({
      type: "prefetch",
      manifest: manifestUrl(),
      files: (manifest.files || []).map(function (f) { return f.url; })
    });
  }

  function apply(manifest) {
    var changed = !state.manifest || state.manifest.version !== manifest.version;
    state.manifest = manifest;
    document.body.dataset.version = manifest.version || "";
    prefetch(manifest);
    if (changed) {
      // An emergency (or its end) shows at once; normal changes at the next slide.
      var em = activeEmergency();
      if (em || (state.current && state.current.emergency)) next();
      else if (!state.current) next();
    }
  }

  // --- what to show now -------------------------------------------------------------
  function now() { return new Date(); }

  function valid(item, at) {
    if (item.valid_from && new Date(item.valid_from) > at) return false;
    if (item.valid_until && new Date(item.valid_until) <= at) return false;
    return true;
  }

  function activeEmergency() {
    var m = state.manifest;
    if (!m || !m.emergency) return null;
    return valid(m.emergency, now()) ? m.emergency : null;
  }

  function currentSlides() {
    var m = state.manifest, at = now();
    if (!m) return { off: false, slides: [], level: 100 };
    var segments = m.segments || [], segment = null;
    for (var i = 0; i < segments.length; i++) {
      if (new Date(segments[i].from) <= at && at < new Date(segments[i].until)) {
        segment = segments[i]; break;
      }
    }
    // Offline past the prefetch window: keep looping the last playlist that
    // was on (a clock behind the window plays its first segment).
    if (!segment && segments.length) {
      if (at < new Date(segments[0].from)) segment = segments[0];
      else {
        for (var j = segments.length - 1; j >= 0 && !segment; j--) {
          if (!segments[j].off && segments[j].slides.length) segment = segments[j];
        }
        segment = segment || segments[segments.length - 1];
      }
    }
    if (!segment) return { off: false, slides: [], level: 100 };
    var slides = segment.slides.map(function (k) { return m.slides[k]; })
      .filter(function (s) { return s && valid(s, at); });
    // Power: "off"/"on" from an official's command win over the schedule.
    var board = m.board || {}, power = board.power || "auto";
    var off = power === "off" || (power !== "on" && segment.off);
    var level = off ? (board.off_level || 0) : (board.brightness || 100);
    return { off: off, slides: slides, level: level, segment: segment };
  }

  function isLed() { return state.manifest && state.manifest.board.kind === "led"; }

  // Text that needs more than one screen comes as several PNG pages: LED
  // boards always show the pictures, LCD boards only for paged text.
  function pagesOf(slide) {
    var pages = (state.ticker && slide.main_pages) || slide.pages ||
      (slide.image ? [slide.image] : []);
    if (slide.kind === "text" && (isLed() || pages.length > 1)) return pages;
    return [];
  }

  function flip(img, pages, seconds) {
    clearInterval(state.pageTimer);
    var i = 0;
    img.src = pages[0];
    if (pages.length < 2) return;
    state.pageTimer = setInterval(function () {
      i = (i + 1) % pages.length;
      img.src = pages[i];
      img.dataset.page = String(i + 1);
    }, seconds * 1000);
    img.dataset.page = "1";
  }

  function show(slide) {
    $("emergency").hidden = true; $("idle").hidden = true; $("empty").hidden = true;
    var box = $("slide"), img = $("slide-image"), video = $("slide-video");
    box.hidden = false;
    box.dataset.key = slide.key;
    document.body.dataset.state = "playing";
    video.pause(); video.hidden = true; img.hidden = true; $("slide-text").hidden = false;
    $("slide-title").textContent = slide.title || "";
    $("slide-body").textContent = slide.body || "";
    $("slide-title").lang = $("slide-body").lang = slide.language || "vi";
    clearInterval(state.pageTimer);
    var pages = pagesOf(slide);
    if (slide.kind === "video" && slide.media && !isLed()) {
      video.src = slide.media; video.hidden = false; $("slide-text").hidden = true;
      if (slide.poster) video.poster = slide.poster;
      video.play().catch(function () {});
    } else if (isLed() || pages.length) {
      // LED controllers show the server-rendered pictures at the exact
      // resolution (a still or GIF for video); long text turns its pages.
      img.alt = slide.title || "";
      img.hidden = false; $("slide-text").hidden = true;
      if (pages.length) flip(img, pages, Math.max(1, slide.duration || 10));
      else img.src = slide.led_media || slide.image;
    } else if (slide.kind === "image" && slide.media) {
      img.src = slide.media; img.alt = slide.title || "";
      img.hidden = false; $("slide-text").hidden = true;
    }
    refit();
  }

  // LCD text uses the room it has: the largest scale (1–3× the base sizes)
  // at which title and body still fit the screen, found by halving.
  function fitText(box) {
    var area = box.parentNode;
    function fits() {
      return box.getBoundingClientRect().height <= area.clientHeight + 1 &&
        box.scrollWidth <= box.clientWidth + 1;
    }
    box.style.setProperty("--fit", "1");
    if (box.hidden || area.hidden || !fits()) return;
    var lo = 1, hi = 3;
    for (var i = 0; i < 9; i++) {
      var mid = (lo + hi) / 2;
      box.style.setProperty("--fit", String(mid));
      if (fits()) lo = mid; else hi = mid;
    }
    box.style.setProperty("--fit", String(lo));
    box.dataset.fit = lo.toFixed(2);
  }

  function refit() {
    if (!$("slide").hidden && !$("slide-text").hidden) fitText($("slide-text"));
    if (!$("emergency").hidden && !$("emergency-text").hidden) fitText($("emergency-text"));
  }

  function showEmergency(em) {
    $("slide").hidden = true; $("idle").hidden = true; $("empty").hidden = true;
    var box = $("emergency");
    box.hidden = false;
    box.dataset.key = em.key;
    document.body.dataset.state = "emergency";
    $("emergency-title").textContent = em.title || "";
    $("emergency-body").textContent = em.body || "";
    var img = $("emergency-image");
    var pages = em.pages || [em.image];
    if (isLed() || pages.length > 1) {
      img.hidden = false; $("emergency-text").hidden = true;
      if (!state.current || state.current.key !== em.key || !state.current.shown) {
        flip(img, pages, 6);
      }
    } else {
      img.hidden = true; $("emergency-text").hidden = false;
      refit();
    }
  }

  // Main + ticker layout: a bottom zone where the ticker strip scrolls.
  function showTicker(ticker) {
    var zone = $("ticker"), same = state.ticker && ticker &&
      state.ticker.image === ticker.image;
    state.ticker = ticker;
    var b = (state.manifest && state.manifest.board) || {};
    if (!ticker) { zone.hidden = true; $("stage").style.bottom = "0"; return; }
    var share = ticker.height / (b.height || 1) * 100;
    zone.hidden = false;
    zone.style.height = share + "vh";
    $("stage").style.bottom = share + "vh";
    if (same) return;
    var strip = $("ticker-strip");
    strip.src = ticker.image; strip.alt = ticker.text;
    strip.onload = function () {
      // Scroll the strip across at ``speed`` board pixels per second.
      var scale = zone.clientHeight / ticker.height;
      var travel = strip.naturalWidth * scale + zone.clientWidth;
      var seconds = (strip.naturalWidth + (b.width || 0)) / (ticker.speed || 40);
      strip.animate(
        [{ transform: "translateX(" + zone.clientWidth + "px)" },
         { transform: "translateX(" + (zone.clientWidth - travel) + "px)" }],
        { duration: seconds * 1000, iterations: Infinity });
    };
  }

  function setLevel(level) {
    state.level = level;
    document.body.dataset.level = String(level);
    $("stage").style.filter = level >= 100 ? "" : "brightness(" + level + "%)";
  }

  function next() {
    clearTimeout(state.timer);
    var em = activeEmergency();
    if (em) {
      setLevel(100);  // an emergency is always shown, at full brightness
      showTicker(null);
      showEmergency(em);
      state.current = { emergency: true, key: em.key, title: em.title, shown: true };
      state.timer = setTimeout(next, 1000);
      return;
    }
    var now_ = currentSlides();
    setLevel(now_.level);
    // Off hours go dark (level 0) or play dimmed at the board's off level.
    if ((now_.off && !now_.level) || !now_.slides.length) {
      $("slide").hidden = true; $("emergency").hidden = true;
      $("idle").hidden = true;
      $("empty").hidden = now_.off;
      document.body.dataset.state = now_.off ? "off" : "empty";
      state.current = null;
      state.timer = setTimeout(next, 5000);
      return;
    }
    showTicker(now_.segment && now_.segment.layout === "ticker" ? now_.segment.ticker : null);
    state.index = (state.index + 1) % now_.slides.length;
    var slide = now_.slides[state.index];
    var duration = Math.max(1, slide.duration || 10) * Math.max(1, pagesOf(slide).length);
    state.current = { key: slide.key, title: slide.title || "", started: Date.now() };
    show(slide);
    state.timer = setTimeout(function () {
      countPlay(slide, duration);
      next();
    }, duration * 1000);
  }

  // --- proof of play, aggregated per hour --------------------------------------------
  function hourStamp(d) {
    var h = new Date(d.getTime()); h.setMinutes(0, 0, 0);
    return h.toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  function countPlay(slide, seconds) {
    var counts = store.get("plays", {});
    var key = hourStamp(now()) + "|" + slide.key;
    var row = counts[key] || { plays: 0, seconds: 0, title: (slide.title || "").slice(0, 255) };
    row.plays += 1; row.seconds = Math.min(3600, row.seconds + seconds);
    counts[key] = row;
    store.set("plays", counts);
  }

  function flushPlays() {
    var pending = store.get("plays-pending", null);
    if (!pending) {
      var counts = store.get("plays", {});
      var keys = Object.keys(counts);
      if (!keys.length) return Promise.resolve();
      pending = {
        batch: randomToken().slice(0, 32),
        items: keys.map(function (k) {
          var parts = k.split("|");
          return { hour: parts[0], slide: parts[1], title: counts[k].title,
                   plays: counts[k].plays, seconds: counts[k].seconds };
        })
      };
      store.set("plays-pending", pending);
      store.del("plays");
    }
    return api("/signage/api/boards/" + state.board + "/plays/", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(pending)
    }).then(function (r) {
      // 400 means the server will never take this batch: drop it.
      if (r.ok || r.status === 400) store.del("plays-pending");
    }).catch(function () {});
  }

  function heartbeat() {
    var m = state.manifest;
    api("/signage/api/boards/" + state.board + "/heartbeat/", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        player_version: VERSION,
        showing: state.current
          ? (state.current.key + " · " + (state.current.title || "")).slice(0, 255) : "",
        manifest_version: m ? (m.version || "") : "",
        health: state.health
      })
    }).then(function (r) {
      state.online = r.ok;
      if (!r.ok) return;
      setStatus(""); flushPlays(); fetchManifest();
      return r.json().then(function (data) { run(data.commands || []); });
    }).catch(function () {
      state.online = false;
      setStatus("Mất kết nối máy chủ – đang phát nội dung đã lưu");
    });
  }

  // --- health: measured in the browser, sent with the heartbeat ---------------------------
  function measureHealth() {
    var health = { uptime_s: Math.round(performance.now() / 1000) };
    if (state.lastSync) health.last_sync = state.lastSync;
    var jobs = [];
    if (navigator.storage && navigator.storage.estimate) {
      jobs.push(navigator.storage.estimate().then(function (e) {
        health.storage_free_mb = Math.max(0, Math.round((e.quota - e.usage) / 1048576));
        health.cache_bytes = Math.round(e.usage || 0);
      }).catch(function () {}));
    }
    if (window.caches) {
      jobs.push(caches.open("ttcs-signage-files").then(function (c) { return c.keys(); })
        .then(function (keys) { health.cache_files = keys.length; }).catch(function () {}));
    }
    return Promise.all(jobs).then(function () { state.health = health; });
  }

  // --- commands: screenshot and reload (power and brightness come in the manifest) ------
  var doneCommands = {};
  function run(commands) {
    commands.forEach(function (c) {
      if (doneCommands[c.id]) return;
      doneCommands[c.id] = true;
      if (c.kind === "screenshot") sendScreenshot();
      else if (c.kind === "reload") {
        done(c.id, "Đang tải lại").then(function () { location.reload(); });
      } else done(c.id, "");
    });
  }

  function done(id, result) {
    return api("/signage/api/boards/" + state.board + "/commands/" + id + "/done/", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ result: result })
    }).catch(function () {});
  }

  function fetchCommands() {
    api("/signage/api/boards/" + state.board + "/commands/")
      .then(function (r) { return r.ok ? r.json() : { commands: [] }; })
      .then(function (data) { run(data.commands || []); }).catch(function () {});
  }

  // What the screen shows, drawn on a canvas at the board's resolution.
  function capture() {
    var b = (state.manifest && state.manifest.board) || {};
    var w = b.width || window.innerWidth, h = b.height || window.innerHeight;
    var canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#000"; ctx.fillRect(0, 0, w, h);
    var st = document.body.dataset.state;
    if (st === "off" && !state.level) return canvas;
    if (state.level < 100) ctx.filter = "brightness(" + state.level + "%)";
    var box = st === "emergency" ? "emergency" : "slide";
    var img = $(box + "-image"), video = $("slide-video");
    var source = !img.hidden && img.complete && img.naturalWidth ? img
      : (box === "slide" && !video.hidden && video.videoWidth ? video : null);
    if (source) {
      var sw = source.naturalWidth || source.videoWidth, sh = source.naturalHeight || source.videoHeight;
      var scale = Math.min(w / sw, h / sh);
      ctx.drawImage(source, (w - sw * scale) / 2, (h - sh * scale) / 2, sw * scale, sh * scale);
      return canvas;
    }
    ctx.fillStyle = box === "emergency" ? "#b00020" : getComputedStyle(document.body).backgroundColor;
    ctx.fillRect(0, 0, w, h);
    var title = $(box + "-title").textContent, body = $(box + "-body").textContent;
    var y = h * 0.12;
    [[title, Math.round(h * 0.07), "#ffd60a", "bold "], [body, Math.round(h * 0.045), "#fff", ""]]
      .forEach(function (part) {
        ctx.font = part[3] + part[1] + "px 'Be Vietnam Pro', 'Noto Sans', sans-serif";
        ctx.fillStyle = part[2];
        var line = "";
        (part[0] || "").split(/\s+/).forEach(function (word) {
          var test = line ? line + " " + word : word;
          if (ctx.measureText(test).width > w * 0.9 && line) {
            ctx.fillText(line, w * 0.05, y); y += part[1] * 1.4; line = word;
          } else line = test;
        });
        if (line) { ctx.fillText(line, w * 0.05, y); y += part[1] * 1.8; }
      });
    return canvas;
  }

  function sendScreenshot() {
    capture().toBlob(function (blob) {
      api("/signage/api/boards/" + state.board + "/screenshot/", {
        method: "POST", headers: { "Content-Type": "image/png" }, body: blob
      }).catch(function () {});
    }, "image/png");
  }

  // --- push: server-sent events ---------------------------------------------------------
  function listen() {
    if (!window.EventSource) return;
    var base = (state.manifest && state.manifest.events) ||
      "/signage/api/boards/" + state.board + "/events/";
    var url = base + "?token=" + encodeURIComponent(state.token);
    state.events = new EventSource(url);
    state.events.addEventListener("changed", function () { fetchManifest(); });
    state.events.addEventListener("command", function () { fetchCommands(); });
    state.events.addEventListener("open", function () { setStatus(""); });
    state.events.addEventListener("error", function () {
      // The browser reconnects by itself (the server sends "retry: 1000").
      if (state.events.readyState !== EventSource.OPEN) {
        state.online = false;
        setStatus("Mất kết nối máy chủ – đang phát nội dung đã lưu");
      }
    });
  }

  function start() {
    state.board = store.get("board", null);
    state.token = store.get("token", null);
    if (!state.board || !state.token) { pair(); return; }
    var saved = store.get("manifest", null);
    if (saved) { state.etag = store.get("etag", null); apply(saved); }
    fetchManifest();
    listen();
    var seconds = (state.manifest && state.manifest.heartbeat_seconds) || 60;
    measureHealth().then(heartbeat);
    setInterval(function () { measureHealth().then(heartbeat); }, seconds * 1000);
    fetchCommands();
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/signage/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      if (state.manifest) prefetch(state.manifest);
    }).catch(function () { /* plays from localStorage and the HTTP cache */ });
  }
  // Web fonts and a new window size change the text's room: fit it again.
  window.addEventListener("resize", refit);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(refit);
  readFragment();
  start();
  window.ttcsPlayer = state;
})();
