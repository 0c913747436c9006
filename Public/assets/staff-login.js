// The staff login form shared by the agent desk and the admin console.
import { api, me, logout } from "./api.js";
import { $, h, showError, labels } from "./dom.js";

/// The form, the same on every staff page; the page names it (data-title).
function loginForm(card) {
  card.replaceChildren(h("h2", {}, card.dataset.title || "员工登录"),
    h("form", { id: "login-form", class: "stack", novalidate: true },
      h("div", {}, h("label", { for: "username" }, "用户名"), h("input", { id: "username", autocomplete: "username" })),
      h("div", {}, h("label", { for: "password" }, "密码"), h("input", { id: "password", type: "password", autocomplete: "current-password" })),
      h("button", { class: "primary", type: "submit", style: "width: 100%" }, "登录"),
      h("div", { class: "error", id: "login-error", role: "alert" })));
}

/// Shows the form until a staff member is logged in, then calls `onReady(me)`.
export async function staffSession(onReady) {
  loginForm($("#login"));
  const form = $("#login-form");
  const error = $("#login-error");
  const ready = (who) => {
    $("#login").hidden = true;
    $("#who").textContent = `${who.displayName} · ${labels.role[who.role] || who.role} · 工号 ${who.agentNo}`;
    $("#logout").hidden = false;
    // Links to pages the role may use, and only those.
    for (const link of document.querySelectorAll("[data-needs]")) link.hidden = !who.permissions.includes(link.dataset.needs);
    reviewsWaiting(who);
    onReady(who);
  };
  $("#logout").addEventListener("click", async () => {
    await logout().catch(() => {});
    location.reload();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, null);
    const username = $("#username").value.trim();
    const password = $("#password").value;
    if (!username || !password) return showError(error, { message: "请输入用户名和密码" });
    try {
      const session = await api("POST", "/api/v1/auth/login", { username, password });
      ready(session.me);
    } catch (e) {
      showError(error, e);
    }
  });
  const who = await me().catch(() => null);
  if (who && who.kind === "staff") ready(who);
  else $("#login").hidden = false;
}

/// The 差评复盘 link says how many tasks wait on this person: QA the open ones, a lead the appeals,
/// an agent the findings they may still appeal.
async function reviewsWaiting(who) {
  const link = document.querySelector('nav a[href="/reviews/"]');
  if (!link) return;
  const tab = who.permissions.includes("review.conclude") ? "open" : who.permissions.includes("review.decide") ? "appealed" : "concluded";
  const queue = await api("GET", `/api/v1/reviews?tab=${tab}&limit=100`).catch(() => null);
  if (!queue) return;
  const waiting = tab === "concluded" ? queue.items.filter((r) => r.allowed.includes("appeal")).length : queue.counts[tab];
  link.querySelector(".unread")?.remove();
  if (waiting) link.append(" ", h("span", { class: "unread", "aria-label": `${waiting} 项待处理` }, String(waiting)));
}
