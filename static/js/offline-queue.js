// Logging offline (issue 16): the incident form and a safety walk's observation form keep an
// entry on the device (IndexedDB) when there is no connection, list what waits, and send it when
// the connection returns and on every load of these pages. Each entry has its own key
// (client_key, a UUID): the server saves an entry once, however often it is sent.
// A photo is made smaller here (longest side at most 2048 px, JPEG from a canvas: no metadata
// survives); its GPS position is read first (exifr), only when the person ticked the box.
// The server answers a queued entry (header X-Trygghet-Queue: 1) in JSON: saved, or refused
// with its messages (the entry stays here, to be corrected or discarded). A redirect (to the
// login page) or 403 means the session is gone: the page asks to log in, and sends after.
// Online, the form is sent by this script as well (header X-Trygghet-Submit: 1, the entry's key
// in it): when the server cannot be reached although the device says it is online ("lie-fi":
// the post fails, times out, or the service worker answers instead), the entry goes into the
// queue, and the queue is tried again after a while (15 s, doubling to 5 min). The server answers
// that post's redirect as JSON and the page goes there; a page with the form's errors (or the
// near-duplicate question) is shown by posting the same form once more as the browser does (the
// entry's key keeps a save from being made twice).
(function () {
  "use strict";
  var root = document.getElementById("offline-queue");
  if (!root || !window.indexedDB || !window.fetch) return;
  var t = root.dataset;
  var user = t.user || "";
  var MAX_SIDE = 2048;
  var DB_NAME = "trygghet-offline";
  var STORE = "entries";

  if ("serviceWorker" in navigator && t.sw) {
    navigator.serviceWorker.register(t.sw, { scope: "/" }).catch(function () {});
    // This page was loaded before the worker ran: ask it to keep the page for a reload without
    // a connection (it keeps it only if the server marked it as the empty form).
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ keepPage: location.pathname });
    });
  }

  // --- IndexedDB ----------------------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "key" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }
  function tx(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var transaction = database.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }
  function entries() {
    return tx("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (entry) { return entry.user === user; })
        .sort(function (a, b) { return a.created - b.created; });
    });
  }
  function put(entry) { return tx("readwrite", function (store) { store.put(entry); }); }
  function remove(key) { return tx("readwrite", function (store) { store.delete(key); }); }

  // --- The list of what waits ---------------------------------------------------------------
  var panel = document.getElementById("offline-queue-panel");
  var list = document.getElementById("offline-queue-list");
  var count = document.getElementById("offline-queue-count");
  var status = document.getElementById("offline-queue-status");
  var notice = document.getElementById("offline-notice");
  var login = document.getElementById("offline-login");
  var correcting = document.getElementById("offline-correcting");

  function announce(text) {
    // Emptied first, so that the same sentence twice is read out twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  function summary(entry) {
    var text = t["kind" + entry.kind.charAt(0).toUpperCase() + entry.kind.slice(1)] || entry.kind;
    var when = new Date(entry.created);
    text += ", " + when.toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "short", timeStyle: "short"
    });
    var description = field(entry, "description") || field(entry, "place") || "";
    if (description) text += ": " + (description.length > 60 ? description.slice(0, 60) + "…" : description);
    if (entry.photo) text += " (" + t.withPhoto + ")";
    return text;
  }
  function field(entry, name) {
    for (var i = 0; i < entry.fields.length; i++) {
      if (entry.fields[i][0] === name) return entry.fields[i][1];
    }
    return null;
  }
  function render() {
    notice.hidden = navigator.onLine;
    return entries().then(function (all) {
      list.textContent = "";
      panel.hidden = all.length === 0;
      var waiting = all.filter(function (e) { return e.state !== "refused"; }).length;
      var refused = all.length - waiting;
      var sentences = [t.waitingCount.replace("{count}", waiting)];
      if (refused) sentences.push(t.refusedCount.replace("{count}", refused));
      count.textContent = sentences.join(" ");
      all.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = "border-top py-2 offline-entry";
        item.dataset.key = entry.key;
        item.dataset.state = entry.state;
        var text = document.createElement("p");
        text.className = "mb-1";
        text.textContent = summary(entry);
        var state = document.createElement("span");
        state.className = "badge ms-2 " + (entry.state === "refused" ? "text-bg-danger" : "text-bg-secondary");
        state.textContent = entry.state === "refused" ? t.refused : t.waiting;
        text.appendChild(state);
        item.appendChild(text);
        if (entry.state === "refused") {
          var errors = document.createElement("ul");
          errors.className = "text-danger small mb-1 offline-errors";
          messagesOf(entry).forEach(function (message) {
            var li = document.createElement("li");
            li.textContent = message;
            errors.appendChild(li);
          });
          item.appendChild(errors);
          var form = formFor(entry);
          if (form) item.appendChild(button(t.correct, entry, function () { reopen(form, entry); }));
          item.appendChild(button(t.discard, entry, function () {
            remove(entry.key).then(render).then(function () { announce(t.discarded); });
          }));
        }
        list.appendChild(item);
      });
      return all;
    });
  }
  function button(label, entry, action) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm btn-outline-secondary me-2";
    element.textContent = label;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = ": " + summary(entry);
    element.appendChild(hidden);
    element.addEventListener("click", action);
    return element;
  }
  function messagesOf(entry) {
    var out = [];
    Object.keys(entry.errors || {}).forEach(function (name) {
      var label = labelOf(name);
      (entry.errors[name] || []).forEach(function (message) {
        out.push(label ? label + ": " + message : message);
      });
    });
    return out;
  }
  function labelOf(name) {
    if (name === "__all__") return "";
    var element = document.querySelector("label[for='id_" + name + "']");
    return element ? element.textContent.replace(/\*\s*$/, "").trim() : name;
  }

  // --- Keeping an entry -----------------------------------------------------------------------
  function formFor(entry) {
    var forms = document.querySelectorAll("form[data-offline-form]");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].dataset.offlineForm === entry.kind && actionOf(forms[i]) === entry.url) return forms[i];
    }
    return null;
  }
  function actionOf(form) { return new URL(form.getAttribute("action") || location.pathname, location.href).pathname; }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  function photoInput(form) { return form.querySelector("input[type=file][name=photo]"); }

  function photoError(form, message) {
    var input = photoInput(form);
    var old = form.querySelector(".offline-photo-error");
    if (old) old.remove();
    if (!input) return;
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== "offline-photo-error";
    });
    input.classList.toggle("is-invalid", !!message);
    if (!message) {
      input.removeAttribute("aria-invalid");
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
      return;
    }
    var folded = input.closest("details");
    if (folded) folded.open = true;
    var error = document.createElement("div");
    error.className = "invalid-feedback d-block offline-photo-error";
    error.id = "offline-photo-error";
    error.textContent = message;
    input.insertAdjacentElement("afterend", error);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", described.concat(["offline-photo-error"]).join(" "));
    input.focus();
  }

  // The photo made smaller on the device, and (with consent) its position in the form's fields.
  function preparePhoto(form) {
    var input = photoInput(form);
    var file = input && input.files && input.files[0];
    if (!file) return Promise.resolve(null);
    var consent = form.querySelector("input[name=use_photo_position]");
    var located = Promise.resolve();
    if (consent && consent.checked && window.exifr) {
      located = window.exifr.gps(file).then(function (gps) {
        if (gps && isFinite(gps.latitude) && isFinite(gps.longitude)) fillPosition(form, gps.latitude, gps.longitude);
      }).catch(function () {});
    }
    return located.then(function () {
      return window.createImageBitmap(file, { imageOrientation: "from-image" });
    }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    }, function () {
      throw new Error(t.photoUnreadable);
    }).then(function (blob) {
      if (!blob) throw new Error(t.photoUnreadable);
      var max = parseInt(t.photoMaxBytes, 10);
      if (max && blob.size > max) throw new Error(t.photoTooLarge);
      var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
      return { blob: blob, name: name };
    });
  }
  function fillPosition(form, lat, lng) {
    var latInput = form.querySelector("input[name=latitude]");
    var lngInput = form.querySelector("input[name=longitude]");
    if (!latInput || !lngInput || latInput.value || lngInput.value) return;
    latInput.value = lat.toFixed(5);
    lngInput.value = lng.toFixed(5);
    // The map picker (councils/map_widgets.js) moves its marker on "change".
    [latInput, lngInput].forEach(function (input) {
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  function setPhoto(form, blob, name) {
    var input = photoInput(form);
    if (!input || !window.DataTransfer) return false;
    try {
      var transfer = new DataTransfer();
      transfer.items.add(new File([blob], name, { type: "image/jpeg" }));
      input.files = transfer.files;
      return true;
    } catch (error) {
      return false;
    }
  }

  function fieldsOf(form, submitter) {
    var data = new FormData(form, submitter || undefined);
    var fields = [];
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "photo" || name === "client_key") return;
      if (typeof value === "string") fields.push([name, value]);
    });
    return fields;
  }

  // ``prepared``: the photo as preparePhoto made it already (an online try that failed).
  // ``said``: what the person is told (no connection, by default).
  function keep(form, submitter, prepared, said) {
    photoError(form, "");
    var photoReady = prepared === undefined ? preparePhoto(form) : Promise.resolve(prepared);
    return photoReady.then(function (photo) {
      var keyInput = form.querySelector("input[name=client_key]");
      var entry = {
        key: (keyInput && keyInput.value) || newKey(),
        user: user,
        kind: form.dataset.offlineForm,
        url: actionOf(form),
        fields: fieldsOf(form, submitter),
        photo: photo ? photo.blob : null,
        photoName: photo ? photo.name : null,
        created: Date.now(),
        state: "waiting",
        errors: null
      };
      return put(entry).then(function () {
        clearForm(form);
        return render();
      }).then(function () { announce((said || t.kept) + " " + count.textContent); });
    }, function (error) {
      photoError(form, error.message);
    });
  }
  function clearForm(form) {
    ["description", "place"].forEach(function (name) {
      var element = form.querySelector("[name=" + name + "]");
      if (element) { element.value = ""; element.dispatchEvent(new Event("input", { bubbles: true })); }
    });
    var input = photoInput(form);
    if (input) input.value = "";
    var consent = form.querySelector("input[name=use_photo_position]");
    if (consent) consent.checked = false;
    var keyInput = form.querySelector("input[name=client_key]");
    if (keyInput) keyInput.value = "";
    // The next entry has a position of its own (the map picker takes its marker away on change).
    ["latitude", "longitude"].forEach(function (name) {
      var element = form.querySelector("input[name=" + name + "]");
      if (element) { element.value = ""; element.dispatchEvent(new Event("change", { bubbles: true })); }
    });
    photoError(form, "");
    correcting.hidden = true;
  }

  // A refused entry back into the form, with its key (a new send is still the same entry).
  function reopen(form, entry) {
    entry.fields.forEach(function (pair) {
      var elements = form.querySelectorAll("[name='" + pair[0] + "']");
      elements.forEach(function (element) {
        if (element.type === "checkbox" || element.type === "radio") element.checked = element.value === pair[1];
        else element.value = pair[1];
        element.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
    var keyInput = form.querySelector("input[name=client_key]");
    if (keyInput) keyInput.value = entry.key;
    if (entry.photo && setPhoto(form, entry.photo, entry.photoName || "photo.jpg")) {
      var folded = photoInput(form).closest("details");
      if (folded) folded.open = true;
    }
    correcting.textContent = "";
    var heading = document.createElement("p");
    heading.className = "mb-1";
    heading.textContent = t.correcting;
    var errors = document.createElement("ul");
    errors.className = "mb-0";
    messagesOf(entry).forEach(function (message) {
      var li = document.createElement("li");
      li.textContent = message;
      errors.appendChild(li);
    });
    correcting.appendChild(heading);
    correcting.appendChild(errors);
    correcting.hidden = false;
    return remove(entry.key).then(render).then(function () { correcting.focus(); });
  }

  // --- Sending ------------------------------------------------------------------------------
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  // The service worker's own answer (no connection, nothing kept), not the server's.
  function fromWorker(response) { return !!response.headers.get("X-Trygghet-Worker"); }
  // One entry: "saved", "refused", "login" (the session is gone) or "offline" (try later).
  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("client_key", entry.key);
    body.append("csrfmiddlewaretoken", csrfToken());
    if (entry.photo) body.append("photo", new File([entry.photo], entry.photoName || "photo.jpg", { type: "image/jpeg" }));
    return fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Trygghet-Queue": "1", "X-CSRFToken": csrfToken(), Accept: "application/json" }
    }).then(function (response) {
      if (fromWorker(response)) return "offline";
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) return "login";
      if (response.status === 200 || response.status === 201) {
        return remove(entry.key).then(function () { return "saved"; });
      }
      if (response.status === 400) {
        return response.json().then(function (answer) {
          entry.state = "refused";
          entry.errors = answer.errors || {};
          return put(entry).then(function () { return "refused"; });
        });
      }
      return "offline"; // a server error: kept, sent again later
    }, function () { return "offline"; });
  }

  // Tried again while entries wait and the server could not be reached although the device
  // says it is online (no "online" event will come then): after 15 s, doubling up to 5 min.
  // ``data-retry-ms`` on #offline-queue sets the first delay (read at each try).
  var retryTimer = null;
  var retryDelay = 0;
  function scheduleRetry() {
    if (retryTimer) return;
    var first = parseInt(root.dataset.retryMs, 10) || 15000;
    retryDelay = retryDelay ? Math.min(retryDelay * 2, 300000) : first;
    retryTimer = window.setTimeout(function () { retryTimer = null; sync(); }, retryDelay);
  }
  function retryNoMore() {
    retryDelay = 0;
    if (retryTimer) window.clearTimeout(retryTimer);
    retryTimer = null;
  }

  var syncing = null;
  function sync() {
    if (syncing) return syncing;
    if (!navigator.onLine) return render();
    root.dataset.syncing = "true";
    syncing = entries().then(function (all) {
      var waiting = all.filter(function (entry) { return entry.state !== "refused"; });
      var sent = 0;
      var loggedOut = false;
      var unreachable = false;
      var chain = Promise.resolve(true);
      waiting.forEach(function (entry) {
        chain = chain.then(function (go) {
          if (!go) return false;
          return send(entry).then(function (result) {
            if (result === "saved") sent += 1;
            if (result === "login") loggedOut = true;
            if (result === "offline") unreachable = true;
            return result === "saved" || result === "refused";
          });
        });
      });
      return chain.then(function () {
        login.hidden = !loggedOut;
        if (unreachable) scheduleRetry();
        else retryNoMore();
        return render().then(function (left) {
          if (sent) announce(t.sent.replace("{count}", sent) + " " + count.textContent);
          else if (loggedOut) announce(t.login);
          else if (left.some(function (e) { return e.state === "refused"; })) announce(count.textContent);
        });
      });
    }).finally(function () {
      syncing = null;
      delete root.dataset.syncing;
      root.dataset.synced = String(Date.now());
    });
    return syncing;
  }

  // --- Sending the form online ----------------------------------------------------------------
  // Where the server's answer sends the page: a new page, or this one again (an address that
  // differs from this one by its #fragment only would not load it, nor show its messages).
  function go(url) {
    var target = new URL(url, location.href);
    if (target.pathname + target.search === location.pathname + location.search) {
      history.replaceState(history.state, "", target.href);
      location.reload();
    } else {
      location.assign(target.href);
    }
  }
  // The post of an online form. Resolves when the page has been handed on (to the next page, to
  // the ordinary post) or the entry is kept.
  function submitOnline(form, submitter, photo, pass) {
    var body = new FormData(form, submitter || undefined);
    if (photo) body.set("photo", new File([photo.blob], photo.name, { type: "image/jpeg" }));
    var controller = window.AbortController ? new AbortController() : null;
    var timeout = parseInt(root.dataset.submitTimeoutMs, 10) || 30000;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, timeout) : null;
    function kept(reason) {
      // Not reached (or not answered): kept here, the key keeps a post that did arrive from
      // being saved twice when the queue is sent.
      return keep(form, submitter, photo, t.unreachable).then(function () {
        if (reason === "login") return sync();
        scheduleRetry();
      });
    }
    return fetch(actionOf(form), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      signal: controller ? controller.signal : undefined,
      headers: { "X-Trygghet-Submit": "1", "X-CSRFToken": csrfToken(), Accept: "application/json, text/html" }
    }).then(function (response) {
      if (timer) window.clearTimeout(timer);
      if (fromWorker(response) || response.status >= 500) return kept("offline");
      // Not the form's redirect (ours comes as JSON): the session is gone, or the CSRF token.
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return kept("login");
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === 0) {
        return response.json().then(function (answer) {
          if (answer && answer.url) go(answer.url);
          else pass();
        }, pass);
      }
      // The form with its errors, or the near-duplicate question: shown as the browser shows
      // the answer of an ordinary post, by sending it as one (nothing was saved).
      pass();
    }, function () {
      if (timer) window.clearTimeout(timer);
      return kept("offline");
    });
  }

  // --- The forms ----------------------------------------------------------------------------
  document.querySelectorAll("form[data-offline-form]").forEach(function (form) {
    var passing = false;
    // With consent, the photo's position goes into the fields (and the map) as soon as it is
    // chosen, so that the person sees it before saving.
    function locate() {
      var input = photoInput(form);
      var consent = form.querySelector("input[name=use_photo_position]");
      var file = input && input.files && input.files[0];
      if (!file || !consent || !consent.checked || !window.exifr) return;
      window.exifr.gps(file).then(function (gps) {
        if (gps && isFinite(gps.latitude) && isFinite(gps.longitude)) fillPosition(form, gps.latitude, gps.longitude);
      }).catch(function () {});
    }
    var chooser = photoInput(form);
    var consentBox = form.querySelector("input[name=use_photo_position]");
    if (chooser) chooser.addEventListener("change", locate);
    if (consentBox) consentBox.addEventListener("change", locate);
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (passing || event.defaultPrevented) return;
      event.preventDefault();
      if (sending) return; // a second press while the first is on its way
      var submitter = event.submitter || null;
      var input = photoInput(form);
      var hasPhoto = input && input.files && input.files.length > 0;
      if (!navigator.onLine) { keep(form, submitter); return; }
      // The entry's key from the first try on: a post that arrived unanswered, sent again
      // from the queue, is saved once.
      var keyInput = form.querySelector("input[name=client_key]");
      if (keyInput && !keyInput.value) keyInput.value = newKey();
      sending = true;
      form.setAttribute("aria-busy", "true");
      function pass() {
        // The ordinary post (its answer is a page the browser shows).
        passing = true;
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
        passing = false;
      }
      photoError(form, "");
      // A photo is made smaller here first, and goes in the form as such (for the ordinary post).
      var photoReady = hasPhoto ? preparePhoto(form) : Promise.resolve(null);
      photoReady.then(function (photo) {
        if (photo) setPhoto(form, photo.blob, photo.name);
        return submitOnline(form, submitter, photo, pass);
      }, function (error) { photoError(form, error.message); }).finally(function () {
        sending = false;
        form.removeAttribute("aria-busy");
      });
    });
  });

  window.addEventListener("online", function () { retryNoMore(); sync(); });
  window.addEventListener("offline", render);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sync();
  });
  // Sent on every load of the page (after a login, too).
  sync();
  window.TrygghetQueue = { sync: sync, send: send, entries: entries, put: put, render: render };
})();
