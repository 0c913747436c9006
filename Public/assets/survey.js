// The satisfaction survey, the same in the chat window and on the account page: stars 1–5, a reason
// when the score is 3 or less, the optional NPS question, a comment.
import { h } from "./dom.js";

export const reasons = [
  ["attitude", "态度"], ["slow_response", "响应慢"], ["unresolved", "问题未解决"],
  ["policy", "业务规则不满"], ["network", "网络质量"], ["other", "其他"],
];
const starWords = ["", "非常不满意", "不满意", "一般", "满意", "非常满意"];

// `submit(answer)` sends {csat, nps?, reason?, comment?} and throws an error with a message if refused.
export function surveyForm({ prompt = "请对本次服务评价：", submit }) {
  let csat = 0;
  let nps = null;
  let reason = null;
  const error = h("div", { class: "error", role: "alert" });
  const word = h("span", { class: "hint", "aria-live": "polite" });
  const stars = h("div", { class: "stars", role: "group", "aria-label": "满意度" },
    [1, 2, 3, 4, 5].map((n) => h("button", {
      type: "button", "aria-pressed": "false", "aria-label": `${n}分 ${starWords[n]}`, "data-score": String(n),
      onclick: () => pickScore(n),
    }, "★")));
  const reasonBox = h("div", { class: "survey-reasons", hidden: true },
    h("div", { class: "hint" }, "哪里让您不满意？（必选）"),
    h("div", { class: "choice-row", role: "group", "aria-label": "不满意的原因" },
      reasons.map(([code, label]) => h("button", {
        type: "button", "aria-pressed": "false", "data-reason": code,
        onclick: (ev) => { reason = code; error.textContent = ""; mark(ev.currentTarget.parentElement, ev.currentTarget); },
      }, label))));
  const npsRow = h("div", { class: "choice-row nps", role: "group", "aria-label": "推荐意愿 0 到 10 分" },
    Array.from({ length: 11 }, (_, n) => h("button", {
      type: "button", "aria-pressed": "false", "data-nps": String(n),
      onclick: (ev) => { nps = n; mark(npsRow, ev.currentTarget); },
    }, String(n))));
  const comment = h("textarea", { rows: "2", maxlength: "500", placeholder: "还有什么想说的？（选填）", "aria-label": "评价内容" });
  const send = h("button", { class: "primary", type: "button", onclick: onSend }, "提交评价");
  const form = h("div", { class: "survey" },
    h("div", { class: "hint" }, prompt), h("div", { class: "survey-score" }, stars, word),
    reasonBox,
    h("div", { class: "hint", style: "margin-top: 6px" }, "您有多大可能向亲友推荐我们？（0–10分，选填）"), npsRow,
    comment, h("div", { class: "actions" }, send), error);

  function pickScore(n) {
    csat = n;
    error.textContent = "";
    word.textContent = starWords[n];
    for (const b of stars.children) {
      const on = Number(b.dataset.score) <= n;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", String(Number(b.dataset.score) === n));
    }
    reasonBox.hidden = n > 3;
    if (n > 3) { reason = null; mark(reasonBox.querySelector(".choice-row"), null); }
  }

  async function onSend() {
    error.textContent = "";
    if (!csat) { error.textContent = "请选择满意度评分"; return; }
    if (csat <= 3 && !reason) { error.textContent = "请选择不满意的原因"; return; }
    const answer = { csat };
    if (nps != null) answer.nps = nps;
    if (reason) answer.reason = reason;
    if (comment.value.trim()) answer.comment = comment.value.trim();
    send.disabled = true;
    try {
      await submit(answer);
      form.replaceChildren(h("p", { class: "ok-box", role: "status" }, "感谢您的评价！"));
    } catch (e) {
      error.textContent = e.message;
      send.disabled = false;
    }
  }
  return form;
}

function mark(group, chosen) {
  for (const b of group.children) {
    b.classList.toggle("on", b === chosen);
    b.setAttribute("aria-pressed", String(b === chosen));
  }
}
