// Report periods in China's days: the quality pages' picker (今天 / 近7天 / 近30天 / 本月 / 自定义) and
// what each choice means as the instants [from, to) the API takes.
import { h } from "./dom.js";

export const DAY = 86400000;
const CHINA = 8 * 3600000;

// China's midnight `daysAgo` days before today, as a Date.
export function chinaMidnight(daysAgo) {
  const local = Date.now() + CHINA;
  return new Date(local - (local % DAY) - daysAgo * DAY - CHINA);
}

// The picker: a select and, for 自定义, two dates; `onChange` runs on every change, `range()` reads it.
export function periodPicker(onChange, { initial = "7" } = {}) {
  const choices = [["today", "今天"], ["7", "近7天"], ["30", "近30天"], ["month", "本月"], ["custom", "自定义"]];
  const select = h("select", { id: "q-period", "aria-label": "统计周期" },
    choices.map(([value, text]) => h("option", { value, selected: value === initial }, text)));
  const from = h("input", { type: "date", id: "q-from", "aria-label": "开始日期" });
  const to = h("input", { type: "date", id: "q-to", "aria-label": "结束日期" });
  const custom = h("span", { id: "q-custom", hidden: true }, from, " 至 ", to);
  for (const input of [select, from, to]) input.addEventListener("change", onChange);
  return {
    elements: [select, custom],
    range() {
      custom.hidden = select.value !== "custom";
      return periodRange(select.value, from.value, to.value);
    },
  };
}

function chinaDate(text) {
  const [y, m, d] = text.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d) - CHINA);
}

// The range a choice names; for "custom", the two dates picked (null until both are).
export function periodRange(choice, fromText, toText) {
  const tomorrow = chinaMidnight(-1);
  if (choice === "today") return [chinaMidnight(0), tomorrow];
  if (choice === "7" || choice === "30") return [chinaMidnight(Number(choice) - 1), tomorrow];
  if (choice === "month") {
    const local = new Date(Date.now() + CHINA);
    return [new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - CHINA), tomorrow];
  }
  if (!fromText || !toText) return null;
  return [chinaDate(fromText), new Date(chinaDate(toText).getTime() + DAY)];
}

// A Date as China's calendar day, YYYY-MM-DD.
export function chinaDay(date) { return new Date(date.getTime() + CHINA).toISOString().slice(0, 10); }

// "2026-11-04 至 2026-12-03（北京时间）" for [from, to).
export function rangeText(range) {
  return `${chinaDay(range[0])} 至 ${chinaDay(new Date(range[1].getTime() - DAY))}（北京时间）`;
}
