"use strict";
// Asks this page's server for a token once per page load (a client secret the server mints for a
// Realtime session), then counts down to its expiry. The API key never comes here: the server
// answers with the short-lived token only, or with an error message it wrote itself. "Start a call" sends this browser's WebRTC
// offer to the server, which starts the call and answers with the SDP answer and the call's id.

const SHOWN_CHARS = 6; // how much of the token the page displays

const byId = (id) => document.getElementById(id);

function setState(state, status) {
  document.body.dataset.state = state;
  byId("status").textContent = status;
}

function formatUtc(epochSeconds) {
  // 2027-01-01T00:00:00.000Z -> 2027-01-01 00:00:00 UTC
  return new Date(epochSeconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function fail(message) {
  setState("error", "Could not mint a session token.");
  byId("details").hidden = true;
  const error = byId("error");
  error.textContent = message;
  error.hidden = false;
}

function describeError(error, httpStatus) {
  if (!error || typeof error.message !== "string") {
    return `The token server answered HTTP ${httpStatus} without an explanation.`;
  }
  return error.request_id ? `${error.message} Request id: ${error.request_id}.` : error.message;
}

function startCountdown(lifetimeSeconds) {
  // Counted on the page's monotonic clock from the moment the answer arrived, with the lifetime
  // the server computed from its own clock: a wrong clock on this machine does not matter.
  const deadline = performance.now() + Math.max(0, lifetimeSeconds) * 1000;
  const secondsLeft = byId("seconds-left");
  const tick = () => {
    const msLeft = deadline - performance.now();
    const seconds = Math.max(0, Math.ceil(msLeft / 1000));
    secondsLeft.textContent = String(seconds);
    if (seconds === 0) {
      setState("expired", "The token has expired. Reload the page to mint a new one.");
      return;
    }
    // Wake just after the shown number changes, so it steps down once a second without drifting.
    setTimeout(tick, (msLeft % 1000) + 5);
  };
  tick();
}

function showSession(minted) {
  // minted.token is what a real page would now open its Realtime connection with, as the bearer
  // credential; this demo keeps it in this variable and displays only its first characters.
  const token = minted.token;
  byId("token-masked").textContent = `${token.slice(0, SHOWN_CHARS)}\u2026 (${token.length} characters)`;
  byId("expires-at").textContent = formatUtc(minted.expires_at);
  const parts = [minted.session_id, minted.model].filter(Boolean);
  byId("session").textContent = parts.length ? parts.join(", ") : "(not named)";
  byId("details").hidden = false;
  setState("ready", "Session token ready.");
  startCountdown(minted.expires_at - minted.server_time);
}

async function mint() {
  let response;
  try {
    response = await fetch("/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
      cache: "no-store",
    });
  } catch {
    fail("The token server could not be reached.");
    return;
  }
  let payload;
  try {
    payload = await response.json();
  } catch {
    fail(`The token server answered HTTP ${response.status} without JSON.`);
    return;
  }
  if (!response.ok || !payload || typeof payload.token !== "string") {
    fail(describeError(payload && payload.error, response.status));
    return;
  }
  showSession(payload);
}

function setCall(state, status) {
  document.body.dataset.call = state;
  byId("call-status").textContent = status;
}

function callFailed(message) {
  setCall("error", message);
  byId("start-call").disabled = false;
}

async function startCall() {
  byId("start-call").disabled = true;
  setCall("offering", "Making an offer\u2026");
  let peer;
  try {
    peer = new RTCPeerConnection();
    // Audio both ways and the events channel, as a Realtime call has; no microphone is asked for.
    peer.addTransceiver("audio", { direction: "sendrecv" });
    peer.createDataChannel("oai-events");
    await peer.setLocalDescription(await peer.createOffer());
  } catch (error) {
    callFailed(`This browser could not make a WebRTC offer: ${error.message}`);
    return;
  }
  let response;
  try {
    response = await fetch("/call", {
      method: "POST",
      headers: { "Content-Type": "application/sdp" },
      body: peer.localDescription.sdp,
      cache: "no-store",
    });
  } catch {
    callFailed("The token server could not be reached.");
    return;
  }
  if (!response.ok) {
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      // described below from the status alone
    }
    callFailed(describeError(payload && payload.error, response.status));
    return;
  }
  const answer = await response.text();
  byId("call-id").textContent = response.headers.get("X-Call-Id") || "(none given)";
  byId("call-details").hidden = false;
  try {
    await peer.setRemoteDescription({ type: "answer", sdp: answer });
    byId("call-remote").textContent = "accepted as the remote description";
    setCall("answered", "Call started.");
  } catch (error) {
    byId("call-remote").textContent = `not accepted: ${error.message}`;
    setCall("unanswered", "Call started, but this browser did not accept the answer.");
  }
  // Nothing is connected in this demo: let go of the connection.
  peer.close();
}

byId("start-call").addEventListener("click", startCall);
mint();
