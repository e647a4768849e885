// The wheels' downloads, in a worker of their own, started by the lesson's worker (worker.js).
// A download moves only while some thread takes its bytes in, and the lesson's worker spends about
// half a second of a first visit inside Python's start-up, in one task, while the wheels download:
// read there, numpy's, Panel's and Bokeh's stood still until Python was up. Here they arrive
// meanwhile.
//
// Asked {files: [{url, integrity}], cache}: fetches each with that subresource integrity and cache
// mode, and answers for each {url, bytes} (an ArrayBuffer, handed over rather than copied) or
// {url, error}.
self.onmessage = ({ data }) => {
  for (const { url, integrity } of data.files) fetchWhole(url, integrity, data.cache);
};

async function fetchWhole(url, integrity, cache) {
  try {
    const response = await fetch(url, { integrity, cache, priority: "low" });
    if (!response.ok) throw new Error(`it answered ${response.status} ${response.statusText}`);
    const bytes = await response.arrayBuffer();
    self.postMessage({ url, bytes }, [bytes]);
  } catch (error) {
    // A download cut short and bytes that fail their integrity check both end in this TypeError.
    const reason = error instanceof TypeError
      ? `it did not arrive, or not with the sha256 the lock names (${error.message})`
      : error.message || String(error);
    self.postMessage({ url, error: reason });
  }
}
