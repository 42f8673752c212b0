package org.backplane.vsync.flush;

/**
 * Sent by a member that received traffic of a newer view than its own: "which view are you in?"
 *
 * @param group  the group
 * @param viewId the asker's view
 */
public record ViewQuery(String group, long viewId) implements FlushMessage {
}
