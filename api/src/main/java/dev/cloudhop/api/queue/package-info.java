/** Provider-neutral message queues: at-least-once delivery, visibility timeouts, dedup keys. */
package dev.cloudhop.api.queue;
