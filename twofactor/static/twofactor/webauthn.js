// Passkeys (WebAuthn) for twofactor/templates/twofactor/overview.html and verify.html.
//
// A box `[data-webauthn="register"|"login"]` stays hidden until this file finds a browser with
// WebAuthn; then it is shown and its form, sent with Enter or its button, runs the ceremony:
// fetch the options from `data-options-url` (POST, with the form's CSRF token), turn their
// base64url fields into bytes, call navigator.credentials.create() or .get(), send the answer
// as JSON to `data-finish-url` and follow the `redirect` it returns. Messages come from the
// box's `data-message-*` attributes (translated by the page) and are read out by the
// `[data-webauthn-status]` live region; a passkey without a name gets the field's error
// (`data-message-name`) before anything is asked of the browser. A file, not an inline script: the CSP allows no other.
(function () {
  "use strict";

  function toBytes(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) {
      bytes[i] = text.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) {
      text += String.fromCharCode(bytes[i]);
    }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    (options.excludeCredentials || []).forEach(function (credential) {
      credential.id = toBytes(credential.id);
    });
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    (options.allowCredentials || []).forEach(function (credential) {
      credential.id = toBytes(credential.id);
    });
    return options;
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) {
        json.response.transports = response.getTransports();
      }
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        json.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return json;
  }

  function post(url, token, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
      body: JSON.stringify(body || {}),
    }).then(function (answer) {
      return answer.json().then(function (data) {
        if (!answer.ok) {
          throw new Error(data.message || "");
        }
        return data;
      });
    });
  }

  function setUp(box) {
    var form = box.querySelector("form");
    var status = box.querySelector("[data-webauthn-status]");
    var button = form.querySelector("button[type=submit]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var registering = box.dataset.webauthn === "register";

    function say(message) {
      status.textContent = message;
    }

    // The name field's error, marked up as core/forms/field.html does for errors from the server.
    function nameError(message) {
      var input = form.querySelector("input[name=name]");
      var wrapper = input.closest(".kern-form-input");
      var id = input.id + "_error";
      var error = document.getElementById(id);
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (token) {
        return token && token !== id;
      });
      if (!message) {
        if (error) {
          error.remove();
        }
        input.removeAttribute("aria-invalid");
        wrapper.classList.remove("kern-form-input--error");
        input.setAttribute("aria-describedby", described.join(" "));
        return;
      }
      if (!error) {
        error = document.createElement("p");
        error.className = "kern-error";
        error.id = id;
        var icon = document.createElement("span");
        icon.className = "kern-icon kern-icon--danger";
        icon.setAttribute("aria-hidden", "true");
        error.appendChild(icon);
        error.appendChild(document.createElement("span")).className = "kern-body";
        wrapper.insertBefore(error, input);
      }
      error.lastChild.textContent = message;
      wrapper.classList.add("kern-form-input--error");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", described.concat([id]).join(" "));
      say("");  // the focused field's description reads the error out
      input.focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var name = registering ? form.querySelector("input[name=name]").value.trim() : "";
      if (registering) {
        nameError(name ? "" : box.dataset.messageName);
        if (!name) {
          return;
        }
      }
      button.disabled = true;
      say(box.dataset.messageWaiting);
      post(box.dataset.optionsUrl, token)
        .then(function (options) {
          return registering
            ? navigator.credentials.create({ publicKey: creationOptions(options) })
            : navigator.credentials.get({ publicKey: requestOptions(options) });
        })
        .then(function (credential) {
          var body = { credential: credentialJSON(credential) };
          if (registering) {
            body.name = name;
          }
          return post(box.dataset.finishUrl, token, body);
        })
        .then(function (data) {
          window.location.assign(data.redirect);
        })
        .catch(function (error) {
          button.disabled = false;
          say(error && error.message && error.name === "Error" ? error.message : box.dataset.messageFailed);
          button.focus();
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-webauthn]");
    if (!boxes.length) {
      return;
    }
    if (!window.PublicKeyCredential || !navigator.credentials) {
      boxes.forEach(function (box) {
        box.hidden = true;
      });
      return;
    }
    boxes.forEach(function (box) {
      box.hidden = false;
      setUp(box);
    });
    document.querySelectorAll("[data-webauthn-fallback]").forEach(function (note) {
      note.hidden = true;
    });
  });
})();
