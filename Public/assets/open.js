import { api } from "./api.js";
import { $, h, yuan, showError } from "./dom.js";

let reservation = null;
let agreementVersion = null;

async function loadNumbers() {
  showError($("#number-error"), null);
  try {
    const numbers = await api("GET", "/api/v1/numbers?" + new URLSearchParams({ city: $("#city").value, limit: "12" }));
    $("#numbers").replaceChildren(...(numbers.length ? numbers.map((n) => h("button", { type: "button", onclick: () => reserve(n) }, n))
      : [h("span", { class: "hint" }, "该城市暂无可选号码")]));
  } catch (e) {
    showError($("#number-error"), e);
  }
}

async function reserve(number) {
  showError($("#number-error"), null);
  try {
    reservation = await api("POST", `/api/v1/numbers/${number}/reservations`);
    const until = new Date(reservation.expiresAt);
    $("#held").textContent = `已为您预留号码 ${number}，请在 ${String(until.getHours()).padStart(2, "0")}:${String(until.getMinutes()).padStart(2, "0")} 前完成开户。`;
    $("#step-details").hidden = false;
    $("#name").focus();
  } catch (e) {
    showError($("#number-error"), e);
    loadNumbers();
  }
}

async function loadForm() {
  const [packages, agreement] = await Promise.all([api("GET", "/api/v1/packages"), api("GET", "/api/v1/agreements/current")]);
  $("#package").replaceChildren(...packages.filter((p) => ["mobile_4g", "mobile_5g", "unlimited"].includes(p.category))
    .map((p) => h("option", { value: p.code }, `${p.name}（${yuan(p.monthlyFeeFen)}/月）`)));
  $("#agreement").textContent = agreement.text;
  agreementVersion = agreement.version;
}

function base64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",")[1] || "");
    reader.onerror = () => reject(new Error("照片读取失败"));
    reader.readAsDataURL(file);
  });
}

$("#open-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = $("#open-error");
  showError(error, null, $("#open-form"));
  if (!reservation) return showError(error, { message: "请先选择号码" });
  const file = $("#face").files[0];
  if (!file) return showError(error, { message: "请上传人脸照片" });
  if (file.size > 700 * 1024) return showError(error, { message: "照片请小于 700 KB" });
  const button = event.submitter;
  button.disabled = true;
  try {
    const opened = await api("POST", "/api/v1/accounts", {
      reservationToken: reservation.reservationToken, number: reservation.number,
      name: $("#name").value.trim(), idNumber: $("#id-number").value.trim(), contactPhone: $("#contact").value.trim(),
      city: $("#city").value, district: $("#district").value.trim(), address: $("#address").value.trim(),
      packageCode: $("#package").value, iccid: $("#iccid").value.trim(), faceImage: await base64(file),
      agreementVersion, consent: $("#consent").checked,
    });
    $("#step-number").hidden = true;
    $("#step-details").hidden = true;
    $("#done").hidden = false;
    // What a new subscriber needs: the number, the plan, that the agreement is signed and where to
    // read it. The agreement's record id and its content digest stay with the records.
    const plan = $("#package").selectedOptions[0]?.textContent || "";
    $("#done").replaceChildren(h("h2", {}, "开户成功"),
      h("p", {}, "您的新号码 ", h("strong", { class: "big" }, opened.number), " 已激活。"),
      plan ? h("p", {}, `套餐：${plan}`) : "",
      h("p", { class: "hint" }, `《入网服务协议》（${agreementVersion}）已签署并存档，如需副本可联系在线客服。`),
      h("a", { href: "/" }, "用新号码登录"));
  } catch (e) {
    showError(error, e, $("#open-form"));
  } finally {
    button.disabled = false;
  }
});

$("#city").addEventListener("change", loadNumbers);
$("#refresh").addEventListener("click", loadNumbers);
loadNumbers();
loadForm();
