import { api, me, logout } from "./api.js";
import { $, showError } from "./dom.js";
import { render360 } from "./customer360.js";
import { mountWidget } from "./chat-widget.js";
import { servicesCard } from "./business.js";
import { myTicketsCard } from "./my-tickets.js";
import { mySurveysCard } from "./my-surveys.js";

const loginCard = $("#login");
const account = $("#account");
const error = $("#login-error");

async function start() {
  const who = await me().catch(() => null);
  if (who && who.kind === "customer") return showAccount(who);
  loginCard.hidden = false;
  if (who && who.kind === "visitor") offerChat(who);
}

// Without logging in: a visitor session, the same chat widget; the bot asks to log in for account matters.
$("#visitor-chat").addEventListener("click", async () => {
  showError(error, null);
  try {
    const session = await api("POST", "/api/v1/auth/visitor");
    offerChat(session.me);
    $("#open-chat").click();
  } catch (e) {
    showError(error, e);
  }
});

function offerChat(who) {
  $("#open-chat").hidden = false;
  $("#open-chat").onclick = () => {
    $("#chat-panel").hidden = false;
    if (!widget) widget = mountWidget($("#chat-panel"), who);
  };
}

$("#send-code").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  showError(error, null);
  const phone = $("#phone").value.trim();
  if (!/^1[3-9]\d{9}$/.test(phone)) return showError(error, { message: "请输入正确的11位手机号码" });
  button.disabled = true;
  try {
    const sent = await api("POST", "/api/v1/auth/sms/request", { phone });
    countdown(button, sent.resendAfterSeconds);
    $("#code").focus();
  } catch (e) {
    showError(error, e);
    if (e.retryAfter) countdown(button, e.retryAfter); else button.disabled = false;
  }
});

function countdown(button, seconds) {
  button.disabled = true;
  let left = seconds;
  button.textContent = `${left}秒后重发`;
  const timer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      button.disabled = false;
      button.textContent = "获取验证码";
    } else {
      button.textContent = `${left}秒后重发`;
    }
  }, 1000);
}

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showError(error, null);
  const phone = $("#phone").value.trim();
  const code = $("#code").value.trim();
  if (!/^\d{6}$/.test(code)) return showError(error, { message: "请输入6位数字验证码" });
  try {
    const session = await api("POST", "/api/v1/auth/sms/verify", { phone, code });
    // A visitor's chat belongs to the visitor: start afresh as the customer.
    if (widget) return location.reload();
    loginCard.hidden = true;
    showAccount(session.me);
  } catch (e) {
    showError(error, e);
  }
});

$("#logout").addEventListener("click", async () => {
  await logout().catch(() => {});
  location.reload();
});

let widget = null;

async function showAccount(who) {
  $("#who").textContent = who.phone || "";
  $("#logout").hidden = false;
  $("#open-chat").hidden = false;
  $("#open-chat").onclick = () => {
    $("#chat-panel").hidden = false;
    if (!widget) widget = mountWidget($("#chat-panel"), who);
  };
  account.hidden = false;
  account.replaceChildren();
  try {
    const view = await api("GET", `/api/v1/customers/${encodeURIComponent(who.id)}/360`);
    const parts = render360(view);
    account.append(parts[0], mySurveysCard(), servicesCard(who.id, view), myTicketsCard(who.id, view), ...parts.slice(1));
  } catch (e) {
    account.textContent = e.message;
  }
}

start();
