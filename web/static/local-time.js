// Shows <time data-local datetime="..."> in the reader's own time zone (the server writes UTC as the fallback).
for (const el of document.querySelectorAll("time[data-local][datetime]")) {
  const when = new Date(el.getAttribute("datetime"));
  if (!Number.isNaN(when.getTime())) {
    el.title = el.textContent;
    el.textContent = when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZoneName: "short" });
  }
}
