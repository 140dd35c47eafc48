package org.ebsvolume.messaging;

import java.time.Duration;

/**
 * How an RPC server runs its handlers.
 *
 * @param executorThreads  handlers running at once ({@code executor_thread_pool_size}, 64 in oslo)
 * @param backlog          accepted requests waiting for a thread; beyond it the consumer waits, so
 *                         a burst slows intake instead of dropping acknowledged work
 * @param maxMessageBytes  larger bodies are rejected unread
 * @param stopGrace        how long {@code stop} lets in-flight handlers finish
 */
public record RpcServerSettings(int executorThreads, int backlog, int maxMessageBytes, Duration stopGrace) {

    public RpcServerSettings {
        if (executorThreads < 1) {
            throw new IllegalArgumentException("executorThreads must be at least 1, got " + executorThreads);
        }
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must not be negative, got " + backlog);
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
        }
    }

    public static RpcServerSettings defaults() {
        return new RpcServerSettings(64, 1024, 64 * 1024 * 1024, Duration.ofSeconds(30));
    }

    public RpcServerSettings withExecutorThreads(int n) {
        return new RpcServerSettings(n, backlog, maxMessageBytes, stopGrace);
    }

    public RpcServerSettings withMaxMessageBytes(int n) {
        return new RpcServerSettings(executorThreads, backlog, n, stopGrace);
    }

    public RpcServerSettings withStopGrace(Duration d) {
        return new RpcServerSettings(executorThreads, backlog, maxMessageBytes, d);
    }
}
