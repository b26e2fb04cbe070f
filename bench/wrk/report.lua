-- Shared by every bench/load.py endpoint: print wrk's summary as one JSON line.
-- Latencies are in microseconds. `status` counts answers outside 2xx/3xx.
function report(summary, latency)
  local e = summary.errors
  io.write(string.format(
    '\n@@LOAD {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d%s}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    extra_fields and extra_fields() or ""))
end

done = report
