import Foundation
import KefuNLU
import Logging

/// Load generators and timings that print their figures. Run with `swift run -c release KefuBench nlu`.
/// Figures are medians and percentiles over many runs: the machines are noisy.

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
}

func benchNLU() throws {
    let training = try NLU.bundledTraining()
    var trainTimes: [Double] = []
    var nlu = NLU(training: training)
    for _ in 0..<9 {
        let start = ContinuousClock.now
        nlu = NLU(training: training)
        let elapsed = ContinuousClock.now - start
        trainTimes.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }
    trainTimes.sort()
    let texts = training.map(\.text)
    var latencies: [Double] = []
    latencies.reserveCapacity(20_000)
    for round in 0..<20_000 {
        let text = texts[round % texts.count]
        let start = ContinuousClock.now
        _ = nlu.understand(text)
        let elapsed = ContinuousClock.now - start
        latencies.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    latencies.sort()
    print("nlu training: \(training.count) phrases, median \(String(format: "%.1f", trainTimes[trainTimes.count / 2])) ms over 9 runs")
    print("nlu classify (understand: intent, keywords, entities): 20000 messages, p50 \(String(format: "%.1f", percentile(latencies, 0.5))) µs, p99 \(String(format: "%.1f", percentile(latencies, 0.99))) µs, max \(String(format: "%.1f", latencies.last!)) µs")
}

/// A bench against a real `kefu serve`: its options after the name, a quiet logger, a usage error said plainly.
func runServerBench(_ name: String, _ body: ([String], Logger) async throws -> Void) async throws {
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    do {
        try await body(Array(CommandLine.arguments.dropFirst(2)), logger)
    } catch let error as BenchError {
        print("KefuBench \(name): \(error)")
        exit(2)
    }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "nlu", nil:
    try benchNLU()
case "tickets":
    try await benchTickets(databaseURL: arguments.dropFirst().first)
case "chat":
    try await runServerBench("chat") { try await ChatBench(options: try .parse($0), logger: $1).run() }
case "tickets-http":
    try await runServerBench("tickets-http") { try await TicketsHTTPBench(options: try .parse($0), logger: $1).run() }
case "stored":
    try await runServerBench("stored") { try await StoredBench(options: try .parse($0), logger: $1).run() }
case "failover":
    try await runServerBench("failover") { try await FailoverBench(options: try .parse($0), logger: $1).run() }
case "quality":
    try await runServerBench("quality") { try await QualityBench(options: try .parse($0), logger: $1).run() }
case "idle":
    try await runServerBench("idle") { try await IdleBench(options: try .parse($0), logger: $1).run() }
default:
    print("usage: KefuBench nlu | tickets [database-url] | chat [--customers N] [--agents M] [--idle K] [--wallboards W] [--rate R] [--seconds S] [--binary path] [--database url] | stored [--senders N] [--seconds S] [--database url] | idle [--sockets N] [--cycles C] | tickets-http [--clients C] [--seconds S] [--database url] | failover --database postgres://… [--customers N] [--agents M] [--rate R] [--seconds S] [--kill-after K] | quality [--conversations N] [--messages-per-chat M] [--tickets T] [--runs R] [--database url]")
    exit(2)
}
