package dev.lamina.store;

/**
 * One line of a function's log, as CloudWatch Logs keeps it.
 *
 * @param seq the store's sequence number (0 before it is stored)
 * @param logGroup such as {@code /aws/lambda/my-function}
 * @param logStream one per instance, such as {@code 2026/12/03/[$LATEST]0123abcd...}
 * @param timestamp epoch milliseconds
 * @param message the line, without its line break
 */
public record LogEvent(long seq, String logGroup, String logStream, long timestamp, String message) {}
