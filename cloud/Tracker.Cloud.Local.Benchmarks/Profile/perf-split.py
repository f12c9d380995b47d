#!/usr/bin/env python3
"""Splits a perf profile of tracker-local by what each sample's stack shows (cloud/Tracker.Cloud.Local/README.md,
"Where the CPU goes"). Reads `perf script` output on standard input; the first rule whose pattern appears in a
sample's stack (or thread name) takes the sample, so the order of the rules matters.

    perf script -i host.perf | python3 perf-split.py
"""
import collections
import re
import sys

RULES = [
    ("MQTT: dispatch to every session (subscription check)", r"DispatchApplicationMessage|CheckSubscriptions"),
    ("file watcher on the data folder", r"^COMM:\.NET File Watch|FileSystemWatcher|fsnotify|inotify"),
    ("TLS (SslStream, OpenSSL)", r"SslStream|System\.Net\.Security|libssl|libcrypto|Interop\+Ssl|Interop\+Crypto"),
    ("Derive: clock tick of every car", r"TickAllAsync|TickLoopAsync"),
    ("Derive: steps (feed, engines, their SQLite)", r"Tracker\.Cloud\.Derive|DeriveGate|FeedDerive|SqliteDeriveStore|SqliteTripStore|NotificationWorker|SqliteNotifyStore"),
    ("live push (fan-out to viewers, events)", r"LiveFanout|RepublishFixesAsync|PublishEventAsync|EventCommittedAsync"),
    ("store: SQLite under ingest", r"libe_sqlite3|Microsoft\.Data\.Sqlite|SqliteStore|SQLitePCL"),
    ("store: file I/O system calls (caller not unwound: SQLite)", r"__libc_pwrite|__libc_pread|fcntl64|fdatasync|__fsync"),
    ("ingest: decode, filters, gate, metrics", r"IngestService|BatchDecoder|IngestGate|FixFilter|PublishTimes|HostMetrics"),
    ("MQTT server: packets, sessions, PUBACK", r"MQTTnet"),
    ("sockets, Kestrel, pipes", r"System\.Net\.Sockets|Kestrel|System\.IO\.Pipelines|ConnectionGuard|LimitedMqtt|MqttFrameScanner|__send|__recv|epoll"),
    ("logging", r"Microsoft\.Extensions\.Logging"),
    ("HTTP and JSON (API, /metrics)", r"System\.Text\.Json|Microsoft\.AspNetCore"),
    ("GC and runtime (no managed frame)", r"libcoreclr"),
    ("thread pool, async plumbing", r"ThreadPool|ExecutionContext|AsyncTaskMethodBuilder|SemaphoreSlim|LowLevelLifoSemaphore"),
]


def main():
    rules = [(name, re.compile(pattern, re.M)) for name, pattern in RULES]
    counts = collections.Counter()
    total = 0
    sample = []

    def close():
        nonlocal total
        if not sample:
            return
        text = "\n".join(sample)
        total += 1
        counts[next((name for name, rule in rules if rule.search(text)), "other (kernel only, unresolved)")] += 1

    for line in sys.stdin:
        if not line.strip():
            close()
            sample.clear()
        elif line[0] not in " \t":
            sample[:] = ["COMM:" + line.strip()]
        else:
            sample.append(line.strip())
    close()
    for name, count in counts.most_common():
        print(f"{100.0 * count / max(total, 1):5.1f} %  {name}")
    print(f"{total} samples")


if __name__ == "__main__":
    main()
