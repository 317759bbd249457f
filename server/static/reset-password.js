// The password-reset page: takes the token from the link, then sends it with the new
// password to the resetPassword mutation and shows what the service answered.
// The token stays in this script's memory only: it is taken out of the address bar (and so
// out of the history), never stored, and the page sends no Referer (see its meta tag).
"use strict";

const RESET = `mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword) { ok userErrors { field code message } }
}`;

const token = new URLSearchParams(window.location.search).get("token");
if (window.location.search) {
  window.history.replaceState(null, "", window.location.pathname);
}

const form = document.getElementById("reset");
const password = document.getElementById("password");
const confirmation = document.getElementById("confirmation");
const submit = document.getElementById("submit");
const outcome = document.getElementById("outcome");

// The service's messages are lower-case clauses ("password must contain a digit").
function sentence(text) {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

function show(message, kind) {
  outcome.textContent = message;
  outcome.className = kind;
}

async function resetPassword(newPassword) {
  const response = await fetch("graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
    },
    body: JSON.stringify({ query: RESET, variables: { token, newPassword } }),
    credentials: "omit",
    cache: "no-store",
    referrerPolicy: "no-referrer",
  });
  return response.json();
}

async function onSubmit(event) {
  event.preventDefault();
  if (password.value !== confirmation.value) {
    show("The two passwords are not the same.", "problem");
    return;
  }
  submit.disabled = true;
  show("Changing your password…", "");
  let answer;
  try {
    answer = await resetPassword(password.value);
  } catch {
    show("The service could not be reached. Check your connection and try again.", "problem");
    submit.disabled = false;
    return;
  }
  submit.disabled = false;
  const payload = answer.data && answer.data.resetPassword;
  if (payload && payload.ok) {
    form.hidden = true;
    show("Your password has been changed. Sign in with it; every earlier sign-in has ended.", "done");
    return;
  }
  const errors = (payload && payload.userErrors) || answer.errors || [];
  const message = errors.map((error) => sentence(error.message)).join(" ");
  show(message || "The password was not changed.", "problem");
  if (errors.some((error) => error.code === "INVALID_TOKEN")) {
    form.hidden = true;
  }
}

if (token) {
  form.hidden = false;
  form.addEventListener("submit", onSubmit);
  password.focus();
} else {
  show("This link is incomplete. Open the link from the email again, or ask for a new one.", "problem");
}
