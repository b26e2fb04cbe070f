// The import status page updates itself while its job runs: the region is fetched again
// every few seconds (no page reload, focus kept), and the user can pause it (WCAG 2.2.1).
// When the job ends the server redirects the fetch: the browser follows to where it leads.
(() => {
  const region = document.getElementById("import-job");
  const pause = document.getElementById("import-pause");
  if (!region || region.dataset.finished === "1") return;
  const seconds = Number(region.dataset.refresh) || 2;
  const tick = async () => {
    if (!pause || !pause.checked) {
      try {
        const answer = await fetch(window.location.href, {credentials: "same-origin"});
        if (answer.redirected) { window.location.assign(answer.url); return; }
        const page = new DOMParser().parseFromString(await answer.text(), "text/html");
        const fresh = page.getElementById("import-job");
        if (fresh) {
          region.innerHTML = fresh.innerHTML;
          region.dataset.state = fresh.dataset.state;
          if (fresh.dataset.finished === "1") return;
        }
      } catch (error) { /* the network hiccuped: try again at the next tick */ }
    }
    window.setTimeout(tick, seconds * 1000);
  };
  window.setTimeout(tick, seconds * 1000);
})();
